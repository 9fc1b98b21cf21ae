"""The diary's pages: the shell that opens offline, what the server holds
(a month at a time), the summary for the doctor, and the forms that work
without JavaScript (add, delete, delete all, join with a recovery code)."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_timezone
from werkzeug.exceptions import ServiceUnavailable

from ..check import triage
from ..extensions import limiter
from ..i18n.languages import current_language, current_timezone
from ..i18n.plain_text import lazy_gettext as _l
from ..speed.contract import personal
from ..training.words import ACTIVITY_LABELS, SIGN_LABELS
from ..web.api import require_same_origin
from ..web.fragments import page_or_fragment
from . import pdf
from .fields import ENTRY_ID, MAX_NOTE_LENGTH, REASONS, BadEntry
from .form_times import time_from_form, whole_number_from_form
from .history import (
    episode_is_known,
    knees_in_pain_for_more_than_two_days,
    moment_of,
    months_around,
    newest_month,
    one_page,
    timeline,
)
from .kinds import KINDS, as_noted
from .profiles import (
    current_profile,
    delete,
    forget_profile,
    limit_new_profiles,
    recovery_code,
    remember_profile,
    save,
    saved_from_form,
    store,
)
from .report import DAYS_OFFERED, chart_of, months_of_period, period_days, report

bp = Blueprint("diary", __name__)

KNEE_NAMES = {"left": _l("left knee"), "right": _l("right knee"), "both": _l("both knees")}
# ASCII digits only (a "³" or a "٣" is a digit to str.isdigit), years a diary can hold, pages a month can have.
MONTH = re.compile(r"([2-9][0-9]{3})-(0[1-9]|1[0-2])")
PAGE = re.compile(r"[1-9][0-9]{0,3}")


def knees_named(knees):
    """The name of one knee ("left", "right"), or "both knees" for the two."""
    return KNEE_NAMES["both"] if set(knees) == {"left", "right"} else KNEE_NAMES[knees[0]]


@bp.app_context_processor
def knees():
    """The knees' names on every page: the follow-up card asks on any (_followup.html), the diary's pages show them."""
    return {"knee_names": KNEE_NAMES, "knees_named": knees_named}


@bp.app_context_processor
def training_names():
    """The names of a workout's activities and of the morning's signs, for the diary's lines and the training log."""
    return {"activity_names": ACTIVITY_LABELS, "sign_names": SIGN_LABELS}


@bp.route("/diary")
def page():
    """The diary's shell: the same for everyone, so it opens offline. The
    entries come from diary.view (htmx) and from the device's outbox."""
    return render_template("diary/page.html", **page_context())


def page_context():
    """What the diary's page shows and gives its script, whatever it answers."""
    kind_labels = {name: str(kind.LABEL) for name, kind in KINDS.items()}
    return {"max_note": MAX_NOTE_LENGTH, "reasons": REASONS, "kind_labels": kind_labels}


def requested_page():
    """(year, month) asked for with ?month=YYYY-MM (None: the newest), and the
    page of that month (1 = its newest entries)."""
    month, page = request.args.get("month"), request.args.get("page", "1")
    if month is not None and not MONTH.fullmatch(month) or not PAGE.fullmatch(page) or int(page) > 1000:
        abort(400, description=_l("This diary page does not exist: ask for a month as 2026-11."))
    return (tuple(map(int, month.split("-"))) if month else None), int(page)


def month_link(place):
    """The view's URL for ((year, month), page), or None."""
    if place is None:
        return None
    (year, month), page = place
    return url_for("diary.view", month=f"{year:04d}-{month:02d}", page=page if page > 1 else None)


def recent_entries(profile_id, stored):
    """The newest entries, a month at a time, until they say for each knee
    whether its pain has lasted more than two days (the diary's "see a doctor" rule)."""
    recent = []
    for month in reversed(stored):
        recent = store().entries_in(profile_id, [month]) + recent  # each month read once
        if episode_is_known(recent):
            break
    return recent


