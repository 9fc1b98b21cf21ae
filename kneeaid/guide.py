"""The home page, the about page and the guides a person reads: when to see a
doctor, heat or cold, causes, prevention."""

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from . import triage
from .http import rendered_once

bp = Blueprint("guide", __name__)

HTMX_VERSION = "2.0.11"

# Every source, as the about page lists it: who published it, what, when and
# where to read it. A page's sources box names its own and links here.
NOT_RECORDED = _l("A Russian-language web article, read in our English translation; its publisher and date "
                  "were not recorded")
SOURCES = {
    "000": {"title": _l('"What to do if your knees hurt during or after exercise?"'),
            "publisher": NOT_RECORDED, "year": None, "links": []},
    "001": {"title": _l('"The knees hurt after training, what should I do?"'),
            "publisher": NOT_RECORDED, "year": None, "links": []},
    "NHS": {"title": _l("Knee pain; Sprains and strains; Deep vein thrombosis; Septic arthritis"),
            "publisher": _l("NHS (the National Health Service, UK), nhs.uk"), "year": _l("read in 2026"),
            "links": ["https://www.nhs.uk/conditions/knee-pain/",
                      "https://www.nhs.uk/conditions/sprains-and-strains/",
                      "https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/",
                      "https://www.nhs.uk/conditions/septic-arthritis/"]},
    "Ottawa": {"title": _l("The Ottawa Knee Rules: Stiell IG et al., Implementation of the Ottawa Knee Rules "
                           "for the use of radiography in acute knee injuries"),
               "publisher": "JAMA 1996;275(8):611-615", "year": None,
               "links": ["https://doi.org/10.1001/jama.1996.03530320035031"]},
    "PEACE": {"title": _l("Soft-tissue injuries simply need PEACE and LOVE: Dubois B, Esculier JF"),
              "publisher": "British Journal of Sports Medicine 2020;54(2):72-73", "year": None,
              "links": ["https://doi.org/10.1136/bjsports-2019-101253"]},
    "AAOS": {"title": _l("Quadriceps tendon tear; Patellar tendon tear"),
             "publisher": _l("American Academy of Orthopaedic Surgeons, OrthoInfo"), "year": _l("read in 2026"),
             "links": ["https://orthoinfo.aaos.org/en/diseases--conditions/quadriceps-tendon-tear/",
                       "https://orthoinfo.aaos.org/en/diseases--conditions/patellar-tendon-tear/"]},
}
SOURCE_TITLES = {
    "000": _l('"What to do if your knees hurt during or after exercise?" (article, translated from Russian)'),
    "001": _l('"The knees hurt after training, what should I do?" (article, translated from Russian)'),
    "NHS": _l("NHS: knee pain; sprains and strains; deep vein thrombosis; septic arthritis"),
    "Ottawa": _l("The Ottawa Knee Rules (Stiell et al., 1995; JAMA 1996;275:611)"),
    "PEACE": _l("PEACE & LOVE (Dubois & Esculier, Br J Sports Med 2020;54:72-73)"),
    "AAOS": _l("AAOS OrthoInfo: quadriceps and patellar tendon tears"),
}

HEAT_QUESTIONS = {
    "three_days": _l("Have at least 3 days passed since the injury or since the pain began?"),
    "skin_hot": _l("Is the skin over the knee hot to the touch?"),
    "fever": _l("Do you have a fever or chills?"),
    "worse": _l("Is the knee getting worse?"),
}

HEAT_REASONS = {
    "three_days": _l("Less than 3 days have passed: heat can increase swelling."),
    "skin_hot": _l("The skin is hot: a sign of inflammation, which heat makes worse."),
    "fever": _l("A fever can mean an infection, and heat makes it worse. See a doctor today if the knee is "
                "also hot, red or swollen."),
    "worse": _l("The knee is getting worse: see a doctor rather than warming it."),
}


def reviewed():
    return date.fromisoformat(current_app.config["CONTENT_REVIEWED"])


@bp.app_context_processor
def source_list():
    """What _sources.html needs on any page that names its sources."""
    return {"source_titles": SOURCE_TITLES, "source_details": SOURCES, "reviewed": reviewed()}



@bp.route("/")
@rendered_once
def home():
    return render_template("guide/home.html")


@bp.route("/about")
@rendered_once
def about():
    return render_template("guide/about.html", sources=list(SOURCES), htmx_version=HTMX_VERSION)


@bp.route("/doctor")
@rendered_once
def doctor():
    rules_by_tier = {tier: [rule for rule in triage.RULES if rule["tier"] == tier] for tier in triage.TIERS}
    return render_template(
        "guide/doctor.html", sources=["001", "NHS", "Ottawa", "AAOS"], tiers=triage.TIERS,
        rules_by_tier=rules_by_tier, tier_headlines=triage.TIER_HEADLINES, rule_signs=triage.RULE_SIGNS,
        tier_labels=triage.TIER_LABELS, tier_icons=triage.TIER_ICONS,
    )


def heat_verdict(answers):
    """None until every question is answered; else ("warm", []) or ("cold", reasons)."""
    needs = triage.TRIAGE["heat"]["warmingNeeds"]
    if any(answers.get(question) not in ("yes", "no") for question in needs):
        return None, []
    against = [question for question, needed in needs.items() if answers[question] != needed]
    return ("cold" if against else "warm"), against


def doctor_today(answers):
    """A fever with a hot knee: see a doctor today (rule U8), whatever else is answered."""
    return all(answers.get(question) == answer
               for question, answer in triage.TRIAGE["heat"]["doctorTodayWhen"].items())


@bp.route("/heat")
@rendered_once
def heat():
    answers = {question: request.args.get(question) for question in HEAT_QUESTIONS}
    verdict, against = heat_verdict(answers)
    return render_template(
        "guide/heat.html", sources=["001", "NHS"], questions=HEAT_QUESTIONS, reasons=HEAT_REASONS,
        answers=answers, verdict=verdict, against=against, doctor_today=doctor_today(answers),
        heat_rules=triage.TRIAGE["heat"],
    )


@bp.route("/causes")
@rendered_once
def causes():
    return render_template("guide/causes.html", sources=["001", "000"])


@bp.route("/prevent")
@rendered_once
def prevent():
    return render_template("guide/prevent.html", sources=["001", "000"])


@bp.route("/offline")
@rendered_once
def offline():
    """What the service worker shows for a page this device has not saved."""
    return render_template("guide/offline.html")


@bp.app_template_filter("lower_first")
def lower_first(text):
    """"The knee is swollen" -> "the knee is swollen", to use inside a sentence."""
    text = str(text)
    return text[:1].lower() + text[1:]
