"""The symptom check and its four-tier result (docs/medical-rules.md).

The result page is one template for every answer: it holds every tier's advice,
every rule's reason and every first-aid text, and shows the ones that apply.
The server decides here; offline, static/js/triage.js decides in the browser
from the same rules file and shows the same parts.
"""

from flask import Blueprint, abort, render_template, request

from . import sources, triage
from .http import page_or_fragment, rendered_once
from .texts import lazy_gettext as _l

bp = Blueprint("check", __name__)


def submitted_symptoms():
    """The ``s`` values of the request; more than 100 parameters is refused."""
    if len(list(request.args.items(multi=True))) > triage.MAX_PARAMETERS:
        abort(400, description=_l("Too many answers in one request: at most 100."))
    return request.args.getlist("s")


def _content(values):
    return {
        "result": triage.evaluate(values),
        "ticked": set(values),
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
@rendered_once
def page():
    return render_template("check/page.html", **_content(submitted_symptoms()))


@bp.route("/check/result")
@rendered_once
def result():
    """The whole result page, or for the live preview (htmx) its fragment."""
    return page_or_fragment("check/result.html", "check/_result.html", **_content(submitted_symptoms()))
