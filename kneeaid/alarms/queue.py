"""The alarms waiting to be pushed: one small JSON file each under
``<data folder>/alarms``, named ``<due ms>-<subscription key>-<id>.json`` so a
folder listing says what is due and whose it is without opening a file.

Why each alarm is sent once, by several processes on one data folder, across
crashes:

* A file is written whole (kneeaid/files.py) or not at all, and an alarm is
  acknowledged (201) only once its file is on disk: ``kill -9`` loses nothing.
* A sender must hold an ``flock`` on the alarm's file to send it, and removes
  the file before letting go. Another process finds it locked (and skips it),
  or finds it removed (and skips it): one send.
* Cancelling takes the same lock, so it waits for a send under way.
* The one duplicate possible: a process killed after the push service took
  the message and before the file was removed (milliseconds). The next sender
  sends it again; the notification has a fixed tag, so the phone shows one.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
from pathlib import Path

from ..files import CANNOT_WRITE, StorageUnavailable, sync_folder, write_atomically

MAX_ATTEMPTS_TO_CANCEL = 10  # each waits for one send; a send is put back at most a few times
ALARM_ID = re.compile(r"[0-9a-f]{32}")
FILE_NAME = re.compile(r"(?P<due>\d{15})-(?P<subscriber>[0-9a-f]{16})-(?P<id>[0-9a-f]{32})\.json")


class TooManyAlarms(Exception):
    """The subscription already has as many waiting alarms as allowed."""


def subscriber_key(endpoint):
    """A short stable name for a push subscription (its endpoint is secret-ish and long)."""
    return hashlib.sha256(endpoint.encode()).hexdigest()[:16]


def new_alarm_id():
    return secrets.token_hex(16)


def is_alarm_id(value):
    return isinstance(value, str) and ALARM_ID.fullmatch(value) is not None


class AlarmQueue:
    """Alarms kept under ``data_dir``; every method is safe between processes."""

    def __init__(self, data_dir):
        self.folder = Path(data_dir) / "alarms"

    def _names(self):
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return sorted(name for name in names if FILE_NAME.fullmatch(name))

    def add(self, alarm, due, max_per_subscriber):
        """Keep ``alarm`` (a JSON-able dict with its subscription) to send at
        ``due`` (seconds since the epoch); returns its id once it is on disk.
        Raises TooManyAlarms, or StorageUnavailable (nothing kept)."""
        subscriber = subscriber_key(alarm["subscription"]["endpoint"])
        alarm_id = new_alarm_id()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._whole_queue_lock():
                waiting = [name for name in self._names() if FILE_NAME.fullmatch(name)["subscriber"] == subscriber]
                if len(waiting) >= max_per_subscriber:
                    raise TooManyAlarms()
                self._write(alarm_id, subscriber, due, alarm)
        except OSError as error:
            if error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise
        return alarm_id

    def _write(self, alarm_id, subscriber, due, alarm):
        name = f"{round(due * 1000):015d}-{subscriber}-{alarm_id}.json"
        write_atomically(self.folder / name, json.dumps({**alarm, "id": alarm_id}, ensure_ascii=False))

    @contextlib.contextmanager
    def _whole_queue_lock(self):
        # Only adding takes it: the count per subscription and the new file go together.
        with (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def waiting(self):
        """[(due in seconds, file name)] of every waiting alarm, soonest first."""
        return [(int(FILE_NAME.fullmatch(name)["due"]) / 1000, name) for name in self._names()]

    @contextlib.contextmanager
    def claimed(self, name):
        """The alarm in ``name``, locked for this caller alone until the block
        ends, or None: another process is sending it, or it is gone (sent or
        cancelled). The caller removes it (``remove``) once it is dealt with."""
        try:
            file = (self.folder / name).open("r", encoding="utf-8")
        except FileNotFoundError:
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
                yield json.load(file) if os.fstat(file.fileno()).st_nlink > 0 else None
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def remove(self, name):
        """Remove an alarm the caller has claimed."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / name).unlink()
            sync_folder(self.folder)

    def postpone(self, name, alarm, due):
        """Send a claimed alarm later instead (a push service that failed for now)."""
        subscriber = FILE_NAME.fullmatch(name)["subscriber"]
        self._write(alarm["id"], subscriber, due, alarm)
        self.remove(name)

    def cancel(self, alarm_id):
        """Remove a waiting alarm; a send under way finishes first. Removing
        one already sent or cancelled is not an error. A send that failed for
        now has put the alarm back under a new name by then: that goes too."""
        for _ in range(MAX_ATTEMPTS_TO_CANCEL):
            names = [name for name in self._names() if FILE_NAME.fullmatch(name)["id"] == alarm_id]
            if not names:
                return
            for name in names:
                self._remove_when_free(name)

    def forget_subscriber(self, endpoint):
        """Remove every waiting alarm of a subscription the push service says is gone."""
        subscriber = subscriber_key(endpoint)
        for name in self._names():
            if FILE_NAME.fullmatch(name)["subscriber"] == subscriber:
                self._remove_when_free(name)

    def _remove_when_free(self, name):
        try:
            file = (self.folder / name).open("r")
        except FileNotFoundError:
            return
        try:
            with file:
                fcntl.flock(file, fcntl.LOCK_EX)
                self.remove(name)
        except OSError as error:
            if error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise
