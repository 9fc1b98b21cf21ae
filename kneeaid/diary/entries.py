"""What a diary entry may be: one validation function per kind, each naming
the first problem it finds (BadEntry), and the shape of a sync request."""

import re
from datetime import UTC, datetime, timedelta

from ..check import triage
from ..i18n.plain_text import lazy_gettext as _l
from ..timer.limits import PHASE_LIMITS

MAX_ENTRIES_PER_REQUEST = 1000
MAX_NOTE_LENGTH = 500
KNEES = ("left", "right", "both")
OUTCOMES = ("completed", "stopped")
# Where a pain score came from, when not the diary's own form: "follow-up", the answer to "How is
# your knee?" two days after first aid. A field, so the note stays the person's own words.
FOLLOW_UP = "follow-up"
SOURCES = (FOLLOW_UP,)
# Before the field, the follow-up wrote its question as the note, in the page's language.
OLD_FOLLOW_UP_NOTES = ("Answer to “How is your knee?”", "Ответ на вопрос „Как ваше колено?“")
ENTRY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_AHEAD = timedelta(minutes=5)  # a phone's clock a little ahead; a diary keeps what has happened
FIELDS = {  # kind: (required fields, optional fields)
    "pain": ({"id", "kind", "at", "pain", "knee"}, {"note", "updatedAt", "source"}),
    "session": ({"id", "kind", "startedAt", "endedAt", "outcome", "cold", "elevation"}, set()),
    "check": ({"id", "kind", "at", "symptoms", "tier", "rules"}, {"rulesVersion"}),
}


class BadEntry(ValueError):
    """An entry that cannot be stored: the message names the problem (in
    English, for a developer), the code says which kind of problem it is (a
    stable word the phone shows in the person's language: REASONS)."""

    def __init__(self, message, code="shape"):
        super().__init__(message)
        self.code = code


# Each kind of problem in the person's words: the diary page shows them under
# "Not saved" (the server's English message is for developers).
REASONS = {
    "time": _l("The time could not be read."),
    "future": _l("The time is in the future: the diary keeps what has happened."),
    "before-2000": _l("The time is before the year 2000."),
    "no-such-time": _l("This time did not exist where you are: the clocks moved forward an hour then."),
    "pain": _l("The pain must be a whole number from 0 to 10."),
    "knee": _l("No knee was chosen."),
    "note": _l("The note is longer than 500 characters."),
    "session": _l("The first-aid session's times or lengths are not possible."),
    "check": _l("The check does not match the rules it was made with."),
    "shape": _l("The entry is not one KneeAid can read."),
    "full": _l("The diary is full: delete old entries to add new ones."),
}


class TooMuchInOneRequest(BadEntry):
    """More entries in one request than the server takes (413)."""


def canonical_time(moment):
    """The one form a stored time takes, whatever form was sent (20261201T100000Z,
    2026-12-01 10:00:00+05, …): RFC 3339 in UTC, with milliseconds when there are
    any, as JavaScript writes them (2026-12-01T05:00:00Z, 2026-12-01T05:00:00.250Z)."""
    moment = moment.astimezone(UTC)
    milliseconds = moment.microsecond // 1000
    return f"{moment:%Y-%m-%dT%H:%M:%S}" + (f".{milliseconds:03d}Z" if milliseconds else "Z")


