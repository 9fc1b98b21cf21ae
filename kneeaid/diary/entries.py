"""What a diary entry may be, whatever its kind (each kind's own rules are
kinds/<kind>.py), and the shape of a sync request."""

from .fields import ENTRY_ID, BadEntry
from .kinds import KINDS

MAX_ENTRIES_PER_REQUEST = 1000


class TooMuchInOneRequest(BadEntry):
    """More entries in one request than the server takes (413)."""


def validate_entry(entry, where, now):
    """The entry, checked field by field; BadEntry names the first problem."""
    if not isinstance(entry, dict):
        raise BadEntry(f"{where}: must be an object")
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise BadEntry(f"{where}.kind: must be one of {', '.join(KINDS)}")
    required, optional = KINDS[kind].REQUIRED, KINDS[kind].OPTIONAL
    if unknown := set(entry) - required - optional:
        raise BadEntry(f"{where}: unknown field {sorted(unknown)[0]}")
    if missing := required - set(entry):
        raise BadEntry(f"{where}: missing field {sorted(missing)[0]}")
    if not isinstance(entry["id"], str) or not ENTRY_ID.fullmatch(entry["id"]):
        raise BadEntry(f"{where}.id: must be a UUID in lower case")
    KINDS[kind].validate(entry, where, now)
    return entry


def entry_id_of(entry):
    """The id a device gave an entry, to name it in an answer; None if it has none."""
    entry_id = entry.get("id") if isinstance(entry, dict) else None
    return entry_id if isinstance(entry_id, str) else None


def validate_request(body, now):
    """(valid entries, deleted ids, rejected) from a sync request body, where
    rejected names each entry that cannot be stored, {"id", "error"}; BadEntry
    when the body itself is malformed (then nothing of it is stored)."""
    if not isinstance(body, dict):
        raise BadEntry("the body must be a JSON object with entries and deleted")
    if unknown := set(body) - {"entries", "deleted"}:
        raise BadEntry(f"unknown field {sorted(unknown)[0]}")
    entries, deleted = body.get("entries", []), body.get("deleted", [])
    if not isinstance(entries, list) or not isinstance(deleted, list):
        raise BadEntry("entries and deleted must be lists")
    if any(not isinstance(i, str) or not ENTRY_ID.fullmatch(i) for i in deleted):
        raise BadEntry("deleted: must be a list of entry ids")
    if len(entries) + len(deleted) > MAX_ENTRIES_PER_REQUEST:
        raise TooMuchInOneRequest(f"more than {MAX_ENTRIES_PER_REQUEST} entries in one request")
    valid, rejected = [], []
    for n, entry in enumerate(entries):
        try:
            valid.append(validate_entry(entry, f"entries[{n}]", now))
        except BadEntry as problem:
            rejected.append({"id": entry_id_of(entry), "error": str(problem), "code": problem.code})
    return valid, deleted, rejected