def view_context(profile_id, month=None, page=1):
    """One page of the diary: the entries of one month (in the person's time
    zone), read with the few stored months around it, never the whole diary."""
    zone = get_timezone()
    stored = store().months(profile_id) if profile_id else []
    if month is None and stored:
        month = newest_month(store().entries_in(profile_id, stored[-1:]), zone)
    entries = store().entries_in(profile_id, months_around(stored, month)) if stored else []
    shown, month, older, newer = one_page(entries, zone, month, page)
    shown = [as_noted(entry) for entry in shown]  # an old follow-up answer: the field, not the question as a note
    return {
        "has_entries": bool(stored),
        "days": timeline(shown, zone),
        "chart": chart_of(entries, max(map(moment_of, shown))) if shown else None,
        "month": date(*month, 1) if month else None,
        "older": month_link(older),
        "newer": month_link(newer),
        "see_doctor": knees_in_pain_for_more_than_two_days(recent_entries(profile_id, stored)),
        "recovery_code": recovery_code(profile_id) if profile_id else None,
        "tier_headlines": triage.TIER_HEADLINES,
        "symptom_label": triage.symptom_label,
        "rule_reasons": triage.RULE_REASONS,
        "rules_version": triage.VERSION,
        "editable_kinds": [name for name, kind in KINDS.items() if kind.EDITABLE],
        "zone_unknown": current_timezone() is None,
        "format_date": format_date,
        "format_time": format_time,
        "format_datetime": format_datetime,
        "day_month": lambda moment: format_date(moment, "d MMM"),
        "parse": datetime.fromisoformat,
    }


@bp.route("/diary/view")
@personal
def view():
    """What the server holds for this browser, a month at a time (newest first)."""
    month, page = requested_page()
    return page_or_fragment("diary/view.html", "diary/_view.html", **view_context(current_profile(), month, page))


def summaries_per_minute():
    return f"{current_app.config['SUMMARIES_PER_MINUTE']} per minute"


@bp.route("/diary/summary")
@personal
@limiter.limit(summaries_per_minute, error_message=lambda: _l("Too many summaries from this address: wait a minute."))
def summary():
    """The summary for the doctor, of the last 30 days (?days=7 to 365): a page made for printing."""
    return render_template("diary/summary.html", **summary_context())


def pdfs_per_minute():
    return f"{current_app.config['PDFS_PER_MINUTE']} per minute"


PDF_BUSY = _l("Another PDF is being made: try again in a few seconds, or print this page.")
PDF_NOT_MADE = _l("The PDF could not be made: print this page, or ask for a shorter period.")


@bp.route("/diary/summary.pdf")
@personal
@limiter.limit(pdfs_per_minute, error_message=lambda: _l("Too many PDFs from this address: wait a minute."))
def summary_pdf():
    """The same summary as a PDF file, drawn from the same template (pdf=True), in a
    child process bounded in time and memory (kneeaid/diary/pdf.py): at most
    PDFS_AT_ONCE a process, a 503 with Retry-After for the others."""
    context = summary_context()
    html = render_template("diary/summary.html", pdf=True, **context)
    stylesheet = Path(current_app.static_folder, "css", "summary.css")
    slots = current_app.extensions["kneeaid.pdf_slots"]
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable(PDF_BUSY, retry_after=10)
    try:
        made = pdf.render(
            html,
            stylesheet,
            seconds=current_app.config["PDF_SECONDS"],
            memory_bytes=current_app.config["PDF_MEMORY_MB"] * 1024 * 1024,
            client_gone=request.environ.get("waitress.client_disconnected", lambda: False),
        )
    except pdf.PdfNotMade as reason:
        current_app.logger.warning("No PDF for %s: %s", request.path, reason)
        raise ServiceUnavailable(PDF_NOT_MADE, retry_after=60) from None
    finally:
        slots.release()
    response = current_app.response_class(made.pdf, mimetype="application/pdf")
    day = context["end"].astimezone(get_timezone()).date().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="kneeaid-{day}.pdf"'
    return response


