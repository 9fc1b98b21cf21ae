"""``flask diary export-to postgresql://…``: every profile of the TinyDB files
in DATA_DIR moved into PostgreSQL (docs/operations.md, "Scaling out").

Each profile goes in one transaction, through the PostgreSQL store's own
save, so by the very rule of merge.py: its tombstones first, then its entries.
Running it again is safe: an entry already there is the same entry (kept
once), an entry edited in PostgreSQL since keeps its later edit, one deleted
there stays deleted. The files are only read, never changed.
"""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from ..storage import postgres
from .pg_store import PgDiaryStore
from .store import DiaryStore


@click.group()
def diary():
    """The diary's data."""


@diary.command("export-to")
@click.argument("database_url")
@with_appcontext
def export_to(database_url):
    """Copy every profile in DATA_DIR's files into the PostgreSQL database at
    DATABASE_URL (its schema made or upgraded first); safe to run again."""
    if not database_url.startswith(("postgresql://", "postgres://")):
        raise click.BadParameter("a postgresql:// address", param_hint="DATABASE_URL")
    pool = postgres.open_pool(database_url, size=2)
    try:
        postgres.upgrade(pool)
        moved = move_profiles(DiaryStore(current_app.config["DATA_DIR"]), PgDiaryStore(pool))
    finally:
        pool.close()
    click.echo(
        f"{counted(moved['profiles'], 'profile')}, {counted(moved['entries'], 'entry', 'entries')} and "
        f"{counted(moved['tombstones'], 'deletion')} are in the database"
    )
    if moved["missing"]:
        missing = len(moved["missing"])
        raise click.ClickException(
            f"{counted(missing, 'profile')} {'is' if missing == 1 else 'are'} not whole in the database: "
            + ", ".join(moved["missing"][:10])
        )


def counted(number, one, many=None):
    """'1 profile', '2 profiles': a count with its noun (the command speaks English only)."""
    return f"{number} {one if number == 1 else many or one + 's'}"


# Profiles whose entries are checked in the database with one query.
CHECKED_TOGETHER = 500


def move_profiles(files, database):
    """Copy every profile of ``files`` into ``database``; returns the counts, and
    the profiles of which an entry is neither in the database afterwards nor
    deleted there (none, unless the database lost a write)."""
    moved = {"profiles": 0, "entries": 0, "tombstones": 0, "missing": []}
    profile_ids = list(files.profile_ids())
    for start in range(0, len(profile_ids), CHECKED_TOGETHER):
        batch = {
            profile_id: move_profile(files, database, profile_id)
            for profile_id in profile_ids[start : start + CHECKED_TOGETHER]
        }
        held = database.held_ids(list(batch))
        for profile_id, (entries, tombstones) in batch.items():
            if not {entry["id"] for entry in entries} <= held.get(profile_id, set()):
                moved["missing"].append(profile_id)  # each is kept, or deleted in the database since
            moved["profiles"] += 1
            moved["entries"] += len(entries)
            moved["tombstones"] += len(tombstones)
    return moved


def move_profile(files, database, profile_id):
    """Save one profile's entries and tombstones in the database, in one transaction; returns them."""
    entries, tombstones = files.entries(profile_id), files.tombstones(profile_id)
    database.save(profile_id, entries, sorted(tombstones), time.time(), new=True)
    return entries, tombstones
