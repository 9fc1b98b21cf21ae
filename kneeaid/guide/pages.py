"""The home page, the about page and the guides a person reads: when to see a
doctor, heat or cold, causes, prevention."""

from datetime import date

from flask import Blueprint, current_app, render_template, request

from ..check import sources, triage
from ..i18n.plain_text import lazy_gettext as _l
from ..speed.contract import shared

bp = Blueprint("guide", __name__)

HTMX_VERSION = "2.0.11"

# The sources of the heat page: when warming is allowed (001), no heat in the
# first days (NHS), a temperature or a hot knee (NHS), and KneeAid's own caution
# (how to wrap the warmth, never while asleep).
HEAT_SOURCES = ["001", "nhs-sprains", "nhs-septic", "kneeaid"]
GUIDE_SOURCES = ["001", "000"]

HEAT_QUESTIONS = {
    "three_days": _l("Have at least 3 days passed since the injury or since the pain began?"),
    "skin_hot": _l("Is the skin over the knee hot to the touch?"),
    "fever": _l("Do you have a fever or chills?"),
    "worse": _l("Is the knee getting worse?"),
}

HEAT_REASONS = {
    "three_days": _l("Less than 3 days have passed: heat can increase swelling."),
    "skin_hot": _l(
        "The skin is hot: a sign of inflammation, which heat makes worse. See a doctor; today if the "
        "knee is also swollen or you have a temperature."
    ),
    "fever": _l("A temperature can mean an infection, and heat makes it worse: see a doctor today."),
    "worse": _l("The knee is getting worse: see a doctor rather than warming it."),
}


def reviewed():
    return date.fromisoformat(current_app.config["CONTENT_REVIEWED"])


@bp.app_context_processor
def source_list():
    """What _sources.html and _cite.html need on any page that names its sources."""
    return {"source_details": sources.SOURCES, "reviewed": reviewed()}


@bp.route("/")
@shared
def home():
    return render_template("guide/home.html")


@bp.route("/about")
@shared
def about():
    cited = [key for key in sources.SOURCES if key != sources.OWN_CAUTION]
    return render_template("guide/about.html", sources=cited, htmx_version=HTMX_VERSION)


@bp.route("/doctor")
@shared
def doctor():
    rules_by_tier = {tier: [rule for rule in triage.RULES if rule["tier"] == tier] for tier in triage.TIERS}
    return render_template(
        "guide/doctor.html",
        sources=triage.sources_of(triage.RULES),
        tiers=triage.TIERS,
        rules_by_tier=rules_by_tier,
        tier_headlines=triage.TIER_HEADLINES,
        rule_signs=triage.RULE_SIGNS,
        tier_labels=triage.TIER_LABELS,
        tier_icons=triage.TIER_ICONS,
    )


def heat_verdict(answers):
    """None until every question is answered; else ("warm", []) or ("cold", reasons)."""
    needs = triage.TRIAGE["heat"]["warmingNeeds"]
    if any(answers.get(question) not in ("yes", "no") for question in needs):
        return None, []
    against = [question for question, needed in needs.items() if answers[question] != needed]
    return ("cold" if against else "warm"), against


def doctor_today(answers):
    """A temperature: see a doctor today (rule U17), whatever else is answered."""
    return all(answers.get(question) == answer for question, answer in triage.TRIAGE["heat"]["doctorTodayWhen"].items())


@bp.route("/heat")
@shared
def heat():
    answers = {question: request.args.get(question) for question in HEAT_QUESTIONS}
    verdict, against = heat_verdict(answers)
    return render_template(
        "guide/heat.html",
        sources=HEAT_SOURCES,
        questions=HEAT_QUESTIONS,
        reasons=HEAT_REASONS,
        answers=answers,
        verdict=verdict,
        against=against,
        doctor_today=doctor_today(answers),
        heat_rules=triage.TRIAGE["heat"],
    )


@bp.route("/causes")
@shared
def causes():
    return render_template("guide/causes.html", sources=GUIDE_SOURCES)


@bp.route("/prevent")
@shared
def prevent():
    return render_template("guide/prevent.html", sources=GUIDE_SOURCES)


@bp.route("/offline")
@shared
def offline():
    """What the service worker shows for a page this device has not saved."""
    return render_template("guide/offline.html")


@bp.app_template_filter("lower_first")
def lower_first(text):
    """ "The knee is swollen" -> "the knee is swollen", to use inside a sentence."""
    text = str(text)
    return text[:1].lower() + text[1:]
