"""How a diary's entries change when a device sends some: the same id twice
is kept once, the later edit wins, a deleted entry never comes back.

Pure functions of their inputs, so every storage backend applies the very same
rule (kneeaid/diary/store.py calls them) and they are tested alone.
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


def merge(kept, tombstones, entries, deleted_ids, max_entries=None):
    """The entries after a sync, as a new dict and set (the inputs are not changed).

    kept: {id: entry} stored so far; tombstones: ids deleted before. Deletions
    come first, so they make room. A new entry that would take the diary past
    max_entries is not kept; edits of kept entries always are.
    Returns (kept, tombstones, ids refused because the diary is full)."""
    kept, tombstones = dict(kept), set(tombstones) | set(deleted_ids)
    for entry_id in deleted_ids:
        kept.pop(entry_id, None)
    full = []
    for entry in entries:
        old = kept.get(entry["id"])
        if entry["id"] in tombstones:
            continue
        if old is None and max_entries is not None and len(kept) >= max_entries:
            full.append(entry["id"])
        elif old is None or edit_time(entry) >= edit_time(old):
            kept[entry["id"]] = entry
    return kept, tombstones, full
