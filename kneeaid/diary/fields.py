"""What every kind of diary entry checks its fields with: the one form of a
time, whole numbers, text, the knees, and BadEntry, which names the first
problem (in English for a developer) and its kind (REASONS, in the person's
words)."""

import re
from datetime import UTC, datetime, timedelta

from ..i18n.plain_text import lazy_gettext as _l

MAX_NOTE_LENGTH = 500


KNEES = ("left", "right", "both")


ENTRY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


MAX_AHEAD = timedelta(minutes=5)  # a phone's clock a little ahead; a diary keeps what has happened


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
    "activity": _l("No activity was chosen."),
    "minutes": _l("The minutes must be a whole number from 1 to 600."),
    "morning": _l("The morning question must be after the workout, within 3 days."),
    "signs": _l("The morning's signs could not be read."),
    "shape": _l("The entry is not one KneeAid can read."),
    "full": _l("The diary is full: delete old entries to add new ones."),
}


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


def normalise_time(entry, field, where, now):
    """Check a time field and store it in its one form (canonical_time); returns the moment."""
    moment = parse_time(entry[field], f"{where}.{field}", now)
    entry[field] = canonical_time(moment)
    return moment


def check_knee(entry, where):
    """Check an entry's knee: left, right or both."""
    if not isinstance(entry["knee"], str) or entry["knee"] not in KNEES:
        raise BadEntry(f"{where}.knee: must be one of {', '.join(KNEES)}", "knee")


def check_note(entry, where):
    """Check an entry's optional note: text of at most MAX_NOTE_LENGTH characters."""
    text = entry.get("note", "")
    if not isinstance(text, str) or len(text) > MAX_NOTE_LENGTH or not is_text(text):
        raise BadEntry(f"{where}.note: must be text of at most {MAX_NOTE_LENGTH} characters", "note")