def parse_time(value, where, now):
    if not isinstance(value, str):
        raise BadEntry(f"{where}: must be a time like 2026-11-21T07:00:00Z", "time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadEntry(f"{where}: must be a time like 2026-11-21T07:00:00Z", "time") from None
    if moment.tzinfo is None:
        raise BadEntry(f"{where}: the time needs a time zone (Z for UTC)", "time")
    if moment > now + MAX_AHEAD:
        raise BadEntry(f"{where}: more than 5 minutes in the future", "future")
    if moment < EARLIEST:
        raise BadEntry(f"{where}: before the year 2000", "before-2000")
    return moment


def whole_number(value, where, low, high, code):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadEntry(f"{where}: must be a whole number from {low} to {high}", code)
    return value


def is_text(value):
    """Whether a string can be stored as UTF-8 (a lone surrogate such as
    "\\ud800" cannot)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_phase(value, where, phase):
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"plannedMinutes", "actualSeconds"}:
        raise BadEntry(f"{where}: must be null or {{plannedMinutes, actualSeconds}}", "session")
    low, high = PHASE_LIMITS[phase]
    whole_number(value["plannedMinutes"], f"{where}.plannedMinutes", low, high, "session")
    whole_number(value["actualSeconds"], f"{where}.actualSeconds", 0, high * 60, "session")
    return value


def normalise_time(entry, field, where, now):
    """Check a time field and store it in its one form (canonical_time); returns the moment."""
    moment = parse_time(entry[field], f"{where}.{field}", now)
    entry[field] = canonical_time(moment)
    return moment


def validate_pain(entry, where, now):
    normalise_time(entry, "at", where, now)
    whole_number(entry["pain"], f"{where}.pain", 0, 10, "pain")
    if not isinstance(entry["knee"], str) or entry["knee"] not in KNEES:
        raise BadEntry(f"{where}.knee: must be one of {', '.join(KNEES)}", "knee")
    note = entry.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH or not is_text(note):
        raise BadEntry(f"{where}.note: must be text of at most {MAX_NOTE_LENGTH} characters", "note")
    if "updatedAt" in entry:
        normalise_time(entry, "updatedAt", where, now)
    if "source" in entry and (not isinstance(entry["source"], str) or entry["source"] not in SOURCES):
        raise BadEntry(f"{where}.source: must be one of {', '.join(SOURCES)}", "shape")


def as_noted(entry):
    """A pain entry as the person noted it: an old follow-up answer, whose note was the
    question, gets the source field and no note. Other entries are given back as they are."""
    if entry["kind"] != "pain" or entry.get("note") not in OLD_FOLLOW_UP_NOTES:
        return entry
    return {**{key: value for key, value in entry.items() if key != "note"}, "source": FOLLOW_UP}


def validate_session(entry, where, now):
    started = normalise_time(entry, "startedAt", where, now)
    if normalise_time(entry, "endedAt", where, now) < started:
        raise BadEntry(f"{where}.endedAt: before startedAt", "session")
    if not isinstance(entry["outcome"], str) or entry["outcome"] not in OUTCOMES:
        raise BadEntry(f"{where}.outcome: must be one of {', '.join(OUTCOMES)}", "session")
    validate_phase(entry["cold"], f"{where}.cold", "cold")
    validate_phase(entry["elevation"], f"{where}.elevation", "elevation")


def ids_of(values, known, where, what):
    if not isinstance(values, list) or any(not isinstance(v, str) or v not in known for v in values):
        raise BadEntry(f"{where}: must be a list of {what}", "check")
    if len(set(values)) != len(values):
        raise BadEntry(f"{where}: an id is repeated", "check")
    return values


def validate_check(entry, where, now):
    """A check of the current rules version must have the tier and rules its
    symptoms give now. A check made under an earlier version (one without
    rulesVersion is version 1) is kept as it was recorded, if its ids are
    ids of that version: an outbox that waited across an update loses nothing."""
    normalise_time(entry, "at", where, now)
    version = entry.get("rulesVersion", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= triage.VERSION:
        raise BadEntry(f"{where}.rulesVersion: must be a rules version from 1 to {triage.VERSION}", "check")
    symptoms = ids_of(
        entry["symptoms"], triage.symptoms_of(version), f"{where}.symptoms", f"symptom ids of rules version {version}"
    )
    if version < triage.VERSION:
        if not isinstance(entry["tier"], str) or entry["tier"] not in triage.TIERS:
            raise BadEntry(f"{where}.tier: must be one of {', '.join(triage.TIERS)}", "check")
        known_rules = [rule["id"] for rule in triage.rules_of(version)]
        ids_of(entry["rules"], known_rules, f"{where}.rules", f"rule ids of rules version {version}")
        return
    result = triage.evaluate(symptoms)
    if result.tier not in triage.TIERS:
        raise BadEntry(f"{where}.symptoms: a check with no answer is not kept", "check")
    if entry["tier"] != result.tier or entry["rules"] != list(result.rules):
        raise BadEntry(f"{where}: tier and rules do not match the symptoms", "check")


VALIDATE_KIND = {"pain": validate_pain, "session": validate_session, "check": validate_check}


def validate_entry(entry, where, now):
    """The entry, checked field by field; BadEntry names the first problem."""
    if not isinstance(entry, dict):
        raise BadEntry(f"{where}: must be an object")
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in FIELDS:
        raise BadEntry(f"{where}.kind: must be one of {', '.join(FIELDS)}")
    required, optional = FIELDS[kind]
    if unknown := set(entry) - required - optional:
        raise BadEntry(f"{where}: unknown field {sorted(unknown)[0]}")
    if missing := required - set(entry):
        raise BadEntry(f"{where}: missing field {sorted(missing)[0]}")
    if not isinstance(entry["id"], str) or not ENTRY_ID.fullmatch(entry["id"]):
        raise BadEntry(f"{where}.id: must be a UUID in lower case")
    VALIDATE_KIND[kind](entry, where, now)
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
