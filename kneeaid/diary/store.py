"""The diary's storage on this machine's disk: TinyDB files. Nothing else in
KneeAid imports TinyDB.

A diary of up to SMALL_DIARY entries is one file, ``profiles/ab/abcdef….json``
(tables ``entries``, ``deleted``, ``writes``): a write rewrites it whole, one
fsynced file, which for a small diary is the cheapest there is. A diary that
grows past it moves to a folder, ``profiles/ab/abcdef…/``, and stays there:

* ``YYYY-MM.json``: the entries of one month (the UTC month of the entry's
  moment), so the diary's view reads one month and a write rewrites the months
  it changes, never the whole diary;
* ``ids-0.json`` … ``ids-f.json``: which months may hold each entry id, or that
  it was deleted (a tombstone), in 16 shards by the id's hash, so a sync finds
  the stored versions of the ids it names by reading a sixteenth of them;
* ``profile.json``: the recent writes (the per-profile limit) and the number of
  entries (the cap). Its presence is the folder's being in use.

Why it is safe with several worker processes and threads, and across crashes:

* Every read or change of a profile holds an ``flock`` on ``abcdef….lock``
  beside it: exclusive to change, shared to read. flock works between
  processes and between threads that open the file separately, as each call
  here does.
* Each file is replaced whole by kneeaid/storage/atomic_files.py (temporary file, fsync,
  rename, folder fsync), and a change is acknowledged only once every file it
  touches is on disk. In a folder, a change writes in this order: the id
  shards naming the months about to gain entries, the months gaining entries,
  the months losing entries (an edit that moves an entry to another month, a
  deletion), the shards as they end, then ``profile.json``. So an id's shard
  always lists every month that may hold a copy of it, and a process killed
  between two steps leaves every acknowledged entry in at least one month; at
  worst an unacknowledged edit shows in two months (the newer edit wins when
  they are read together) until the phone sends it again, as it does for
  anything unacknowledged, and the entry count used by the cap can lag by that
  unacknowledged write's new entries.
* The move from one file to a folder writes the folder whole, then removes the
  one file: until then the one file is the diary, and a crash leaves it to be
  moved again.
* Deleting a profile renames its folder away first (atomic), then removes it;
  a crash in between leaves a ``.deleted-…`` folder that the next start removes.
"""

import contextlib
import fcntl
import hashlib
import json
import re
import secrets
import shutil
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from ..storage.atomic_files import CANNOT_WRITE, StorageUnavailable, sync_folder, write_atomically
from .limits import TooManyWrites, count_write
from .merge import acknowledged, edit_time, entries_added, merge, named_ids

__all__ = ["DiaryStore", "ProfileGone", "StorageUnavailable", "TooManyWrites", "month_of"]

PROFILE_ID = re.compile(r"[0-9a-f]{32}")
MONTH_FILE = re.compile(r"(\d{4}-\d{2})\.json")
PROFILE_FILE = "profile.json"
TRASH_PREFIX = ".deleted-"
SMALL_DIARY = 500  # entries kept in one file; past it, a file per month
SHARDS = "0123456789abcdef"
DELETED = None  # an id shard's value for a deleted entry; otherwise the set of months that may hold it


class ProfileGone(Exception):
    """The profile was deleted while this change waited for it."""


def month_of(entry):
    """The UTC month ("2026-11") an entry is filed under: of its time, or of a session's start."""
    moment = datetime.fromisoformat(entry.get("at") or entry["startedAt"])
    return moment.astimezone(UTC).strftime("%Y-%m")


def step_done(path):
    """The point between two durable steps of a write (``path`` replaced, or
    removed). It does nothing: the crash tests replace it to kill the process
    right there, at each step in turn (tests/storage/test_store.py)."""


def shard_of(entry_id):
    """Which of the 16 id shards names this entry id."""
    return hashlib.blake2b(entry_id.encode(), digest_size=1).hexdigest()[0]


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
        step_done(self.path)


def read_table(path, name):
    """A table's rows as TinyDB wrote them, read as plain JSON (no TinyDB
    objects for a month of entries); [] when the file does not exist."""
    return list(((AtomicJSONStorage(path).read() or {}).get(name) or {}).values())


def write_tables(path, tables):
    """Replace a file with these tables ({name: rows}), written once (on close)."""
    database = TinyDB(path, storage=CachingMiddleware(AtomicJSONStorage))
    database.drop_tables()
    for name, rows in tables.items():
        database.table(name).insert_multiple(dict(row) for row in rows)
    database.close()


def write_table(path, name, rows):
    """Replace a file with one table of these rows."""
    write_tables(path, {name: rows})


