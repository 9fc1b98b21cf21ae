"""The diary's storage: TinyDB, one small file per profile. Nothing else in
KneeAid imports TinyDB.

Why it is safe with several worker processes and threads, and across crashes:

* One file per profile (``profiles/ab/abcdef….json``), so writers of
  different profiles never wait for each other and the size of one write does
  not grow with the number of people.
* Every read or change of a profile holds an ``flock`` on its ``.lock`` file:
  exclusive to change, shared to read. flock works between processes and
  between threads that open the file separately, as each call here does.
* A change is made in memory and written once, by kneeaid/files.py: to a
  temporary file, fsynced, renamed over the old file, the folder fsynced. A
  process killed at any moment leaves the old file or the new one, never half
  of one, and a change is acknowledged only after it is on disk.
"""

import contextlib
import fcntl
import json
import re
import secrets
from pathlib import Path

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from ..files import CANNOT_WRITE, StorageUnavailable, write_atomically
from .merge import merge

__all__ = ["DiaryStore", "ProfileGone", "StorageUnavailable", "TooManyWrites"]

PROFILE_ID = re.compile(r"[0-9a-f]{32}")


class TooManyWrites(Exception):
    """The profile wrote more often than its limit allows."""


class ProfileGone(Exception):
    """The profile was deleted while this change waited for it."""


class AtomicJSONStorage(Storage):
    """TinyDB storage that replaces its file atomically and durably."""

    def __init__(self, path):
        self.path = Path(path)

    def read(self):
        try:
            with self.path.open(encoding="utf-8") as file:
                return json.load(file)
        except FileNotFoundError:
            return None

    def write(self, data):
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class DiaryStore:
    """Profiles and their diary entries, kept under ``data_dir``."""

    def __init__(self, data_dir):
        self.root = Path(data_dir) / "profiles"

    # Profiles -------------------------------------------------------------

    @staticmethod
    def new_profile_id():
        """A random 128-bit id, as 32 hex digits."""
        return secrets.token_hex(16)

    @staticmethod
    def is_profile_id(value):
        return isinstance(value, str) and PROFILE_ID.fullmatch(value) is not None

    def _folder(self, profile_id):
        if not self.is_profile_id(profile_id):
            raise ValueError("not a profile id")
        return self.root / profile_id[:2]

    def exists(self, profile_id):
        return self.is_profile_id(profile_id) and (self._folder(profile_id) / f"{profile_id}.json").exists()

    @contextlib.contextmanager
    def _changing(self, profile_id):
        """The profile's database, under its exclusive lock; written once, at the end."""
        folder = self._folder(profile_id)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{profile_id}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            # Changes stay in memory until close(), which writes them once.
            database = TinyDB(folder / f"{profile_id}.json", storage=CachingMiddleware(AtomicJSONStorage))
            try:
                yield database
                database.close()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # Entries --------------------------------------------------------------

    def entries(self, profile_id):
        """Every entry of a profile (an unknown profile has none)."""
        if not self.exists(profile_id):
            return []
        folder = self._folder(profile_id)
        try:
            with (folder / f"{profile_id}.lock").open("r") as lock:  # read-only: works on a read-only disk
                fcntl.flock(lock, fcntl.LOCK_SH)
                try:
                    # The file as TinyDB wrote it, read as plain JSON: no TinyDB objects
                    # for 10,000 entries when a page shows 200.
                    data = AtomicJSONStorage(folder / f"{profile_id}.json").read() or {}
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        except FileNotFoundError:  # deleted since exists() said yes
            return []
        return list(data.get("entries", {}).values())

    def save(self, profile_id, entries, deleted_ids, now, writes_per_minute=None, new=False, max_entries=None):
        """Store entries and delete entries by id, by the rule of kneeaid/diary/merge.py
        (the same id twice is stored once; the later edit wins; at most
        ``max_entries`` in the diary). Returns (the ids now safely on disk, the
        ids not stored because the diary is full). ``new`` says the profile is
        being created; otherwise it must still exist (ProfileGone). Raises
        TooManyWrites past the limit. Either error changes nothing."""
        try:
            return self._save(profile_id, entries, deleted_ids, now, writes_per_minute, new, max_entries)
        except BaseException as error:
            if new and not self.exists(profile_id):
                # A profile that was never written leaves no lock file behind.
                with contextlib.suppress(OSError):
                    (self._folder(profile_id) / f"{profile_id}.lock").unlink(missing_ok=True)
            if isinstance(error, OSError) and error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise

    def _save(self, profile_id, entries, deleted_ids, now, writes_per_minute, new, max_entries):
        with self._changing(profile_id) as database:
            if not new and not self.exists(profile_id):
                (self._folder(profile_id) / f"{profile_id}.lock").unlink(missing_ok=True)
                raise ProfileGone()
            if writes_per_minute is not None:
                writes = database.table("writes")
                recent = [w["at"] for w in writes.all() if now - w["at"] < 60]
                if len(recent) >= writes_per_minute:
                    raise TooManyWrites()
                writes.truncate()
                writes.insert_multiple({"at": at} for at in recent + [now])

            kept, gone, full = merge({entry["id"]: entry for entry in database.table("entries").all()},
                                     {row["id"] for row in database.table("deleted").all()},
                                     entries, deleted_ids, max_entries)
            # Plain dicts: TinyDB would reuse the old document ids of Documents.
            for name, rows in (("entries", [dict(entry) for entry in kept.values()]),
                               ("deleted", [{"id": entry_id} for entry_id in sorted(gone)])):
                database.table(name).truncate()
                database.table(name).insert_multiple(rows)
        refused = set(full)
        return [entry["id"] for entry in entries if entry["id"] not in refused] + list(deleted_ids), full

    def delete_profile(self, profile_id):
        """Remove a profile and everything in it."""
        if not self.exists(profile_id):
            return
        try:
            self._delete_profile(profile_id)
        except OSError as error:
            if error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise

    def _delete_profile(self, profile_id):
        folder = self._folder(profile_id)
        with (folder / f"{profile_id}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for name in (f"{profile_id}.json", f".{profile_id}.json.tmp"):
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
            (folder / f"{profile_id}.lock").unlink()
            fcntl.flock(lock, fcntl.LOCK_UN)

