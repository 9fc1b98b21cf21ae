"""The diary's storage in PostgreSQL (docs/operations.md, "Scaling out"): the interface of
store.py, for any number of app servers. The rules are the same functions:
merge.py (same id once, last edit wins, tombstones, the cap) and limits.py
(the write limit); this module only reads their inputs and writes their
outcome.

Why nothing is lost, and nothing comes back, with many servers and crashes:

* A save is one transaction that first locks the profile's row
  (``SELECT … FOR UPDATE``): saves of one profile take turns, saves of
  different profiles never wait for each other. An entry is acknowledged only
  after the commit, so a server killed at any moment loses nothing it
  acknowledged (the database rolls back what was not committed).
* Deleting a profile deletes its row (entries, tombstones go with it): a save
  that waited for the lock then finds no row and changes nothing
  (ProfileGone); it never makes the profile again.
"""

from psycopg.types.json import Json

from ..storage.postgres import unavailable_as_storage_error
from .limits import count_write
from .merge import acknowledged, entries_added, merge, named_ids
from .store import DiaryStore, ProfileGone, month_of

__all__ = ["PgDiaryStore"]


class PgDiaryStore:
    """Profiles and their diary entries, in the tables of kneeaid/storage/postgres.py."""

    new_profile_id = staticmethod(DiaryStore.new_profile_id)
    is_profile_id = staticmethod(DiaryStore.is_profile_id)

    def __init__(self, pool):
        self.pool = pool

    def _rows(self, query, parameters):
        with unavailable_as_storage_error(), self.pool.connection() as connection:
            return connection.execute(query, parameters).fetchall()

    def exists(self, profile_id):
        return self.is_profile_id(profile_id) and bool(
            self._rows("SELECT 1 FROM profiles WHERE id = %s", (profile_id,))
        )

    def entries(self, profile_id):
        """Every entry of a profile, in the order they were first stored (an unknown profile has none)."""
        if not self.is_profile_id(profile_id):
            return []
        return [
            entry
            for [entry] in self._rows(
                "SELECT entry FROM entries WHERE profile_id = %s ORDER BY month, added", (profile_id,)
            )
        ]

    def tombstones(self, profile_id):
        """The ids of a profile's deleted entries."""
        if not self.is_profile_id(profile_id):
            return set()
        return {entry_id for [entry_id] in self._rows("SELECT id FROM tombstones WHERE profile_id = %s", (profile_id,))}

    def profile_ids(self):
        """Every profile's id."""
        return [profile_id for [profile_id] in self._rows("SELECT id FROM profiles ORDER BY id", ())]

    def held_ids(self, profile_ids):
        """{profile id: the ids of its entries and of its deleted entries} for these profiles, in one query."""
        held = {}
        for profile_id, entry_id in self._rows(
            "SELECT profile_id, id FROM entries WHERE profile_id = ANY(%(profiles)s) "
            "UNION ALL SELECT profile_id, id FROM tombstones WHERE profile_id = ANY(%(profiles)s)",
            {"profiles": profile_ids},
        ):
            held.setdefault(profile_id, set()).add(entry_id)
        return held

    def months(self, profile_id):
        """The "YYYY-MM" UTC months holding at least one entry, in order."""
        if not self.is_profile_id(profile_id):
            return []
        return [
            month
            for [month] in self._rows(
                "SELECT DISTINCT month FROM entries WHERE profile_id = %s ORDER BY month", (profile_id,)
            )
        ]

    def entries_in(self, profile_id, months):
        """The entries whose UTC month is one of ``months``."""
        if not self.is_profile_id(profile_id):
            return []
        return [
            entry
            for [entry] in self._rows(
                "SELECT entry FROM entries WHERE profile_id = %s AND month = ANY(%s) ORDER BY month, added",
                (profile_id, list(months)),
            )
        ]

    def save(self, profile_id, entries, deleted_ids, now, writes_per_minute=None, new=False, max_entries=None):
        """Store entries and delete entries by id, by the rule of merge.py, in one
        transaction. Returns (the ids now committed, the ids not stored because
        the diary is full). ``new`` says the profile is being created;
        otherwise it must still exist (ProfileGone). Raises TooManyWrites past
        the limit, StorageUnavailable if the database cannot be reached.
        Either error changes nothing."""
        if not self.is_profile_id(profile_id):
            raise ValueError("not a profile id")
        with unavailable_as_storage_error(), self.pool.connection() as connection, connection.transaction():
            writes, count = lock_profile(connection, profile_id, new)
            if writes_per_minute is not None:
                writes = count_write(writes, now, writes_per_minute)
            known, tombstones = named_rows(connection, profile_id, sorted(named_ids(entries, deleted_ids)))
            stored, removed, refused = merge(
                known, tombstones, entries, deleted_ids, None if max_entries is None else max_entries - count
            )
            count += entries_added(known, stored, removed)
            with connection.pipeline():  # the writes go in one round trip
                write_outcome(connection, profile_id, stored, removed)
                connection.execute(
                    "UPDATE profiles SET writes = %s, entry_count = %s WHERE id = %s", (writes, count, profile_id)
                )
        return acknowledged(entries, deleted_ids, refused), refused

    def delete_profile(self, profile_id):
        """Remove a profile and everything in it (a save under way finishes first)."""
        if not self.is_profile_id(profile_id):
            return
        with unavailable_as_storage_error(), self.pool.connection() as connection:
            connection.execute("DELETE FROM profiles WHERE id = %s", (profile_id,))


def lock_profile(connection, profile_id, new):
    """Lock the profile's row for this transaction (made first if ``new``);
    returns its recent write times and its number of entries. ProfileGone if
    it has no row (deleted)."""
    if new:
        connection.execute("INSERT INTO profiles (id) VALUES (%s) ON CONFLICT DO NOTHING", (profile_id,))
    row = connection.execute(
        "SELECT writes, entry_count FROM profiles WHERE id = %s FOR UPDATE", (profile_id,)
    ).fetchone()
    if row is None:
        raise ProfileGone()
    return row


def named_rows(connection, profile_id, ids):
    """What the profile holds of these ids, as merge.py takes it: ({id: stored
    entry}, {ids deleted before}), in one query."""
    known, tombstones = {}, set()
    for entry_id, entry, deleted in connection.execute(
        "SELECT id, entry, false FROM entries WHERE profile_id = %(profile)s AND id = ANY(%(ids)s) "
        "UNION ALL SELECT id, NULL, true FROM tombstones WHERE profile_id = %(profile)s AND id = ANY(%(ids)s)",
        {"profile": profile_id, "ids": ids},
    ):
        if deleted:
            tombstones.add(entry_id)
        else:
            known[entry_id] = entry
    return known, tombstones


def write_outcome(connection, profile_id, stored, removed):
    """Write what merge.py decided: entries new or edited, and a tombstone
    (and no entry) for each id removed."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO entries (profile_id, id, month, entry) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (profile_id, id) DO UPDATE SET month = EXCLUDED.month, entry = EXCLUDED.entry",
            [(profile_id, entry_id, month_of(entry), Json(entry)) for entry_id, entry in stored.items()],
        )
        if removed:
            cursor.execute("DELETE FROM entries WHERE profile_id = %s AND id = ANY(%s)", (profile_id, list(removed)))
            cursor.executemany(
                "INSERT INTO tombstones (profile_id, id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                [(profile_id, entry_id) for entry_id in removed],
            )
