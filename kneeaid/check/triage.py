"""The knee check's rules (docs/medical-rules.md), evaluated on the server,
and the words that go with them.

The rules are data in static/data/triage.json, which the offline evaluator in
the browser (static/js/triage.js) reads too: one source of truth. The labels,
reasons and first-aid texts live here, beside the data they name, so every
page that shows a symptom or a rule takes its words from one place.
"""

import json
from dataclasses import dataclass

from ..extensions import PROJECT_ROOT
from ..i18n.plain_text import lazy_gettext as _l

RULES_FILE = PROJECT_ROOT / "static" / "data" / "triage.json"
TRIAGE = json.loads(RULES_FILE.read_text(encoding="utf-8"))

VERSION = TRIAGE["version"]
TIERS = tuple(TRIAGE["tiers"])  # highest first
UNANSWERED = TRIAGE["unanswered"]  # no answer yet: no tier at all
NONE = TRIAGE["none"]  # "None of these"
ALL_SYMPTOMS = tuple(symptom for group in TRIAGE["groups"] for symptom in group["symptoms"])
ALL_RULES = tuple(TRIAGE["rules"])  # retired ones included, for old diary entries
MAX_PARAMETERS = TRIAGE["limits"]["maxParameters"]
FIRST_AID = tuple(TRIAGE["firstAid"]["items"])


def symptoms_of(version):
    """The symptom ids a check of this rules version could hold."""
    since = TRIAGE["symptomsSince"]
    return tuple(s for s in ALL_SYMPTOMS if since.get(s, 1) <= version)


def rules_of(version):
    """The rules evaluated under this rules version."""
    return tuple(
        rule for rule in ALL_RULES if rule["since"] <= version and version < rule.get("retiredIn", VERSION + 1)
    )


SYMPTOMS = symptoms_of(VERSION)
RULES = rules_of(VERSION)
RULE_BY_ID = {rule["id"]: rule for rule in ALL_RULES}


@dataclass(frozen=True)
class Result:
    tier: str  # one of TIERS, or UNANSWERED
    rules: tuple  # ids of the rules that fired, in the order of the rules file
    symptoms: tuple  # the symptom ids understood, in the order of the checklist
    some_not_understood: bool
    first_aid: tuple = ()  # ids of FIRST_AID items to show


def holds(condition, ticked):
    """Whether a condition (a symptom id, {"all": [...]} or {"any": [...]}) holds."""
    if isinstance(condition, str):
        return condition in ticked
    if "all" in condition:
        return all(holds(part, ticked) for part in condition["all"])
    return any(holds(part, ticked) for part in condition["any"])


def understood(values):
    """The known symptom ids among the submitted values, and whether any value
    was unknown, empty, repeated or too long (those are ignored). "None of
    these" counts only when nothing else is ticked."""
    seen = {value for value in values if value in SYMPTOMS}
    some_not_understood = len(seen) != len(values)
    if len(seen) > 1:
        seen.discard(NONE)
    return tuple(s for s in SYMPTOMS if s in seen), some_not_understood


def first_aid(tier, fired):
    """The first-aid items for this tier and these fired rule ids: the limits
    of the rules that fired, else the tier's usual first aid; and those that
    the tier always shows ("no heat, no training" for urgent and doctor)."""
    limits = {item["id"] for item in FIRST_AID if set(item.get("rules", ())) & set(fired)}
    chosen = limits or {item["id"] for item in FIRST_AID if tier in item.get("otherwise", ())}
    return tuple(item["id"] for item in FIRST_AID if item["id"] in chosen or tier in item.get("always", ()))


def evaluate(values):
    """Triage the submitted symptom values: the highest tier of the rules that
    fire, self-care when none does, and no tier at all before any answer."""
    symptoms, some_not_understood = understood(values)
    if not symptoms:
        return Result(UNANSWERED, (), (), some_not_understood)
    ticked = set(symptoms)
    fired = tuple(rule["id"] for rule in RULES if holds(rule["when"], ticked))
    tier = min((TIERS.index(RULE_BY_ID[rule]["tier"]) for rule in fired), default=len(TIERS) - 1)
    return Result(TIERS[tier], fired, symptoms, some_not_understood, first_aid(TIERS[tier], fired))


