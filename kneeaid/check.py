"""The symptom check and its four-tier result (../shared/triage.md).

The result page is one template for every answer: it holds every tier's advice
and every rule's reason, and shows the ones that apply. The server decides
here; offline, static/js/check.js decides in the browser from the same rules
file and shows the same parts.
"""

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from . import htmx, triage

bp = Blueprint("check", __name__)

GROUP_TITLES = {
    "happened": _l("What happened"),
    "now": _l("Right now"),
    "course": _l("How it goes"),
    "person": _l("About the person"),
}

SYMPTOM_LABELS = {
    "injury": _l("The pain began with an injury: a fall, a blow, a twist"),
    "pop": _l("At the moment of injury you heard or felt a pop or snap"),
    "first_time_load": _l("It started after an unusually hard or new workout (first run, new exercise)"),
    "cannot_bear_weight": _l("You cannot put weight on the leg or take 4 steps, even limping"),
    "cannot_bend_90": _l("You cannot bend the knee to a right angle"),
    "locked": _l("The knee is locked or jammed: it will not straighten or bend"),
    "gives_way": _l("The knee gives way or feels unstable; the shin shifts"),
    "deformity": _l("The knee or leg has changed shape"),
    "numbness": _l("Numbness, tingling, or a cold or pale foot or shin below the knee"),
    "severe_pain": _l("The pain is severe, even at rest"),
    "rapid_swelling": _l("The knee swelled within 1-2 hours of the injury"),
    "swelling": _l("The knee is swollen"),
    "redness": _l("The skin over the knee is red"),
    "hot": _l("The skin over the knee is hot to the touch"),
    "fever": _l("Fever or chills"),
    "kneecap_tender": _l("Pressing on the kneecap hurts"),
    "fibula_tender": _l("Pressing on the bony bump on the outer side just below the knee hurts"),
    "crunch_pain": _l("Crunching or clicking that comes with pain"),
    "pain_over_2_days": _l("The pain has lasted more than 2 days"),
    "after_every_workout": _l("The knee hurts after every workout"),
    "worsening": _l("The pain gets worse from workout to workout"),
    "night_or_rest_pain": _l("Pain at night or at rest"),
    "morning_stiffness": _l("Stiffness in the morning after sleep"),
    "both_knees": _l("Both knees are affected the same way"),
    "age_55_plus": _l("55 years or older"),
    "child": _l("The person in pain is a child"),
}

RULE_REASONS = {
    "E1": _l("Possible fracture or dislocation."),
    "E2": _l("Possible nerve or blood-vessel damage."),
    "E3": _l("An X-ray is needed now."),
    "U1": _l("A torn meniscus fragment can jam the joint."),
    "U2": _l("Possible joint infection."),
    "U3": _l("An X-ray is needed."),
    "U4": _l("Possible ligament or meniscus tear."),
    "U5": _l("Severe pain needs a doctor's examination."),
    "U6": _l("You cannot walk on the leg."),
    "U7": _l("An injured child's knee must be examined by a doctor."),
    "D1": _l("Pain lasting more than two days is a reason to see an orthopaedist."),
    "D2": _l("Instability suggests ligament damage."),
    "D3": _l("Swelling after training can mean injury, arthritis or inflammation."),
    "D4": _l("Signs of inflammation (bursitis, synovitis): no self-treatment."),
    "D5": _l("Painful crunching can mean cartilage damage."),
    "D6": _l("Signs of arthritis."),
    "D7": _l("Pain at rest is not ordinary training soreness."),
    "D8": _l("Regular or growing pain: training through pain is dangerous."),
    "D9": _l("A child's knee pain should not be treated at home."),
    "D10": _l("Any mechanical damage to the joint needs a doctor's examination."),
    "D11": _l("Pain or limits on bending need an examination."),
    "D12": _l("Fever with knee pain must be described to a doctor."),
}

SOURCE_NAMES = {
    "NHS": _l("NHS"),
    "Ottawa": _l("Ottawa Knee Rules"),
    "001": _l("article “The knees hurt after training”"),
    "000": _l("article “What to do if your knees hurt”"),
}

TIER_HEADLINES = {
    "emergency": _l("Get emergency help now"),
    "urgent": _l("See a doctor today"),
    "doctor": _l("Book a doctor in the next few days"),
    "selfcare": _l("First aid at home is enough for now"),
}


def submitted_symptoms():
    """The ``s`` values of the request; more than 100 parameters is refused."""
    if len(list(request.args.items(multi=True))) > triage.MAX_PARAMETERS:
        abort(400, description=_l("Too many answers in one request: at most 100."))
    return request.args.getlist("s")


def _content():
    return {
        "groups": triage.TRIAGE["groups"],
        "group_titles": GROUP_TITLES,
        "symptom_labels": SYMPTOM_LABELS,
        "rules": triage.RULES,
        "rule_reasons": RULE_REASONS,
        "source_names": SOURCE_NAMES,
        "tiers": triage.TIERS,
        "tier_headlines": TIER_HEADLINES,
    }


@bp.route("/check")
def page():
    result = triage.evaluate(submitted_symptoms())
    return render_template("check.html", result=result, **_content())


@bp.route("/check/result")
def result():
    result = triage.evaluate(submitted_symptoms())
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        return render_template("_check_result.html", result=result, **_content())
    return render_template("check_result.html", result=result, **_content())
