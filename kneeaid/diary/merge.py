"""How a diary's entries change when a device sends some: the same id twice
is kept once, the later edit wins, a deleted entry never comes back, and a
full diary takes no new entry.

Pure functions of their inputs, so every storage backend (kneeaid/diary/store.py
and any other) applies the very same rule, and they are tested alone. The
rule needs only the stored versions of the ids a sync names and how much room
is left, so a backend never has to read a whole diary to write to it.
"""

from datetime import datetime

NEVER_EDITED = float("-inf")


def edit_time(entry):
    """When this version of an entry was made, for last-edit-wins: its
    ``updatedAt`` as a parsed time (``+05:00`` and ``Z`` compare as the moments
    they are). An entry never edited comes before every edit of it, whatever
    the entry's own time says (an entry dated later today can still be edited),
    and whatever the clocks of the phone and the server say."""
    updated = entry.get("updatedAt")
    return datetime.fromisoformat(updated).timestamp() if updated else NEVER_EDITED


def named_ids(entries, deleted_ids):
    """Every id a sync names: the ids a backend must look up before merging."""
    return {entry["id"] for entry in entries} | set(deleted_ids)


def merge(known, tombstones, entries, deleted_ids, room=None):
    """What a sync changes (the inputs are not changed).

    known: {id: entry}, the stored versions of the ids this sync names (other
    entries may be stored: they are neither needed nor touched); tombstones:
    those of the named ids deleted before; room: how many more entries the
    diary may hold (None: no limit). Deletions come first, so they make room.
    A new entry past the room is refused; edits of stored entries always win
    by their edit time.

    Returns (stored, removed, refused): {id: entry} to write, the ids deleted
    by this sync (each needs a tombstone; those in ``known`` leave the diary),
    and the ids refused because the diary is full."""
    removed = set(deleted_ids)
    gone = set(tombstones) | removed
    if room is not None:
        room += len(removed & set(known))
    current = {entry_id: entry for entry_id, entry in known.items() if entry_id not in removed}
    stored, refused = {}, []
    for entry in entries:
        entry_id = entry["id"]
        old = current.get(entry_id)
        if entry_id in gone:
            continue
        if old is None and room is not None and room <= 0:
            refused.append(entry_id)
            continue
        if old is None or edit_time(entry) >= edit_time(old):
            if old is None and room is not None:
                room -= 1
            current[entry_id] = stored[entry_id] = entry
    return stored, removed, refused


def acknowledged(entries, deleted_ids, refused):
    """The ids a sync answers as safe: every entry sent but those refused
    (an entry ignored because it was deleted before, or an older edit, is
    answered too: the phone may drop it), and every deletion."""
    refused = set(refused)
    return [entry["id"] for entry in entries if entry["id"] not in refused] + list(deleted_ids)


def entries_added(known, stored, removed):
    """How much a merge's outcome changes the diary's number of entries (for the cap)."""
    return len(set(stored) - set(known)) - len(set(removed) & set(known))