# "1 Dec 2026, 14:21", «1 дек. 2026 г., 14:21» (Russian writes «г.» after a year): no reader mistakes the day.
SUMMARY_DATE = {"en": "d MMM y", "ru": "d MMM y 'г.'"}
SUMMARY_DAY_MONTH = {"en": "d MMM", "ru": "d MMM"}  # the chart's week ticks: the year is in its caption
SUMMARY_TIME = {lang: f"{date_pattern}, HH:mm" for lang, date_pattern in SUMMARY_DATE.items()}


def summary_end():
    """The moment a summary ends: now (a test fixes it)."""
    return datetime.now(UTC)


def summary_context():
    """The period's entries (only the months it spans are read), as report.report gives them."""
    try:
        days = period_days(request.args.get("days"))
    except ValueError:
        abort(400, description=_l("Ask for a summary of 7 to 365 days, such as ?days=30."))
    end = summary_end()
    start = end - timedelta(days=days)
    profile_id = current_profile()
    entries = store().entries_in(profile_id, months_of_period(start, end)) if profile_id else []
    zone_unknown = current_timezone() is None
    lang = current_language()
    return {
        **report(entries, start, end, get_timezone()),
        "days_offered": DAYS_OFFERED,
        "tier_advised": triage.TIER_ADVISED,
        "symptom_label": triage.symptom_label,
        "rules_version": triage.VERSION,
        "made_on": end,
        "zone_unknown": zone_unknown,
        "when": lambda moment: format_datetime(moment, SUMMARY_TIME[lang]) + (" UTC" if zone_unknown else ""),
        "parse": datetime.fromisoformat,
        "format_date": lambda moment: format_date(moment, SUMMARY_DATE[lang]),
        "day_month": lambda moment: format_date(moment, SUMMARY_DAY_MONTH[lang]).replace(" ", "\N{NO-BREAK SPACE}"),
    }


def entry_from_form(form, now):
    """The pain entry a form without JavaScript sends, not yet checked."""
    return {
        "id": form.get("id") or str(uuid.uuid4()),
        "kind": "pain",
        "at": time_from_form(form.get("at", ""), now),
        "pain": whole_number_from_form(form.get("pain", "")),
        "knee": form.get("knee"),
        "note": form.get("note", "").strip(),
    }


@bp.route("/diary/entries", methods=["POST"])
@limit_new_profiles
def add_entry():
    """Add a pain entry from the form, for browsers without JavaScript. A
    problem answers the diary page again, with what was typed and what is
    wrong, and stores nothing."""
    require_same_origin()
    try:
        entry = entry_from_form(request.form, datetime.now(UTC))
    except BadEntry as problem:
        return diary_page_with(REASONS[problem.code]), 400
    return saved_from_form(entry, diary_page_with, url_for("diary.view"))


def diary_page_with(problem):
    """The diary page again, with what was typed and what is wrong."""
    return render_template("diary/page.html", **page_context(), typed=request.form, problem=problem)


@bp.route("/diary/entries/<entry_id>/delete", methods=["POST"])
def delete_entry(entry_id):
    require_same_origin()
    if not ENTRY_ID.fullmatch(entry_id) or current_profile() is None:
        abort(404)
    save([], [entry_id])
    return redirect(url_for("diary.view"), 303)


@bp.route("/diary/delete", methods=["GET", "POST"])
def delete_all():
    """GET asks once; POST deletes the profile, and the page it answers with
    clears the device too (static/js/diary.js)."""
    if request.method == "GET":
        return render_template("diary/delete.html")
    require_same_origin()
    profile_id = current_profile()
    if profile_id:
        delete(profile_id)
    return forget_profile(current_app.make_response(render_template("diary/deleted.html")))


@bp.route("/diary/join", methods=["POST"])
def join():
    """Join the diary of a recovery code: a new phone, the same diary."""
    require_same_origin()
    code = re.sub(r"[\s-]", "", request.form.get("code", "")).lower()
    if not store().exists(code):
        abort(400, description=_l("No diary has this recovery code. Check it and try again."))
    return remember_profile(redirect(url_for("diary.page"), 303), code)
