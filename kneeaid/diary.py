"""The knee diary: pain scores, first-aid sessions and check results.

The device writes first (static/js/outbox.js) and syncs through
``POST /api/diary/sync``; the pages here show what the server holds. There
are no accounts: the first write makes an anonymous profile, a random
128-bit id kept in an HttpOnly cookie, which is also the recovery code.
"""

import csv
import io
import re
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_timezone
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from . import triage
from .extensions import htmx, limiter
from .store import DiaryStore, ProfileGone, StorageUnavailable, TooManyWrites

bp = Blueprint("diary", __name__)
api = Blueprint("diary_api", __name__)

PROFILE_COOKIE = "kneeaid_profile"
FIVE_YEARS = 5 * 365 * 24 * 60 * 60
MAX_ENTRIES_PER_REQUEST = 1000
MAX_NOTE_LENGTH = 500
KNEES = ("left", "right", "both")
KNEE_NAMES = {"left": _l("left knee"), "right": _l("right knee"), "both": _l("both knees")}
OUTCOMES = ("completed", "stopped")
ENTRY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FIELDS = {
    "pain": ({"id", "kind", "at", "pain", "knee"}, {"note", "updatedAt"}),
    "session": ({"id", "kind", "startedAt", "endedAt", "outcome", "cold", "elevation"}, set()),
    "check": ({"id", "kind", "at", "symptoms", "tier", "rules"}, {"rulesVersion"}),
}
PHASE_LIMITS = {"cold": (10, 15), "elevation": (5, 30)}  # planned minutes, from the timer


# Validation ---------------------------------------------------------------

class BadEntry(ValueError):
    """An entry that cannot be stored; the message names the problem."""


def parse_time(value, where, now):
    if not isinstance(value, str):
        raise BadEntry(f"{where}: must be a time like 2026-11-21T07:00:00Z")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadEntry(f"{where}: must be a time like 2026-11-21T07:00:00Z") from None
    if moment.tzinfo is None:
        raise BadEntry(f"{where}: the time needs a time zone (Z for UTC)")
    if moment > now + timedelta(days=1):
        raise BadEntry(f"{where}: more than a day in the future")
    if moment < EARLIEST:
        raise BadEntry(f"{where}: before the year 2000")
    return moment


