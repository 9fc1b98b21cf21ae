"""The server's VAPID key pair (RFC 8292): it signs every push, so a push
service knows the alarm comes from this server, and browsers subscribe with
its public half (``GET /api/push/key``)."""

import os
import re
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid, b64urlencode

KEY_FILE = "vapid-private.pem"
# Accepted by pywebpush and some push services, refused by others: set KNEEAID_VAPID_SUBJECT.
DEVELOPMENT_SUBJECT = "mailto:kneeaid@localhost"
# What push services accept as a VAPID subject: a mailto: or an https: address (RFC 8292, 2.1).
SUBJECT = re.compile(r"(mailto:[^@\s]+@[^@\s]+|https://[^\s/]+\S*)")


class BadPushSetting(ValueError):
    """A push setting (the key or the subject) cannot be used."""


class ServerKey:
    """The key, loaded (or made) the first time it is needed: an app that never
    sends an alarm writes no key file. A bad KNEEAID_VAPID_PRIVATE_KEY stops
    the app at start, not at the first alarm."""

    def __init__(self, data_dir, configured_key=None):
        self.data_dir = data_dir
        self.configured_key = configured_key
        self._key = load_or_create(data_dir, configured_key) if configured_key else None
        self._lock = threading.Lock()

    def get(self):
        """The Vapid key; OSError when the data folder cannot keep a new one."""
        with self._lock:
            if self._key is None:
                self._key = load_or_create(self.data_dir, self.configured_key)
            return self._key


def load_or_create(data_dir, configured_key=None):
    """The key given in the settings (PEM, or base64url DER or raw), else the
    one kept in the data folder, made on first start. Two processes starting
    at once keep the same key: the file appears whole or not at all."""
    if configured_key:
        try:
            if "-----BEGIN" in configured_key:
                return Vapid.from_pem(configured_key.encode())
            return Vapid.from_string(configured_key)
        except Exception as error:  # py_vapid raises anything from binascii to ValueError
            raise BadPushSetting(f"KNEEAID_VAPID_PRIVATE_KEY is not a P-256 private key: {error}") from None
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        _create(path)
    return Vapid.from_pem(path.read_bytes())


def _create(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Vapid()
    key.generate_keys()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # private: the owner only
    with os.fdopen(descriptor, "wb") as file:
        file.write(key.private_pem())
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(temporary, path)  # fails if another process made it first: then theirs is kept
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def application_server_key(key):
    """The public key as browsers' PushManager.subscribe() wants it: the
    uncompressed P-256 point, base64url without padding."""
    point = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(point)


def check_subject(subject):
    """The VAPID subject, if push services will take it."""
    if not SUBJECT.fullmatch(subject or ""):
        raise BadPushSetting(f"KNEEAID_VAPID_SUBJECT must be a mailto: or https: address, not {subject!r}")
    return subject
