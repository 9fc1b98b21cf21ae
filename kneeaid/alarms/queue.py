"""The alarms waiting to be pushed, in files under ``<data folder>/alarms``:

* ``<id>.json``: the alarm (its subscription, message, due time, and whose it is);
* ``due/<due ms>-<id>``: an empty file for each, so a listing of ``due/`` says
  what is due without opening a file (the sender's one listing);
* ``subscribers/<subscription key>/<id>`` and ``clients/<address key>/<id>``:
  empty files, an index per subscription and per client address, so adding one
  counts a few names, not every waiting alarm, and a cancel goes straight to
  ``<id>.json``.

Why each alarm is sent once, by several processes on one data folder, across
crashes:

* An alarm is acknowledged (201) only once ``<id>.json`` and its ``due/`` name
  are on disk (each written whole, kneeaid/storage/atomic_files.py): ``kill -9`` loses nothing.
* A sender must hold an ``flock`` on ``<id>.json`` to send it, and removes the
  file before letting go. Another process finds it locked (and skips it), or
  removed (and skips it): one send.
* Cancelling takes the same lock, so it waits for a send under way.
* The one duplicate possible: a process killed after the push service took the
  message and before the file was removed (milliseconds). The next sender sends
  it again; the notification has a fixed tag, so the phone shows one.
* The index names are written without waiting for the disk, and removed after
  the alarm: by a cancel at once; for alarms sent, by ``tidy`` once the sender
  has nothing due for a while (two names fewer an alarm while a crowd's alarms
  are sent). A name naming an alarm that is gone (not tidied yet, or left by a
  crash) is dropped where it is found (a count, a listing, the sweep each
  process makes once after it starts): never an alarm sent twice or lost, at
  worst a count that reads a few names more until then.

Limits (per subscription, per client address, in total) keep one client from
filling the disk or slowing everyone's adds: beyond them, TooManyAlarms.
"""

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import NamedTuple

from ..storage.atomic_files import CANNOT_WRITE, StorageUnavailable, sync_folder, write_atomically

ALARM_ID = re.compile(r"[0-9a-f]{32}")
DUE_NAME = re.compile(r"(?P<due>\d{15})-(?P<id>[0-9a-f]{32})")
# An alarm kept by KneeAid before the index (December 2026): one file, its due time and subscription in its name.
EARLIER_NAME = re.compile(r"(?P<due>\d{15})-(?P<subscriber>[0-9a-f]{16})-(?P<id>[0-9a-f]{32})\.json")
TOTAL_COUNTED_FOR_SECONDS = 1.0  # the total is counted at most this often per process (a whole listing)
TIDIED_AT_ONCE = 2000  # index names one tidy() removes at most (a few milliseconds)
UNTIDY_AT_MOST = 50_000  # index names of sent alarms held for tidy(); beyond, removed with their alarm


class Limits(NamedTuple):
    """The most waiting alarms a subscription, a client address and everyone may have."""

    per_subscriber: int
    per_client: int
    total: int


class TooManyAlarms(Exception):
    """An alarm beyond a limit: ``which`` is "subscriber", "client" or "total"."""

    def __init__(self, which):
        super().__init__(which)
        self.which = which


def subscriber_key(endpoint):
    """A short stable name for a push subscription (its endpoint is secret-ish and long)."""
    return hashlib.sha256(endpoint.encode()).hexdigest()[:16]


def client_key(address):
    """A short stable name for a client address (not kept as it is)."""
    return hashlib.sha256(f"kneeaid-client:{address}".encode()).hexdigest()[:16]


def new_alarm_id():
    return secrets.token_hex(16)


def is_alarm_id(value):
    return isinstance(value, str) and ALARM_ID.fullmatch(value) is not None


def due_name(due, alarm_id):
    return f"{round(due * 1000):015d}-{alarm_id}"