def whole_number(value, where, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadEntry(f"{where}: must be a whole number from {low} to {high}")
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
        raise BadEntry(f"{where}: must be null or {{plannedMinutes, actualSeconds}}")
    low, high = PHASE_LIMITS[phase]
    whole_number(value["plannedMinutes"], f"{where}.plannedMinutes", low, high)
    whole_number(value["actualSeconds"], f"{where}.actualSeconds", 0, high * 60)
    return value


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
    if kind == "pain":
        parse_time(entry["at"], f"{where}.at", now)
        whole_number(entry["pain"], f"{where}.pain", 0, 10)
        if entry["knee"] not in KNEES:
            raise BadEntry(f"{where}.knee: must be one of {', '.join(KNEES)}")
        note = entry.get("note", "")
        if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH or not is_text(note):
            raise BadEntry(f"{where}.note: must be text of at most {MAX_NOTE_LENGTH} characters")
        if "updatedAt" in entry:
            parse_time(entry["updatedAt"], f"{where}.updatedAt", now)
    elif kind == "session":
        started = parse_time(entry["startedAt"], f"{where}.startedAt", now)
        if parse_time(entry["endedAt"], f"{where}.endedAt", now) < started:
            raise BadEntry(f"{where}.endedAt: before startedAt")
        if entry["outcome"] not in OUTCOMES:
            raise BadEntry(f"{where}.outcome: must be one of {', '.join(OUTCOMES)}")
        validate_phase(entry["cold"], f"{where}.cold", "cold")
        validate_phase(entry["elevation"], f"{where}.elevation", "elevation")
    else:
        parse_time(entry["at"], f"{where}.at", now)
        validate_check(entry, where)
    return entry


def ids_of(values, known, where, what):
    if not isinstance(values, list) or any(not isinstance(v, str) or v not in known for v in values):
        raise BadEntry(f"{where}: must be a list of {what}")
    if len(set(values)) != len(values):
        raise BadEntry(f"{where}: an id is repeated")
    return values


def validate_check(entry, where):
    """A check of the current rules version must have the tier and rules its
    symptoms give now. A check made under an earlier version (one without
    rulesVersion is version 1) is kept as it was recorded, if its ids are
    ids of that version: an outbox that waited across an update loses nothing."""
    version = entry.get("rulesVersion", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= triage.VERSION:
        raise BadEntry(f"{where}.rulesVersion: must be a rules version from 1 to {triage.VERSION}")
    symptoms = ids_of(entry["symptoms"], triage.symptoms_of(version), f"{where}.symptoms",
                      f"symptom ids of rules version {version}")
    if version < triage.VERSION:
        if entry["tier"] not in triage.TIERS:
            raise BadEntry(f"{where}.tier: must be one of {', '.join(triage.TIERS)}")
        known_rules = [rule["id"] for rule in triage.rules_of(version)]
        ids_of(entry["rules"], known_rules, f"{where}.rules", f"rule ids of rules version {version}")
        return
    result = triage.evaluate(symptoms)
    if result.tier not in triage.TIERS:
        raise BadEntry(f"{where}.symptoms: a check with no answer is not kept")
    if entry["tier"] != result.tier or entry["rules"] != list(result.rules):
        raise BadEntry(f"{where}: tier and rules do not match the symptoms")


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
            rejected.append({"id": entry_id_of(entry), "error": str(problem)})
    return valid, deleted, rejected


def entry_id_of(entry):
    """The id a device gave an entry, to name it in an answer; None if it has none."""
    entry_id = entry.get("id") if isinstance(entry, dict) else None
    return entry_id if isinstance(entry_id, str) else None


class TooMuchInOneRequest(BadEntry):
    """More entries in one request than the server takes (413)."""


# Profiles and requests ----------------------------------------------------

def store():
    return current_app.extensions["kneeaid.store"]


def current_profile():
    """The id of this browser's profile, if it has one that exists."""
    profile_id = request.cookies.get(PROFILE_COOKIE)
    return profile_id if store().exists(profile_id) else None


def remember_profile(response, profile_id):
    response.set_cookie(PROFILE_COOKIE, profile_id, max_age=FIVE_YEARS, httponly=True,
                        samesite="Lax", secure=request.is_secure)
    return response


def require_same_origin():
    """Refuse writes that another site's page started (CSRF): browsers say
    where a request comes from in Sec-Fetch-Site, or at least in Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        allowed = site in ("same-origin", "none")
    else:
        origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
        allowed = urlsplit(origin).netloc == request.host
    if not allowed:
        abort(403, description=_l("This change must come from KneeAid's own pages."))


def save(entries, deleted):
    """Store for this browser's profile (made on its first write); returns
    (acknowledged ids, ids refused because the diary is full, the profile id,
    whether it is new)."""
    profile_id = current_profile()
    created = profile_id is None
    if created:
        profile_id = store().new_profile_id()
    now = datetime.now(UTC).timestamp()
    try:
        acknowledged, full = store().save(
            profile_id, entries, deleted, now, new=created,
            writes_per_minute=current_app.config["WRITES_PER_MINUTE"],
            max_entries=current_app.config["MAX_ENTRIES_PER_PROFILE"])
    except TooManyWrites:
        raise TooManyRequests(_l("Too many changes in a minute: wait a little and try again."),
                              retry_after=60) from None
    except ProfileGone:
        abort(409, description=_l("This diary was deleted a moment ago."))
    except StorageUnavailable:
        raise storage_unavailable() from None
    return acknowledged, full, profile_id, created


def storage_unavailable():
    """The data folder cannot take writes now (read-only or full): nothing was
    changed, the phone keeps its entries and tries again later."""
    return ServiceUnavailable(_l("The diary cannot be saved on the server right now. Your entries stay on "
                                 "this phone and are sent later."), retry_after=300)


def new_profiles_per_hour():
    return f"{current_app.config['NEW_PROFILES_PER_HOUR']} per hour"


def made_a_profile(response):
    return any(cookie.startswith(f"{PROFILE_COOKIE}=") for cookie in response.headers.getlist("Set-Cookie"))


# A write without a diary makes one: at most NEW_PROFILES_PER_HOUR of those per
# client address, so one client cannot fill the disk with empty diaries.
# Writes to an existing diary are not counted (they have their own limit).
limit_new_profiles = limiter.shared_limit(
    new_profiles_per_hour, scope="new-profiles", deduct_when=made_a_profile,
    exempt_when=lambda: current_profile() is not None,
    error_message=lambda: _l("Too many new diaries from this address in an hour: try again later."))


def json_error(message, status):
    return jsonify(error=message, status=status), status


@api.route("/api/diary/sync", methods=["POST"])
@limit_new_profiles
def sync():
    """Store what a device sends. Sending the same entry twice stores it once;
    the answer lists the ids now safe, which the device may drop."""
    require_same_origin()
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        return json_error("the body is larger than 1 MB", 413)
    if not request.is_json:
        return json_error("send JSON (Content-Type: application/json)", 400)
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return json_error("the body is nested too deeply", 400)
    if body is None:
        return json_error("the body is not valid JSON", 400)
    try:
        entries, deleted, rejected = validate_request(body, datetime.now(UTC))
    except TooMuchInOneRequest as problem:
        return json_error(str(problem), 413)
    except BadEntry as problem:
        return json_error(str(problem), 400)
    if not entries and not deleted:
        return jsonify(acknowledged=[], rejected=rejected)  # nothing to store: no diary made for it
    acknowledged, full, profile_id, created = save(entries, deleted)
    limit = current_app.config["MAX_ENTRIES_PER_PROFILE"]
    rejected += [{"id": entry_id, "error": f"the diary is full ({limit} entries): delete old entries to add new ones"}
                 for entry_id in full]
    response = jsonify(acknowledged=acknowledged, rejected=rejected)
    return remember_profile(response, profile_id) if created else response


# Pages ----------------------------------------------------------------------

@bp.route("/diary")
def page():
    """The diary's shell: the same for everyone, so it opens offline. The
    entries come from diary.view (htmx) and from the device's outbox."""
    return render_template("diary.html", knee_names=KNEE_NAMES, max_note=MAX_NOTE_LENGTH)


def local_day(moment, zone):
    """The person's calendar day of a moment, in their time zone (get_timezone(),
    asked once per page: Flask-Babel's per-call lookup is slow over 10,000 entries)."""
    return moment.astimezone(zone).date()


def moment_of(entry):
    """When an entry happened: a pain score or a check at its time, a session at its start."""
    return datetime.fromisoformat(entry.get("at") or entry["startedAt"])


def timeline(entries):
    """Entries newest first, as (day, [(time, entry)]) groups in the person's time zone."""
    days, zone = defaultdict(list), get_timezone()
    for moment, entry in sorted(((moment_of(entry), entry) for entry in entries), key=lambda pair: pair[0],
                                reverse=True):
        days[local_day(moment, zone)].append((moment, entry))
    return list(days.items())


def pain_points(entries):
    return sorted((datetime.fromisoformat(e["at"]), e["pain"]) for e in entries if e["kind"] == "pain")


def pain_for_more_than_two_days(entries):
    """D1 by the diary, for the current episode only: the latest pain score is
    above 0 and the run of painful entries it belongs to (no pain-free entry in
    between) began more than 2 days before it."""
    points = pain_points(entries)
    if not points or points[-1][1] == 0:
        return False
    began = points[-1][0]
    for moment, pain in reversed(points):
        if pain == 0:
            break
        began = moment
    return points[-1][0] - began > timedelta(days=2)


CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 320, 160, 28, 24


def pain_chart(entries):
    """Coordinates for the server-drawn SVG chart of pain over time, or None."""
    points = pain_points(entries)
    if not points:
        return None
    first, last = points[0][0], points[-1][0]
    span = max((last - first).total_seconds(), 1)
    plot_width, plot_height = CHART_WIDTH - CHART_LEFT - 8, CHART_HEIGHT - CHART_BOTTOM - 8
    xy = [(CHART_LEFT + (moment - first).total_seconds() / span * plot_width if len(points) > 1
           else CHART_LEFT + plot_width / 2, 8 + (10 - pain) / 10 * plot_height, pain, moment)
          for moment, pain in points]
    return {"points": xy, "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT,
            "bottom": CHART_HEIGHT - CHART_BOTTOM, "top": 8, "plot_height": plot_height,
            "first": first, "last": last, "lowest": min(p for _, p in points),
            "highest": max(p for _, p in points), "latest": points[-1][1]}


def recovery_code(profile_id):
    return "-".join(profile_id[i:i + 4] for i in range(0, 32, 4))


ENTRIES_PER_VIEW = 200  # a view costs the same with 10 or 10,000 entries in the diary
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def requested_page():
    """(year, month) asked for with ?month=YYYY-MM (None: the newest), and the
    page of that month (1 = its newest entries)."""
    month, page = request.args.get("month"), request.args.get("page", "1")
    if month is not None and not MONTH.fullmatch(month) or not page.isdigit() or not 1 <= int(page) <= 1000:
        abort(400, description=_l("This diary page does not exist: ask for a month as 2026-11."))
    return (tuple(map(int, month.split("-"))) if month else None), int(page)


def one_page(entries, month, page):
    """The entries of one page of the diary, newest first, and where the pages
    before and after it are: a month at a time, at most ENTRIES_PER_VIEW each."""
    by_month, zone = defaultdict(list), get_timezone()
    for entry in entries:
        day = local_day(moment_of(entry), zone)
        by_month[(day.year, day.month)].append(entry)
    months = sorted(by_month, reverse=True)
    month = month or (months[0] if months else None)
    shown = sorted(by_month.get(month, []), key=moment_of, reverse=True)
    start = (page - 1) * ENTRIES_PER_VIEW
    older_months = [m for m in months if m < month] if month else []
    newer_months = [m for m in months if m > month] if month else []
    older = ((month, page + 1) if len(shown) > start + ENTRIES_PER_VIEW
             else (older_months[0], 1) if older_months else None)
    newer = (month, page - 1) if page > 1 else (newer_months[-1], 1) if newer_months else None
    return shown[start:start + ENTRIES_PER_VIEW], month, older, newer


def month_link(place):
    """The view's URL for (month, page), or None."""
    if place is None:
        return None
    (year, month), page = place
    return url_for("diary.view", month=f"{year:04d}-{month:02d}", page=page if page > 1 else None)


def view_context(profile_id, month=None, page=1):
    entries = store().entries(profile_id) if profile_id else []
    shown, month, older, newer = one_page(entries, month, page)
    return {
        "entries": entries, "days": timeline(shown), "chart": pain_chart(shown),
        "month": date(*month, 1) if month else None, "older": month_link(older), "newer": month_link(newer),
        "see_doctor": pain_for_more_than_two_days(entries),
        "recovery_code": recovery_code(profile_id) if profile_id else None,
        "knee_names": KNEE_NAMES, "tier_headlines": triage.TIER_HEADLINES,
        "symptom_labels": triage.SYMPTOM_LABELS, "rule_reasons": triage.RULE_REASONS,
        "rules_version": triage.VERSION,
        "format_date": format_date, "format_time": format_time, "format_datetime": format_datetime,
        "parse": datetime.fromisoformat,
    }


@bp.route("/diary/view")
def view():
    """What the server holds for this browser, a month at a time (newest
    first): a fragment for htmx, else a page."""
    month, page = requested_page()
    context = view_context(current_profile(), month, page)
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render_template("_diary_view.html", **context)
    return render_template("diary_view.html", **context)


@bp.route("/diary/summary")
def summary():
    """A one-page summary for the doctor, made for printing."""
    context = view_context(current_profile())
    entries = context["entries"]
    context.update(
        chart=pain_chart(entries),  # the whole course of the pain, for the doctor
        began=min(map(moment_of, entries)) if entries else None,
        checks=[e for e in entries if e["kind"] == "check"],
        sessions=[e for e in entries if e["kind"] == "session"],
        notes=[e for e in entries if e["kind"] == "pain" and e.get("note")],
    )
    return render_template("diary_summary.html", **context)


@bp.route("/diary/entries", methods=["POST"])
@limit_new_profiles
def add_entry():
    """Add a pain entry from the form, for browsers without JavaScript."""
    require_same_origin()
    now = datetime.now(UTC)
    form = request.form
    entry = {"id": form.get("id") or str(uuid.uuid4()), "kind": "pain", "at": now.isoformat(), "knee": form.get("knee"),
             "note": form.get("note", "").strip()}
    try:
        entry["pain"] = int(form.get("pain", ""))
        validate_entry(entry, "entry", now)
    except (ValueError, BadEntry):
        abort(400, description=_l("The entry was not saved: pain must be 0-10, a knee chosen, "
                                  "the note at most 500 characters."))
    _, full, profile_id, created = save([entry], [])
    if full:
        abort(409, description=_l("The diary is full: delete old entries to add new ones."))
    response = redirect(url_for("diary.view"), 303)
    return remember_profile(response, profile_id) if created else response


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
        return render_template("diary_delete.html")
    require_same_origin()
    profile_id = current_profile()
    if profile_id:
        try:
            store().delete_profile(profile_id)
        except StorageUnavailable:
            raise storage_unavailable() from None
    response = current_app.make_response(render_template("diary_deleted.html"))
    response.delete_cookie(PROFILE_COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


@bp.route("/diary/join", methods=["POST"])
def join():
    """Join the diary of a recovery code: a new phone, the same diary."""
    require_same_origin()
    code = re.sub(r"[\s-]", "", request.form.get("code", "")).lower()
    if not store().exists(code):
        abort(400, description=_l("No diary has this recovery code. Check it and try again."))
    return remember_profile(redirect(url_for("diary.page"), 303), code)


@api.route("/diary/export.json")
def export_json():
    profile_id = current_profile()
    response = jsonify(entries=store().entries(profile_id) if profile_id else [])
    response.headers["Content-Disposition"] = "attachment; filename=kneeaid-diary.json"
    return response


CSV_COLUMNS = ("id", "kind", "at", "startedAt", "endedAt", "pain", "knee", "note", "outcome",
               "coldPlannedMinutes", "coldActualSeconds", "elevationPlannedMinutes",
               "elevationActualSeconds", "tier", "symptoms", "rules", "rulesVersion")


def csv_row(entry):
    row = {key: entry.get(key, "") for key in CSV_COLUMNS}
    for phase in ("cold", "elevation"):
        if entry.get(phase):
            row[f"{phase}PlannedMinutes"] = entry[phase]["plannedMinutes"]
            row[f"{phase}ActualSeconds"] = entry[phase]["actualSeconds"]
    row["symptoms"] = " ".join(entry.get("symptoms", []))
    row["rules"] = " ".join(entry.get("rules", []))
    if entry["kind"] == "check":
        row["rulesVersion"] = entry.get("rulesVersion", 1)
    # A spreadsheet must not run a note as a formula.
    if str(row["note"]).startswith(("=", "+", "-", "@", "\t", "\r")):
        row["note"] = "'" + row["note"]
    return row


@api.route("/diary/export.csv")
def export_csv():
    profile_id = current_profile()
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for entry in store().entries(profile_id) if profile_id else []:
        writer.writerow(csv_row(entry))
    response = current_app.response_class(text.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=kneeaid-diary.csv"
    return response


PERSONAL_ENDPOINTS = {"diary.view", "diary.summary", "diary_api.export_json", "diary_api.export_csv",
                      "diary_api.sync"}


def keep_personal_data_out_of_caches(response):
    """One person's diary is never stored by a browser's or a proxy's cache."""
    if request.endpoint in PERSONAL_ENDPOINTS:
        response.cache_control.no_cache = None
        response.cache_control.no_store = True
        response.cache_control.private = True
    return response


def init_app(app):
    app.extensions["kneeaid.store"] = DiaryStore(app.config["DATA_DIR"])
    app.register_blueprint(api)
    app.after_request(keep_personal_data_out_of_caches)