def read_shards(folder, entry_ids):
    """{shard: {id: months or DELETED}}, every row of each shard these ids fall in."""
    return {
        shard: {
            row["id"]: DELETED if row.get("deleted") else set(row["months"])
            for row in read_table(folder / f"ids-{shard}.json", "ids")
        }
        for shard in {shard_of(entry_id) for entry_id in entry_ids}
    }


def shard_row(entry_id, listed):
    return {"id": entry_id, "deleted": True} if listed is DELETED else {"id": entry_id, "months": sorted(listed)}


def newest_versions(entries):
    """One version of each id, the latest edit: a month can briefly hold a copy
    of an entry whose edit moved it to another month (see the module's notes)."""
    newest = {}
    for entry in entries:
        old = newest.get(entry["id"])
        if old is None or edit_time(entry) >= edit_time(old):
            newest[entry["id"]] = entry
    return list(newest.values())


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

    def _paths(self, profile_id):
        """(the profile's folder, its lock file, the one file of earlier versions)."""
        if not self.is_profile_id(profile_id):
            raise ValueError("not a profile id")
        parent = self.root / profile_id[:2]
        return parent / profile_id, parent / f"{profile_id}.lock", parent / f"{profile_id}.json"

    def exists(self, profile_id):
        if not self.is_profile_id(profile_id):
            return False
        folder, _, old_file = self._paths(profile_id)
        return (folder / PROFILE_FILE).exists() or old_file.exists()

    def profile_ids(self):
        """Every stored profile's id (for exports and moves to another store)."""
        names = {path.name.removesuffix(".json") for path in self.root.glob("??/*")}
        yield from (name for name in sorted(names) if self.exists(name))

    def remove_leftovers(self):
        """Finish deletions a crash interrupted (folders renamed to ``.deleted-…``)."""
        for trash in self.root.glob(f"??/{TRASH_PREFIX}*"):
            shutil.rmtree(trash, ignore_errors=True)

    @contextlib.contextmanager
    def _locked(self, profile_id, exclusive):
        """Hold the profile's lock. A reader opens the lock file read-only (it
        works on a read-only disk) and gets None when there is no such profile."""
        folder, lock_path, _ = self._paths(profile_id)
        if exclusive:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock = lock_path.open("a" if exclusive else "r")
        except FileNotFoundError:
            yield None
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield folder
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # Reading --------------------------------------------------------------

    def _one_file_entries(self, profile_id):
        """The entries of a diary kept in one file, or None (a file per month)."""
        _, _, old_file = self._paths(profile_id)
        if not old_file.exists():
            return None
        return read_table(old_file, "entries")

    def _months_in(self, folder):
        try:
            names = folder.iterdir()
            return sorted(match[1] for path in names if (match := MONTH_FILE.fullmatch(path.name)))
        except FileNotFoundError:
            return []

    @contextlib.contextmanager
    def _reading(self, profile_id):
        """The profile's folder under its shared lock; None for no such profile."""
        if not self.exists(profile_id):
            yield None
            return
        with self._locked(profile_id, exclusive=False) as folder:
            yield folder

    def months(self, profile_id):
        """The months ("2026-11", oldest first) that hold entries, by UTC."""
        with self._reading(profile_id) as folder:
            if folder is None:
                return []
            in_one_file = self._one_file_entries(profile_id)
            if in_one_file is not None:
                return sorted({month_of(entry) for entry in in_one_file})
            return self._months_in(folder)

    def entries_in(self, profile_id, months):
        """The entries filed under these UTC months."""
        months = set(months)
        return self._read_entries(profile_id, months.__contains__) if months else []

    def entries(self, profile_id):
        """Every entry of a profile (an unknown profile has none)."""
        return self._read_entries(profile_id, lambda month: True)

    def _read_entries(self, profile_id, wanted):
        """The entries of the months ``wanted(month)`` chooses, read under one lock."""
        with self._reading(profile_id) as folder:
            if folder is None:
                return []
            in_one_file = self._one_file_entries(profile_id)
            if in_one_file is not None:
                return [entry for entry in in_one_file if wanted(month_of(entry))]
            return newest_versions(
                entry
                for month in self._months_in(folder)
                if wanted(month)
                for entry in read_table(folder / f"{month}.json", "entries")
            )

    def tombstones(self, profile_id):
        """The ids of the profile's deleted entries."""
        with self._reading(profile_id) as folder:
            if folder is None:
                return set()
            _, _, one_file = self._paths(profile_id)
            if one_file.exists():
                return {row["id"] for row in read_table(one_file, "deleted")}
            return {
                row["id"]
                for shard in SHARDS
                for row in read_table(folder / f"ids-{shard}.json", "ids")
                if row.get("deleted")
            }

    # Writing --------------------------------------------------------------

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
                self._forget_unwritten(profile_id)
            if isinstance(error, OSError) and error.errno in CANNOT_WRITE:
                raise StorageUnavailable() from error
            raise

    def _forget_unwritten(self, profile_id):
        """A profile that was never written leaves no lock file or folder behind."""
        folder, lock_path, _ = self._paths(profile_id)
        with contextlib.suppress(OSError):
            shutil.rmtree(folder, ignore_errors=True)
            lock_path.unlink(missing_ok=True)

    def _save(self, profile_id, entries, deleted_ids, now, writes_per_minute, new, max_entries):
        with self._locked(profile_id, exclusive=True) as folder:
            if not new and not self.exists(profile_id):
                self._forget_unwritten(profile_id)
                raise ProfileGone()
            if self._is_small(profile_id, folder):
                answer = self._save_small(profile_id, entries, deleted_ids, now, writes_per_minute, max_entries)
                if answer is not None:
                    return answer
            self._move_to_months(profile_id, folder)  # it grew past SMALL_DIARY: to a file per month
            writes = [row["at"] for row in read_table(folder / PROFILE_FILE, "writes")]
            if writes_per_minute is not None:
                writes = count_write(writes, now, writes_per_minute)  # limits.py: the rule, for every backend
            count = self._entry_count(folder)
            named = named_ids(entries, deleted_ids)
            shards = read_shards(folder, named)
            where = {entry_id: shards[shard_of(entry_id)].get(entry_id, set()) for entry_id in named}
            months = {
                month: {entry["id"]: entry for entry in read_table(folder / f"{month}.json", "entries")}
                for month in set().union(*(m for m in where.values() if m is not DELETED))
            }
            copies = {
                entry_id: [months[month][entry_id] for month in listed if entry_id in months[month]]
                for entry_id, listed in where.items()
                if listed is not DELETED
            }
            known = {entry_id: newest_versions(found)[0] for entry_id, found in copies.items() if found}
            gone = {i for i, listed in where.items() if listed is DELETED}
            room = None if max_entries is None else max_entries - count
            stored, removed, full = merge(known, gone, entries, deleted_ids, room)
            folder.mkdir(exist_ok=True)
            added = entries_added(known, stored, removed)
            if set(stored) - set(known) or set(removed) & set(known):
                # Entries come or go: until profile.json has the new count, it says it may be off.
                self._write_profile(folder, writes, count, pending=True)
            self._change(folder, shards, months, stored, removed)
            self._write_profile(folder, writes, count + added)
        return acknowledged(entries, deleted_ids, full), full

    def _is_small(self, profile_id, folder):
        """Whether the profile is kept in one file: new, or one file still (a
        folder beside it is a move to months that a crash interrupted)."""
        _, _, one_file = self._paths(profile_id)
        return one_file.exists() or not (folder / PROFILE_FILE).exists()

    def _save_small(self, profile_id, entries, deleted_ids, now, writes_per_minute, max_entries):
        """A save of a diary kept in one file (one fsynced write), or None, having
        written nothing, when the diary would grow past SMALL_DIARY entries."""
        _, _, one_file = self._paths(profile_id)
        kept = {entry["id"]: entry for entry in read_table(one_file, "entries")}
        gone = {row["id"] for row in read_table(one_file, "deleted")}
        writes = [row["at"] for row in read_table(one_file, "writes")]
        if writes_per_minute is not None:
            writes = count_write(writes, now, writes_per_minute)
        named = named_ids(entries, deleted_ids)
        known = {entry_id: kept[entry_id] for entry_id in named if entry_id in kept}
        stored, removed, full = merge(
            known, gone & named, entries, deleted_ids, None if max_entries is None else max_entries - len(kept)
        )
        kept = {entry_id: entry for entry_id, entry in kept.items() if entry_id not in removed} | stored
        if len(kept) > SMALL_DIARY:
            return None
        one_file.parent.mkdir(parents=True, exist_ok=True)
        write_tables(
            one_file,
            {
                "entries": kept.values(),
                "deleted": ({"id": i} for i in sorted(gone | removed)),
                "writes": ({"at": at} for at in writes),
            },
        )
        return acknowledged(entries, deleted_ids, full), full

    def _change(self, folder, shards, months, stored, removed):
        """Write a merge's result so that, at every moment, an id's shard lists
        every month that may hold a copy of it (a superset), and an entry always
        has a copy on disk: the shards naming the months about to gain entries,
        then the months gaining, then the months losing (deletions, and edits
        that moved an entry to another month), then the shards as they end."""
        before = {shard: dict(ids) for shard, ids in shards.items()}
        gaining = defaultdict(dict)
        for entry_id, entry in stored.items():
            gaining[month_of(entry)][entry_id] = entry
            shards[shard_of(entry_id)][entry_id] = shards[shard_of(entry_id)].get(entry_id, set()) | {month_of(entry)}
        self._write_shards(folder, shards, before)
        for month, added in gaining.items():
            if month not in months:
                months[month] = {entry["id"]: entry for entry in read_table(folder / f"{month}.json", "entries")}
            months[month].update(added)
            write_table(folder / f"{month}.json", "entries", months[month].values())
        losing = defaultdict(set)
        for entry_id in removed | set(stored):
            target = month_of(stored[entry_id]) if entry_id in stored else None
            for month in shards[shard_of(entry_id)].get(entry_id) or ():
                if month != target and entry_id in months.get(month, ()):
                    losing[month].add(entry_id)
        for month, ids in losing.items():
            kept = [entry for entry_id, entry in months[month].items() if entry_id not in ids]
            if kept:
                write_table(folder / f"{month}.json", "entries", kept)
            else:
                (folder / f"{month}.json").unlink(missing_ok=True)
                sync_folder(folder)
                step_done(folder / f"{month}.json")
        pending = {shard: dict(ids) for shard, ids in shards.items()}
        for entry_id in removed:
            shards[shard_of(entry_id)][entry_id] = DELETED
        for entry_id, entry in stored.items():
            shards[shard_of(entry_id)][entry_id] = {month_of(entry)}
        self._write_shards(folder, shards, pending)

    @staticmethod
    def _write_shards(folder, shards, before):
        """Write the id shards that differ from ``before``."""
        for shard, ids in shards.items():
            if ids != before.get(shard):
                write_table(
                    folder / f"ids-{shard}.json",
                    "ids",
                    (shard_row(entry_id, listed) for entry_id, listed in ids.items()),
                )

    @staticmethod
    def _write_profile(folder, writes, count, pending=False):
        """The recent writes and the number of entries (for the cap); ``pending``: a change
        that alters the number is under way, and a crash before its end leaves the number
        unknown (the next write counts again)."""
        write_tables(
            folder / PROFILE_FILE,
            {"writes": ({"at": at} for at in writes), "count": [{"entries": count, "pending": pending}]},
        )

    @staticmethod
    def _entry_count(folder):
        """The number of entries (for the cap): as profile.json says, or, after a change a
        crash interrupted, counted again from the months (each entry once, wherever a crash
        left a copy): rare, and once."""
        row = next(iter(read_table(folder / PROFILE_FILE, "count")), {"entries": 0})
        if not row.get("pending"):
            return row["entries"]
        return len(
            {
                entry["id"]
                for month in folder.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9].json")
                for entry in read_table(month, "entries")
            }
        )

    def _move_to_months(self, profile_id, folder):
        """Move a diary kept in one file to a file per month, under the caller's
        exclusive lock. The one file goes last, so a crash leaves it to be
        moved again."""
        _, _, old_file = self._paths(profile_id)
        if not old_file.exists():
            return
        shutil.rmtree(folder, ignore_errors=True)  # a move a crash interrupted
        folder.mkdir()
        entries = read_table(old_file, "entries")
        by_month = defaultdict(list)
        for entry in entries:
            by_month[month_of(entry)].append(entry)
        for month, rows in by_month.items():
            write_table(folder / f"{month}.json", "entries", rows)
        shards = defaultdict(dict)
        for row in read_table(old_file, "deleted"):
            shards[shard_of(row["id"])][row["id"]] = DELETED
        for entry in entries:
            shards[shard_of(entry["id"])][entry["id"]] = {month_of(entry)}
        self._write_shards(folder, shards, {})
        self._write_profile(folder, [row["at"] for row in read_table(old_file, "writes")], len(entries))
        old_file.unlink()
        sync_folder(old_file.parent)
        step_done(old_file)

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
        folder, lock_path, old_file = self._paths(profile_id)
        with self._locked(profile_id, exclusive=True):
            trash = folder.with_name(f"{TRASH_PREFIX}{profile_id}")
            if folder.exists():
                folder.rename(trash)  # gone at once for every reader, whatever happens next
            for name in (old_file, old_file.with_name(f".{old_file.name}.tmp")):
                name.unlink(missing_ok=True)
            lock_path.unlink()
            sync_folder(folder.parent)
            shutil.rmtree(trash, ignore_errors=True)