# The words ------------------------------------------------------------------

GROUP_TITLES = {
    "danger": _l("Danger signs: call an ambulance if any of these is true"),
    "happened": _l("What happened"),
    "now": _l("Right now"),
    "course": _l("How the pain has changed"),
    "person": _l("About the person in pain"),
    "nothing": _l("If nothing on the list is true"),
}

SYMPTOM_LABELS = {
    "deformity": _l("The knee or leg suddenly looks out of shape: bent wrongly, or the kneecap out of place"),
    "cold_foot": _l("The foot or shin below the knee is cold, pale or bluish"),
    "breathless": _l("Sudden shortness of breath or chest pain"),
    "injury": _l("The pain began after an injury: a fall, a blow, a sharp twist of the knee"),
    "pop": _l("At the moment of injury you heard or felt a pop or snap in the knee"),
    "open_wound": _l("There is an open wound or a deep cut over the knee"),
    "first_time_load": _l("It started after an unusually hard or new workout (first run, new exercise)"),
    "cannot_bear_weight": _l("You cannot put weight on the leg or take 4 steps, even limping"),
    "cannot_lift_leg": _l("Lying down, you cannot lift the straightened leg off the bed"),
    "cannot_bend_90": _l("You cannot bend the knee to a right angle"),
    "locked": _l("The knee is stuck: it will not straighten or bend"),
    "gives_way": _l("The knee gives way or feels unstable"),
    "numbness": _l("Numbness or tingling in the shin or foot"),
    "severe_pain": _l("The pain is severe, even at rest"),
    "rapid_swelling": _l("The knee swelled within 1-2 hours of the injury"),
    "swelling": _l("The knee is a little swollen"),
    "bad_swelling": _l("The knee is badly swollen: clearly bigger than the other knee"),
    "redness": _l("The skin over the knee is red"),
    "hot": _l("The skin over the knee is hot to the touch"),
    "fever": _l("A raised temperature or chills"),
    "calf": _l("The calf is painful, swollen or warm, or the leg is swollen below the knee"),
    "kneecap_tender": _l("Pressing on the kneecap hurts"),
    "fibula_tender": _l("Pressing on the bony bump on the outer side just below the knee hurts"),
    "crunch_pain": _l("Clicking or crunching in the knee that hurts"),
    "pain_over_2_days": _l("The pain has lasted more than 2 days"),
    "after_every_workout": _l("The knee hurts after every workout"),
    "worsening": _l("The pain gets worse from workout to workout"),
    "night_or_rest_pain": _l("Pain at night or at rest"),
    "morning_stiffness": _l("Stiffness in the morning after sleep"),
    "both_knees": _l("Both knees are affected the same way"),
    "age_55_plus": _l("55 years or older"),
    "child": _l("A child or teenager (under 16)"),
    "none": _l("None of these"),
}

# A label whose words changed with a rules version: a check saved before that
# version shows what the person ticked then ("swollen" meant any swelling
# before version 3 added "badly swollen"). symptom: (the version that changed it, the words before)
LABELS_BEFORE = {"swelling": (3, _l("The knee is swollen"))}


def symptom_label(symptom, version):
    """The label of a symptom as a check of this rules version showed it."""
    changed_in, before = LABELS_BEFORE.get(symptom, (None, None))
    return before if changed_in and version < changed_in else SYMPTOM_LABELS[symptom]


