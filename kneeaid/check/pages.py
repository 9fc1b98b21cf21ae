"""The symptom check and its four-tier result (docs/medical-rules.md).

The result page is one template for every answer: it holds every tier's advice,
every rule's reason and every first-aid text, and shows the ones that apply.
The server decides here (each request fills in the holes of the page's
skeleton, kneeaid/speed/skeleton.py); offline, static/js/triage.js decides in the browser
from the same rules file and shows the same parts.
"""

from flask import Blueprint, abort, request, url_for
from markupsafe import Markup

from ..i18n.languages import query_string
from ..i18n.plain_text import lazy_gettext as _l
from ..speed.contract import shared
from ..speed.skeleton import hole, render_filled
from ..web.fragments import page_or_fragment
from . import sources, triage

bp = Blueprint("check", __name__)


def accepted(query):
    """Whether the check answers a query: at most 100 parameters."""
    return len(list(query.items(multi=True))) <= triage.MAX_PARAMETERS


def refuse_unless_accepted():
    if not accepted(request.args):
        abort(400, description=_l("Too many answers in one request: at most 100."))


def answers_of(query):
    """A query's answers: the values ticked and their result."""
    values = query.getlist("s")
    return set(values), triage.evaluate(values)


EMPTY, HIDDEN, CHECKED = Markup(""), Markup(" hidden"), Markup(" checked")

# Each part of the result page that only some answers show, and when it shows.
SHOWN = {
    "tier": lambda result, tier: result.tier == tier,
    "tiers": lambda result, *tiers: result.tier in tiers,
    "answered": lambda result: result.tier != triage.UNANSWERED,
    "first_aid_box": lambda result: bool(result.first_aid),
    "first_aid": lambda result, item: item in result.first_aid,
    "no_rules": lambda result: not result.rules,
    "rule": lambda result, rule: rule in result.rules,
    "symptom": lambda result, symptom: symptom in result.symptoms,
    "not_understood": lambda result: result.some_not_understood,
}


# The template helpers that depend on the answers: holes in the pages' skeletons.


@hole(answers_of)
def hidden_unless(answered, part, *ids):
    """' hidden' for a part of the result that these answers do not show."""
    return EMPTY if SHOWN[part](answered[1], *ids) else HIDDEN


@hole(answers_of)
def checked_if(answered, symptom):
    return CHECKED if symptom in answered[0] else EMPTY


@hole(answers_of)
def answered_tier(answered):
    return answered[1].tier


@hole(answers_of)
def fired_rules(answered):
    return " ".join(answered[1].rules)


@hole(answers_of)
def with_answers(answered, address):
    return address + query_string(("s", symptom) for symptom in answered[1].symptoms)


def change_answers_url():
    return with_answers(url_for("check.page"))


def _content():
    """What the check's templates are given: the same for every set of answers."""
    return {
        "hidden_unless": hidden_unless,
        "checked_if": checked_if,
        "answered_tier": answered_tier,
        "fired_rules": fired_rules,
        "change_answers_url": change_answers_url,
        "groups": triage.TRIAGE["groups"],
        "group_titles": triage.GROUP_TITLES,
        "symptom_labels": triage.SYMPTOM_LABELS,
        "rules": triage.RULES,
        "rule_reasons": triage.RULE_REASONS,
        "sources": triage.CHECK_SOURCES,
        "source_details": sources.SOURCES,
        "tiers": (*triage.TIERS, triage.UNANSWERED),
        "tier_headlines": triage.TIER_HEADLINES,
        "tier_labels": triage.TIER_LABELS,
        "tier_icons": triage.TIER_ICONS,
        "first_aid": triage.FIRST_AID,
        "first_aid_texts": triage.FIRST_AID_TEXTS,
        "rules_version": triage.VERSION,
    }


@bp.route("/check")
@shared
def page():
    refuse_unless_accepted()
    return render_filled("check/page.html", accepts=accepted, **_content())


@bp.route("/check/result")
@shared
def result():
    """The whole result page, or for the live preview (htmx) its fragment."""
    refuse_unless_accepted()
    return page_or_fragment(
        "check/result.html", "check/_result.html", render=render_filled, accepts=accepted, **_content()
    )
