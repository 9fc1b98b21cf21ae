"""What a form sent without JavaScript gives the diary, read as an entry's fields:
a typed local time in the person's time zone, a whole number typed or chosen."""

from datetime import datetime

import pytz
from flask_babel import get_timezone

from .fields import BadEntry


def time_from_form(text, now):
    """The time a form gave, as a moment: a datetime-local (2026-12-02T21:30)
    in the person's time zone (the tz cookie; UTC when unknown); now when
    empty. BadEntry when it is not a time."""
    if not text.strip():
        return now.isoformat()
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadEntry("entry.at: not a time like 2026-12-02T21:30", "time") from None
    if moment.tzinfo is None:
        try:
            # is_dst=None: a time the clocks skipped (spring forward) is refused, not moved an hour;
            # one they passed twice (autumn) is the first of the two.
            moment = get_timezone().localize(moment, is_dst=None)
        except pytz.exceptions.NonExistentTimeError:
            raise BadEntry("entry.at: the clocks skipped this time in this time zone", "no-such-time") from None
        except pytz.exceptions.AmbiguousTimeError:
            moment = get_timezone().localize(moment, is_dst=True)
        except OverflowError:  # year 1 or 9999: no zone reaches it
            raise BadEntry("entry.at: out of range", "before-2000" if moment.year < 2000 else "future") from None
    return moment.isoformat()


def whole_number_from_form(text):
    """A form's whole number (a pain score, minutes) as an int; anything else as sent,
    for the entry's own check to name."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else text
