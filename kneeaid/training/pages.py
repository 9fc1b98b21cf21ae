"""The training log's pages (../shared/training.md): the page to log a workout,
the same for everyone so that it opens offline (static/js/train.js answers from
the phone's own diary), and, for browsers without JavaScript, the forms and the
knee's answers from the diary the server holds."""

import re
import uuid
from datetime import UTC, datetime

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_timezone

from ..check import triage
from ..diary.fields import MAX_NOTE_LENGTH, REASONS, BadEntry
from ..diary.form_times import time_from_form, whole_number_from_form
from ..diary.kinds.workout import MORNING_AT_MOST
from ..diary.profiles import current_profile, limit_new_profiles, saved_from_form, store
from ..speed.contract import personal, shared
from ..web.api import require_same_origin
from ..web.fragments import page_or_fragment
from . import rules, words

bp = Blueprint("training", __name__)

RULE_SOURCES = {rule["id"]: rule["sources"] for rule in triage.RULES}
RECENT_MONTHS = 2  # the stored months read for the answers: 14 days, and the weeks before for the patterns


@bp.app_context_processor
def training_words():
    """The knee's answers on any page (the home page's card, the train page)."""
    return {
        "zone_labels": words.ZONE_LABELS,
        "zone_advice": words.ZONE_ADVICE,
        "zone_sources": words.ZONE_SOURCES,
        "pattern_labels": words.PATTERN_LABELS,
        "pattern_rules": {pattern: rules.PATTERNS[pattern]["rule"] for pattern in words.PATTERN_LABELS},
        "stop_and_check": words.STOP_AND_CHECK,
        "activities": rules.ACTIVITIES,
        "check_signs": rules.CHECK_SIGNS,
        "tier_headlines": triage.TIER_HEADLINES,
        "rule_reasons": triage.RULE_REASONS,
        "rule_sources": RULE_SOURCES,
        "parse": datetime.fromisoformat,
    }


def form_context():
    return {"max_note": MAX_NOTE_LENGTH, "minutes": (rules.LEAST_MINUTES, rules.MOST_MINUTES)}


@bp.route("/train")
@shared
def page():
    """Log a workout; "Can I train today?" for each knee, from the phone's diary (train.js)."""
    return render_template("training/page.html", **form_context())


def recent_entries(profile_id):
    """The entries of the last stored months: enough for 14 days and the weekly pattern."""
    months = store().months(profile_id) if profile_id else []
    return store().entries_in(profile_id, months[-RECENT_MONTHS:]) if months else []


def answers_context():
    """The knee's answers from the diary the server holds, now, where the person is."""
    return {"answers": rules.knee_answers(recent_entries(current_profile()), datetime.now(UTC), get_timezone())}


@bp.route("/train/answers")
@personal
def answers():
    """What the server's diary says for each knee (the train page without JavaScript)."""
    return page_or_fragment("training/answers.html", "training/_answers.html", **answers_context())


def workout_from_form(form, now):
    """The workout a form without JavaScript sends, not yet checked; asked about
    the next morning at 08:00 where the person is."""
    at = time_from_form(form.get("at", ""), now)
    workout = {
        "id": str(uuid.uuid4()),
        "kind": "workout",
        "at": at,
        "activity": form.get("activity"),
        "minutes": whole_number_from_form(form.get("minutes", "")),
        "painDuring": whole_number_from_form(form.get("painDuring", "")),
        "painAfter": whole_number_from_form(form.get("painAfter", "")),
        "knee": form.get("knee"),
        "note": form.get("note", "").strip(),
    }
    hour, minute = morning_time(form.get("morningTime", ""))
    try:
        asked = rules.morning_at(workout, get_timezone(), hour, minute)
    except (ValueError, OverflowError):
        return workout  # its time is refused by the entry's own check
    if asked - datetime.fromisoformat(at) <= MORNING_AT_MOST:
        workout["morningAt"] = asked.isoformat()
    return workout


MORNING_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def morning_time(text):
    """(hour, minute) of the form's "the next morning at" (HH:MM); 08:00 when not a time."""
    found = MORNING_TIME.fullmatch(text.strip())
    return (int(found[1]), int(found[2])) if found else (rules.MORNING_HOUR, 0)


@bp.route("/train", methods=["POST"])
@limit_new_profiles
def log_workout():
    """Log a workout from the form, for browsers without JavaScript."""
    require_same_origin()
    try:
        workout = workout_from_form(request.form, datetime.now(UTC))
    except BadEntry as problem:
        return workout_page_with(REASONS[problem.code]), 400
    return saved_from_form(workout, workout_page_with, url_for("training.answers"))


def workout_page_with(problem):
    """The log's page again, with what was typed and what is wrong."""
    return render_template("training/page.html", **form_context(), typed=request.form, problem=problem)


@bp.route("/train/morning", methods=["POST"])
@limit_new_profiles
def answer_morning():
    """The morning's answer from the card's form, for browsers without JavaScript."""
    require_same_origin()
    form = request.form
    answer = {
        "id": str(uuid.uuid4()),
        "kind": "pain",
        "at": datetime.now(UTC).isoformat(),
        "pain": whole_number_from_form(form.get("pain", "")),
        "knee": form.get("knee"),
        "morningOf": form.get("morningOf", ""),
        "signs": form.getlist("signs"),
    }
    return saved_from_form(answer, answers_page_with, url_for("training.answers"))


@bp.route("/train/seen-doctor", methods=["POST"])
@limit_new_profiles
def seen_doctor():
    """ "I have seen a doctor", from a pattern's card: the pattern stops asking."""
    require_same_origin()
    visit = {"id": str(uuid.uuid4()), "kind": "doctor_visit", "at": datetime.now(UTC).isoformat()}
    if request.form.get("knee"):
        visit["knee"] = request.form["knee"]
    return saved_from_form(visit, answers_page_with, url_for("training.answers"))


def answers_page_with(problem):
    return render_template("training/answers.html", **answers_context(), problem=problem)