RULE_REASONS = {
    "E1": _l("The knee may be broken or out of its joint."),
    "E4": _l("Blood may not be getting through to the foot."),
    "E5": _l("A blood clot may have reached the lungs."),
    "U1": _l("A torn piece of meniscus can jam the joint."),
    "U3": _l(
        "After an injury, these signs mean an X-ray may be needed today (the Ottawa Knee Rules, "
        "as you checked them yourself)."
    ),
    "U4": _l("A ligament or meniscus may be torn."),
    "U5": _l("Severe pain needs a doctor's examination today."),
    "U6": _l("A knee that cannot take your weight must be examined today."),
    "U8": _l("A hot, swollen knee can be an infected joint or gout, even without fever."),
    "U9": _l("A child with an injured knee or with fever must see a doctor today."),
    "U10": _l("Pain or swelling in the calf can be a blood clot (deep vein thrombosis)."),
    "U11": _l("A wound over the knee can reach the joint: it needs cleaning and perhaps stitches."),
    "U12": _l("Numbness after an injury can mean a damaged nerve."),
    "U13": _l("The tendon that straightens the knee may be torn."),
    "U14": _l("A knee that gives way can have a torn ligament or meniscus: it should be examined today."),
    "U15": _l("Clicking or crunching that hurts can mean a torn meniscus or damaged cartilage."),
    "U16": _l("A badly swollen knee can mean bleeding into the joint, a torn ligament or an infection."),
    "U17": _l("A temperature with knee pain can be an infected joint: see a doctor today."),
    "U18": _l("A red, hot knee can be an infected joint or bursa: see a doctor today."),
    "D1": _l("Knee pain that lasts more than 2 days should be examined by a doctor."),
    "D3": _l("Swelling after training can mean an injury, arthritis or inflammation."),
    "D4": _l(
        "A red or hot knee can be a sign of inflammation, for example bursitis (a swollen fluid sac): "
        "do not treat it yourself. See a doctor today if the redness spreads, you feel unwell or you "
        "have a temperature."
    ),
    "D7": _l("Pain at rest is not ordinary training soreness."),
    "D8": _l("Regular or growing pain: training through pain does harm."),
    "D9": _l("A child's knee pain should be examined, not treated at home."),
    "D10": _l("Any injury to the joint needs a doctor's examination."),
    "D11": _l("A knee that will not bend or is tender on the bone needs an examination."),
    "D13": _l("Morning stiffness, or both knees swollen or hurting for days, can be a sign of arthritis."),
    "D14": _l("Numbness or tingling in the leg can come from a nerve at the knee, hip or back."),
    # Retired in version 2: shown only for diary entries saved under version 1.
    "E2": _l("Possible nerve or blood-vessel damage."),
    "E3": _l("An X-ray is needed now."),
    "U2": _l("Possible joint infection."),
    "U7": _l("An injured child's knee must be examined by a doctor."),
    "D6": _l("Morning stiffness or both knees hurting can be a sign of arthritis."),
    # Retired in version 3: shown only for diary entries saved under version 1 or 2.
    "D2": _l("A knee that gives way may have a torn ligament."),
    "D5": _l("Painful crunching can mean damaged cartilage."),
    # Retired in version 4 (a temperature is now urgent, U17): shown only for diary entries saved before.
    "D12": _l("A temperature with knee pain can mean an infection: tell a doctor."),
}