class AlarmQueue:
    """Alarms kept under ``data_dir``; every method is safe between processes."""

    def __init__(self, data_dir):
        self.folder = Path(data_dir) / "alarms"
        self._total = (float("-inf"), 0)  # (when counted, how many)
        self._total_lock = threading.Lock()
        self._untidy = []  # index names of alarms sent here, for tidy()
        self._untidy_lock = threading.Lock()
        self._sweep = self._every_index_name()  # the names an earlier process may have left: tidy() looks once
        self._adopt_earlier_alarms()

    def _adopt_earlier_alarms(self):
        """Alarms an earlier version kept (waiting across an upgrade) move into this layout, each
        written whole before its old file goes: a crash midway moves it again, never loses it."""
        earlier = [name for name in _listing(self.folder) if EARLIER_NAME.fullmatch(name)]
        if not earlier:
            return
        (self.folder / "due").mkdir(exist_ok=True)
        with self._adding_lock():
            for name in earlier:
                parts = EARLIER_NAME.fullmatch(name)
                with contextlib.suppress(FileNotFoundError):  # sent by an earlier-version process just now
                    alarm = json.loads((self.folder / name).read_text(encoding="utf-8"))
                    client = client_key("")
                    for folder in (f"subscribers/{parts['subscriber']}", f"clients/{client}"):
                        (self.folder / folder).mkdir(parents=True, exist_ok=True)
                    write_atomically(
                        self._file(parts["id"]),
                        json.dumps(
                            {
                                **alarm,
                                "due": int(parts["due"]) / 1000,
                                "subscriber": parts["subscriber"],
                                "client": client,
                            },
                            ensure_ascii=False,
                        ),
                    )
                    self._touch(f"subscribers/{parts['subscriber']}/{parts['id']}")
                    self._touch(f"clients/{client}/{parts['id']}")
                    self._touch(f"due/{parts['due']}-{parts['id']}", durable=True)
                    (self.folder / name).unlink()
            sync_folder(self.folder)

    # Adding --------------------------------------------------------------

    def add(self, alarm, due, max_per_subscriber, client="", limits=None):
        """Keep ``alarm`` (a JSON-able dict with its subscription) to send at
        ``due`` (seconds since the epoch) for a client address; returns its id
        once it is on disk. Raises TooManyAlarms, or StorageUnavailable (nothing kept)."""
        limits = limits or Limits(max_per_subscriber, float("inf"), float("inf"))
        subscriber = subscriber_key(alarm["subscription"]["endpoint"])
        client = client_key(client)
        alarm_id = new_alarm_id()
        try:
            for folder in (
                self.folder / "due",
                self.folder / "subscribers" / subscriber,
                self.folder / "clients" / client,
            ):
                folder.mkdir(parents=True, exist_ok=True)
            with self._adding_lock():
                self._refuse_beyond(limits, subscriber, client)
                write_atomically(
                    self._file(alarm_id),
                    json.dumps(
                        {**alarm, "id": alarm_id, "due": due, "subscriber": subscriber, "client": client},
                        ensure_ascii=False,
                    ),
                )
                self._touch(f"subscribers/{subscriber}/{alarm_id}")
                self._touch(f"clients/{client}/{alarm_id}")
                self._touch(f"due/{due_name(due, alarm_id)}", durable=True)  # now it can be sent
        except OSError as error:
            if error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise
        with self._total_lock:
            self._total = (self._total[0], self._total[1] + 1)
        return alarm_id

    def _refuse_beyond(self, limits, subscriber, client):
        if len(self._indexed(f"subscribers/{subscriber}")) >= limits.per_subscriber:
            raise TooManyAlarms("subscriber")
        if len(self._indexed(f"clients/{client}")) >= limits.per_client:
            raise TooManyAlarms("client")
        if self._counted_total() >= limits.total:
            raise TooManyAlarms("total")

    def _indexed(self, folder):
        """The ids an index folder names whose alarm is still waiting (a name left by a crash is dropped)."""
        ids = []
        for alarm_id in _listing(self.folder / folder):
            if self._file(alarm_id).exists():
                ids.append(alarm_id)
            else:
                (self.folder / folder / alarm_id).unlink(missing_ok=True)
        return ids

    def _counted_total(self):
        """How many alarms wait, listed at most once a TOTAL_COUNTED_FOR_SECONDS (plus this process's adds since)."""
        with self._total_lock:
            counted_at, count = self._total
            if time.monotonic() - counted_at > TOTAL_COUNTED_FOR_SECONDS:
                self._total = (time.monotonic(), len(_listing(self.folder / "due")))
            return self._total[1]

    def _touch(self, name, durable=False):
        descriptor = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT, 0o644)
        os.close(descriptor)
        if durable:
            sync_folder((self.folder / name).parent)

    @contextlib.contextmanager
    def _adding_lock(self):
        # Only adding takes it: the counts and the new alarm go together.
        with (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _file(self, alarm_id):
        return self.folder / f"{alarm_id}.json"

    # Sending -------------------------------------------------------------

    def waiting(self):
        """[(due in seconds, name)] of every waiting alarm, soonest first."""
        names = (DUE_NAME.fullmatch(name) for name in _listing(self.folder / "due"))
        return sorted((int(name["due"]) / 1000, name.group(0)) for name in names if name)

    @contextlib.contextmanager
    def claimed(self, name):
        """The alarm ``name`` (of ``waiting``), locked for this caller alone
        until the block ends, or None: another process is sending it, or it is
        gone (sent or cancelled). The caller removes it (``remove``) or
        postpones it (``postpone``) once it is dealt with."""
        alarm_id = DUE_NAME.fullmatch(name)["id"]
        try:
            file = self._file(alarm_id).open("r", encoding="utf-8")
        except FileNotFoundError:
            self._forget_due(name)  # a name a crash left behind
            yield None
            return
        with file:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield None
                return
            try:
                # Removed between open() and flock(): someone dealt with it already.
                alarm = json.load(file) if os.fstat(file.fileno()).st_nlink > 0 else None
                if alarm is not None and due_name(alarm["due"], alarm_id) != name:
                    self._forget_due(name)  # an older due time, left by a crash while it was postponed
                    alarm = None
                yield alarm
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def claimed_together(self, names):
        """{name: alarm} of those of ``names`` this caller could claim (as ``claimed`` claims one),
        each locked for this caller alone until the block ends."""
        with contextlib.ExitStack() as claims:
            alarms = {}
            for name in names:
                alarm = claims.enter_context(self.claimed(name))
                if alarm is not None:
                    alarms[name] = alarm
            yield alarms

    def remove(self, name):
        """Remove an alarm the caller has claimed."""
        self._remove_read(DUE_NAME.fullmatch(name)["id"])

    def remove_all(self, claimed):
        """Remove alarms the caller has claimed ({name: alarm}, as ``claimed_together`` gave them):
        the alarms and their due names now (made durable once for them all), their index names
        when the sender has time (``tidy``)."""
        removed = {DUE_NAME.fullmatch(name)["id"]: alarm for name, alarm in claimed.items()}
        index_names = [name for alarm_id, alarm in removed.items() for name in _index_names(alarm_id, alarm)]
        with self._untidy_lock:
            later = len(self._untidy) + len(index_names) <= UNTIDY_AT_MOST
            if later:
                self._untidy.extend(index_names)
        self._remove_all(removed, with_index=not later)

    def tidy(self):
        """Remove index names of alarms that are gone, at most TIDIED_AT_ONCE: those of the alarms
        sent here, then (once after a start) any an earlier process left. The sender calls it when
        nothing is due for a while."""
        with self._untidy_lock:
            names, self._untidy = self._untidy[:TIDIED_AT_ONCE], self._untidy[TIDIED_AT_ONCE:]
        for name in names:
            (self.folder / name).unlink(missing_ok=True)
        for name in itertools.islice(self._sweep, max(0, TIDIED_AT_ONCE - len(names))):
            if not self._file(name.rsplit("/", 1)[1]).exists():
                (self.folder / name).unlink(missing_ok=True)

    def _every_index_name(self):
        for index in ("subscribers", "clients"):
            for folder in _listing(self.folder / index):
                for alarm_id in _listing(self.folder / index / folder):
                    yield f"{index}/{folder}/{alarm_id}"

    def postpone(self, name, alarm, due):
        """Send a claimed alarm later instead (a push service that failed for now)."""
        alarm_id = DUE_NAME.fullmatch(name)["id"]
        write_atomically(self._file(alarm_id), json.dumps({**alarm, "due": due}, ensure_ascii=False))
        self._touch(f"due/{due_name(due, alarm_id)}", durable=True)
        self._forget_due(name)

    def _forget_due(self, name):
        (self.folder / "due" / name).unlink(missing_ok=True)

    # Cancelling ----------------------------------------------------------

    def cancel(self, alarm_id):
        """Remove a waiting alarm; a send under way finishes first. Removing
        one already sent or cancelled is not an error (a send that failed for
        now has put it back by then, under the same file: that goes too)."""
        self._remove_when_free(alarm_id)

    def forget_subscriber(self, endpoint):
        """Remove every waiting alarm of a subscription the push service says is gone."""
        for alarm_id in _listing(self.folder / "subscribers" / subscriber_key(endpoint)):
            self._remove_when_free(alarm_id)

    def _remove_when_free(self, alarm_id):
        try:
            file = self._file(alarm_id).open("r")
        except FileNotFoundError:
            return
        try:
            with file:
                fcntl.flock(file, fcntl.LOCK_EX)
                self._remove_read(alarm_id)
        except OSError as error:
            if error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise

    def _remove_read(self, alarm_id):
        """Remove one alarm the caller holds the lock of, read first for its names (gone already: nothing)."""
        with contextlib.suppress(FileNotFoundError):  # another process removed it before letting go
            self._remove_all({alarm_id: json.loads(self._file(alarm_id).read_text(encoding="utf-8"))})

    def _remove_all(self, removed, with_index=True):
        """The alarms ({id: alarm}, their locks held by the caller), then their due names, and their
        index names ``with_index``."""
        for alarm_id in removed:
            self._file(alarm_id).unlink(missing_ok=True)
        if not removed:
            return
        sync_folder(self.folder)
        for alarm_id, alarm in removed.items():
            self._forget_due(due_name(alarm["due"], alarm_id))
            for name in _index_names(alarm_id, alarm) if with_index else ():
                (self.folder / name).unlink(missing_ok=True)
        with self._total_lock:
            self._total = (self._total[0], max(0, self._total[1] - len(removed)))


def _index_names(alarm_id, alarm):
    return (f"subscribers/{alarm['subscriber']}/{alarm_id}", f"clients/{alarm['client']}/{alarm_id}")


def _listing(folder):
    """The names in a folder, temporary files left out; [] for a folder not made yet."""
    try:
        return [name for name in os.listdir(folder) if not name.startswith(".")]
    except FileNotFoundError:
        return []
