"""The summary for the doctor as data: the period asked for, the entries of it
by kind, the pain chart with one line per knee over the whole period, and
the 2-day rule knee by knee. Pure functions of the entries and the period, so the HTML
summary and its PDF (pages.py) are drawn from the same data by one template."""

from datetime import UTC, timedelta

from .history import knees_in_pain_for_more_than_two_days, moment_of, next_month

DAYS_DEFAULT, DAYS_MIN, DAYS_MAX = 30, 7, 365
DAYS_OFFERED = (7, 30, 90, 365)
KNEES = ("left", "right", "both")
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 640, 230, 40, 12, 18, 30
MOST_DOTS = 100  # more scores than this: the lines alone (dots would touch, and each costs the PDF time)
# The most a summary lists of each kind, the newest, whatever a diary holds: its PDF stays within
# a few seconds and a few hundred MB (bench/summary_limits.py); the CSV export has every entry.
MOST_LISTED = {"pain": 300, "session": 100, "check": 100}
MOST_POINTS = 300  # per knee on the chart: past it, the highest score of each 1/300 of the period


def period_days(text):
    """The days asked for with ?days= (None: the default). ValueError for
    anything but a whole number from DAYS_MIN to DAYS_MAX."""
    if text is None:
        return DAYS_DEFAULT
    if not text.isascii() or not text.isdigit() or not DAYS_MIN <= int(text) <= DAYS_MAX:
        raise ValueError(text)
    return int(text)


def months_of_period(start, end):
    """The store's month names ("2026-11", by UTC) that can hold an entry of the period."""
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    month, last = (first.year, first.month), (last.year, last.month)
    names = []
    while month <= last:
        names.append(f"{month[0]:04d}-{month[1]:02d}")
        month = next_month(month)
    return names


def in_period(entries, start, end):
    """The entries that happened from start to end, oldest first."""
    return sorted((entry for entry in entries if start <= moment_of(entry) <= end), key=moment_of)


def report(entries, start, end):
    """Everything the summary shows of the period's entries (oldest first):
    the counts of every kind, and the newest MOST_LISTED of each to list."""
    shown = in_period(entries, start, end)
    by_kind = {kind: [entry for entry in shown if entry["kind"] == kind] for kind in MOST_LISTED}
    return {
        "start": start, "end": end, "days": round((end - start) / timedelta(days=1)),
        "counts": {kind: len(of_kind) for kind, of_kind in by_kind.items()},
        "pains": by_kind["pain"][-MOST_LISTED["pain"]:],
        "sessions": by_kind["session"][-MOST_LISTED["session"]:],
        "checks": by_kind["check"][-MOST_LISTED["check"]:],
        "chart": knee_chart(by_kind["pain"], start, end),
        "two_days": knees_in_pain_for_more_than_two_days(by_kind["pain"]),  # the knees, each on its own
    }


CHART_DAYS = 30  # the diary view's chart: the month before its newest entry, not a calendar month


def chart_of(entries, end):
    """The diary view's chart: the pain scores of the CHART_DAYS before ``end``, or None. An
    episode that began late last month shows whole, not from the 1st."""
    start = end - timedelta(days=CHART_DAYS)
    pains = [entry for entry in in_period(entries, start, end) if entry["kind"] == "pain"]
    return knee_chart(pains, start, end) if pains else None


def knee_chart(pains, start, end):
    """Coordinates of the period's pain chart, one line per knee, or None
    without pain scores. The x axis is the whole period, start to end."""
    if not pains:
        return None
    span = max((end - start).total_seconds(), 1)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def point(entry):
        x = CHART_LEFT + (moment_of(entry) - start).total_seconds() / span * plot_width
        return round(x, 1), round(CHART_TOP + (10 - entry["pain"]) / 10 * plot_height, 1)

    lines = [{"knee": knee, "points": [point(entry) for entry in at_most(
        [entry for entry in pains if entry["knee"] == knee], start, span)]} for knee in KNEES]
    return {
        "lines": [line for line in lines if line["points"]], "dots": len(pains) <= MOST_DOTS,
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT, "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP, "plot_height": plot_height, "start": start, "end": end,
        "lowest": min(entry["pain"] for entry in pains), "highest": max(entry["pain"] for entry in pains),
        "latest": pains[-1]["pain"],
    }


def at_most(pains, start, span):
    """A knee's scores (oldest first) as the chart draws them: all of them up to
    MOST_POINTS, else the highest of each 1/MOST_POINTS of the period (the worst
    pain of a stretch is the one a doctor must not miss), in time order."""
    if len(pains) <= MOST_POINTS:
        return pains
    highest = {}
    for entry in pains:
        stretch = min(int((moment_of(entry) - start).total_seconds() / span * MOST_POINTS), MOST_POINTS - 1)
        if stretch not in highest or entry["pain"] > highest[stretch]["pain"]:
            highest[stretch] = entry
    return [highest[stretch] for stretch in sorted(highest)]