# One plain sentence per sign, for the "when to see a doctor" guide.
RULE_SIGNS = {
    "E1": _l("The knee or leg suddenly looks out of shape, or the kneecap is out of place."),
    "E4": _l("The foot or shin below the knee is cold, pale or bluish."),
    "E5": _l("You suddenly feel short of breath or have chest pain."),
    "U1": _l("The knee is stuck: it will not straighten or bend."),
    "U3": _l(
        "After an injury, any one of these: you are 55 or older; you cannot bend the knee to a right angle "
        "or stand on it; pressing on the kneecap, or on the bony bump below the knee on the outer side, hurts."
    ),
    "U4": _l("You heard or felt a pop when you hurt the knee, or it swelled within 1-2 hours."),
    "U5": _l("The pain is severe, even at rest."),
    "U6": _l("You cannot put weight on the leg or take 4 steps."),
    "U8": _l("The knee is hot and swollen, or you have a fever and the knee is hot, red or swollen."),
    "U9": _l("A child or teenager has hurt the knee, or has a fever with knee pain."),
    "U10": _l("The calf is painful, swollen or warm, or the leg is swollen below the knee."),
    "U11": _l("There is an open wound or a deep cut over the knee."),
    "U12": _l("The shin or foot is numb or tingling after an injury."),
    "U13": _l("Lying down, you cannot lift the straightened leg."),
    "U14": _l("The knee gives way or feels unstable."),
    "U15": _l("The knee crunches or clicks, and it hurts."),
    "U16": _l("The knee is badly swollen: clearly bigger than the other knee."),
    "U17": _l("You have a raised temperature or chills."),
    "U18": _l("The skin over the knee is both red and hot."),
    "D1": _l("The knee has hurt for more than 2 days."),
    "D3": _l("The knee is swollen."),
    "D4": _l("The skin over the knee is red or hot."),
    "D7": _l("The knee hurts at night or at rest."),
    "D8": _l("The knee hurts after every workout, or more each time."),
    "D9": _l("A child or teenager has knee pain."),
    "D10": _l("The pain began after an injury."),
    "D11": _l("You cannot bend the knee to a right angle, or pressing on the bone hurts."),
    "D13": _l("The knee is stiff in the morning, or both knees are swollen or have hurt for days."),
    "D14": _l("The shin or foot is numb or tingling."),
}

FIRST_AID_TEXTS = {
    "keep_still": _l(
        "Do not move or straighten the leg: support it as it lies, with rolled clothes or a pillow. "
        "Do not raise it. Do not walk on it."
    ),
    "no_ice_cold_foot": _l("No ice, and do not raise the leg. Keep it still and warm enough."),
    "sit_upright": _l("Sit upright and keep still. Do not walk about."),
    "dress_wound": _l("Cover the wound with a clean dressing. No ice on the wound."),
    "no_calf_massage": _l("Do not massage the calf."),
    "no_ice_numb": _l("No ice on skin that cannot feel heat or cold."),
    "until_seen": _l("Until then: an ice pack wrapped in a towel for 10-15 minutes, then the leg raised."),
    "no_heat_no_training": _l("No heat, no training until a doctor has seen the knee."),
    "while_waiting": _l("While you wait: keep the leg still. An ice pack wrapped in a towel may ease the pain."),
}


def sources_of(items):
    """The source keys that rules or first-aid items name, each once, in their order."""
    return tuple(dict.fromkeys(source for item in items for source in item["sources"]))


# The sources of the check and its result: those of every rule and first-aid text it can show.
CHECK_SOURCES = sources_of((*RULES, *FIRST_AID))

# The care card's label, above its headline: the words say the tier, not the colour alone.
TIER_LABELS = {
    "emergency": _l("Emergency"),
    "urgent": _l("Urgent: today"),
    "doctor": _l("Not urgent: within days"),
    "selfcare": _l("Self-care"),
    "unanswered": _l("No answer yet"),
}
TIER_ICONS = {
    "emergency": "emergency",
    "urgent": "urgent",
    "doctor": "calendar",
    "selfcare": "selfcare",
    "unanswered": "check",
}

# The advice as the doctor's record reports it, never as an order to the reader
# (diary/summary.html: "KneeAid advised: see a doctor today.").
TIER_ADVISED = {
    "emergency": _l("call an ambulance"),
    "urgent": _l("see a doctor today"),
    "doctor": _l("see a doctor within a few days"),
    "selfcare": _l("first aid at home"),
}
TIER_HEADLINES = {
    "emergency": _l("Call an ambulance now"),
    "urgent": _l("See a doctor today"),
    "doctor": _l("Book a doctor in the next few days"),
    "selfcare": _l("First aid at home is enough for now"),
    "unanswered": _l("Tick what applies"),
}
