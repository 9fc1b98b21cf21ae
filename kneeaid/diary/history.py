"""The diary read as a history, for its pages: entries by day and by month in
the person's time zone, and the 2-day rule (the chart is report.py's). Pure functions of
the entries (and the zone), so they are tested without a request."""

from collections import defaultdict
from datetime import datetime, timedelta

ENTRIES_PER_VIEW = 200  # a view costs about the same with 10 or 10,000 entries in the diary


def moment_of(entry):
    """When an entry happened: a pain score or a check at its time, a session at its start."""
    return datetime.fromisoformat(entry.get("at") or entry["startedAt"])


def local_day(moment, zone):
    """The person's calendar day of a moment, in their time zone (asked once per
    page by the caller: Flask-Babel's per-call lookup is slow over 10,000 entries)."""
    return moment.astimezone(zone).date()


def timeline(entries, zone):
    """Entries newest first, as (day, [(time, entry)]) groups in the person's time zone."""
    days = defaultdict(list)
    for moment, entry in sorted(
        ((moment_of(entry), entry) for entry in entries), key=lambda pair: pair[0], reverse=True
    ):
        days[local_day(moment, zone)].append((moment, entry))
    return list(days.items())


def one_page(entries, zone, month, page):
    """The entries of one page of the diary, newest first, and where the pages
    before and after it are: a month at a time, at most ENTRIES_PER_VIEW each.
    Returns (entries, (year, month) shown, older place, newer place), a place
    being ((year, month), page) or None."""
    by_month = defaultdict(list)
    for entry in entries:
        day = local_day(moment_of(entry), zone)
        by_month[(day.year, day.month)].append(entry)
    months = sorted(by_month, reverse=True)
    month = month or (months[0] if months else None)
    shown = sorted(by_month.get(month, []), key=moment_of, reverse=True)
    start = (page - 1) * ENTRIES_PER_VIEW
    older_months = [m for m in months if m < month] if month else []
    newer_months = [m for m in months if m > month] if month else []
    older = (
        (month, page + 1) if len(shown) > start + ENTRIES_PER_VIEW else (older_months[0], 1) if older_months else None
    )
    newer = (month, page - 1) if page > 1 else (newer_months[-1], 1) if newer_months else None
    return shown[start : start + ENTRIES_PER_VIEW], month, older, newer


def next_month(year_month, step=1):
    year, month = divmod(year_month[0] * 12 + year_month[1] - 1 + step, 12)
    return year, month + 1


def stored_month(name):
    """(year, month) of a store's month name, "2026-11"."""
    return tuple(map(int, name.split("-")))


def months_around(stored, month):
    """The stored months (by UTC, "2026-11") to read to show the person's month
    (year, month) and find the pages before and after it: the months next to
    it (a time zone moves an entry across a month's edge by up to 14 hours),
    and the nearest stored month beyond them on each side."""
    near = {next_month(month, step) for step in (-1, 0, 1)}
    before = [name for name in stored if stored_month(name) < min(near)]
    after = [name for name in stored if stored_month(name) > max(near)]
    return [name for name in stored if stored_month(name) in near] + before[-1:] + after[:1]


def newest_month(entries, zone):
    """The person's month (year, month) of the newest of these entries, or None."""
    if not entries:
        return None
    day = local_day(max(map(moment_of, entries)), zone)
    return day.year, day.month


# The 2-day rule (D1) by the diary, per knee: one knee's 0 never ends the other's
# run of pain. A score for "both" counts for each knee.
KNEES_OF = {"left": ("left", "both"), "right": ("right", "both")}
# A knee not scored in the 14 days before the diary's newest entry is not in the
# current episode (the follow-up's "last score" reaches back as far: triage.md).
CURRENT = timedelta(days=14)


def pain_points(entries, knee=None):
    """(moment, score) of the pain scores, oldest first; of one knee ("both" included) if named."""
    knees = KNEES_OF[knee] if knee else None
    return sorted(
        (datetime.fromisoformat(e["at"]), e["pain"])
        for e in entries
        if e["kind"] == "pain" and (knees is None or e["knee"] in knees)
    )


def run_is_known(points):
    """Whether a knee's scores (oldest first) settle its run: a pain-free score,
    or a painful one more than 2 days before its latest. Older ones would not change it."""
    latest = points[-1][0]
    return any(pain == 0 or latest - moment > timedelta(days=2) for moment, pain in points)


def episode_is_known(entries):
    """Whether these newest entries of a diary (every entry since some moment)
    are enough for knees_in_pain_for_more_than_two_days: for each knee, its
    run is settled, or it has no score and the entries reach back more than
    CURRENT before the newest entry (an older one would not be current). A
    diary of checks and sessions alone is known 14 days back, not read to its start."""
    if not entries:
        return False
    moments = [moment_of(entry) for entry in entries]
    newest, oldest_read = max(moments), min(moments)
    for knee in KNEES_OF:
        own = pain_points(entries, knee)
        if own and newest - own[-1][0] <= CURRENT and not run_is_known(own):
            return False
        if not own and oldest_read > newest - CURRENT:
            return False
    return True


def knees_in_pain_for_more_than_two_days(entries):
    """D1 by the diary, knee by knee, for the current episode only: the knees
    ("left", "right") whose latest score is above 0 and whose run of painful
    scores (no pain-free one in between) began more than 2 days before it. A
    knee whose latest score is more than CURRENT older than the newest of these
    entries is left out."""
    if not entries:
        return ()
    newest = max(map(moment_of, entries))
    return tuple(
        knee
        for knee in KNEES_OF
        if (own := pain_points(entries, knee)) and newest - own[-1][0] <= CURRENT and pain_for_more_than_two_days(own)
    )


def pain_for_more_than_two_days(points):
    """D1 for one knee's scores (oldest first): the latest is above 0 and its
    run of painful scores began more than 2 days before it."""
    if not points or points[-1][1] == 0:
        return False
    began = points[-1][0]
    for moment, pain in reversed(points):
        if pain == 0:
            break
        began = moment
    return points[-1][0] - began > timedelta(days=2)
