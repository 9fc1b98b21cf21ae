"""A workout of the training log (../shared/training.md): the activity, its
minutes, the knee's worst pain during it and within an hour after it, which
knee, when it ended, the person's note, and when to ask the next morning's
question. The next morning's answer is a pain entry with ``morningOf``. One row
of the table of kinds (kinds/__init__.py); its zone is kneeaid/training/rules.py's."""

import uuid
from datetime import timedelta

from ...i18n.plain_text import lazy_gettext as _l
from ...training.rules import ACTIVITIES, LEAST_MINUTES, MOST_MINUTES
from ...training.words import ACTIVITY_LABELS
from ..fhir_terms import KNEE_SITES, PAIN_SCORE, SURVEY, self_reported
from ..fields import BadEntry, check_knee, check_note, normalise_time, parse_time, whole_number

NAME = "workout"
LABEL = _l("Workout")
REQUIRED = frozenset({"id", "kind", "at", "activity", "minutes", "painDuring", "painAfter", "knee"})
OPTIONAL = frozenset({"note", "updatedAt", "morningAt"})
CSV_COLUMNS = ("activity", "minutes", "painDuring", "painAfter", "knee", "note", "morningAt")
MOST_LISTED = 100
EDITABLE = False  # logged again rather than edited: its zone was read from what was logged

MORNING_AT_MOST = timedelta(days=3)  # as the follow-up's push: at most 3 days ahead


def validate(entry, where, now):
    ended = normalise_time(entry, "at", where, now)
    if not isinstance(entry["activity"], str) or entry["activity"] not in ACTIVITIES:
        raise BadEntry(f"{where}.activity: must be one of {', '.join(ACTIVITIES)}", "activity")
    whole_number(entry["minutes"], f"{where}.minutes", LEAST_MINUTES, MOST_MINUTES, "minutes")
    whole_number(entry["painDuring"], f"{where}.painDuring", 0, 10, "pain")
    whole_number(entry["painAfter"], f"{where}.painAfter", 0, 10, "pain")
    check_knee(entry, where)
    check_note(entry, where)
    if "updatedAt" in entry:
        normalise_time(entry, "updatedAt", where, now)
    if "morningAt" in entry:
        validate_morning_at(entry, ended, where)


def validate_morning_at(entry, ended, where):
    """The morning question's moment: after the workout ended, at most 3 days after."""
    asked = parse_time(entry["morningAt"], f"{where}.morningAt", ended + MORNING_AT_MOST)
    if not ended < asked <= ended + MORNING_AT_MOST:
        raise BadEntry(f"{where}.morningAt: must be after the workout, at most 3 days after", "morning")
    normalise_time(entry, "morningAt", where, ended + MORNING_AT_MOST)


def as_noted(entry):
    return entry


def csv_cells(entry):
    return {column: entry.get(column, "") for column in CSV_COLUMNS}


def fhir_resource(entry, subject, base_url, describe):
    """Three Observations: the workout, of KneeAid's own code (no standard code
    is checked for one), its minutes as the value and the activity as a
    component, grouping the two pain scores (LOINC 72514-3), the worst during it
    and within an hour after it, each said in its note. Its words are the
    export's language (English)."""
    during = score_observation(entry, "during", entry["painDuring"], "The worst pain during a workout.", subject)
    after = score_observation(entry, "after", entry["painAfter"], "The pain within an hour after a workout.", subject)
    workout = {
        **observed(entry, subject),
        "id": entry["id"],
        "code": {
            "coding": [{"system": f"{base_url}/workout", "code": "workout", "display": "Workout"}],
            "text": "Workout",
        },
        "valueQuantity": {
            "value": entry["minutes"],
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min",
        },
        "component": [
            {
                "code": {"coding": [{"system": f"{base_url}/workout", "code": "activity", "display": "Activity"}]},
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": f"{base_url}/activity",
                            "code": entry["activity"],
                            "display": str(ACTIVITY_LABELS[entry["activity"]]),
                        }
                    ]
                },
            }
        ],
        "hasMember": [{"reference": f"urn:uuid:{during['id']}"}, {"reference": f"urn:uuid:{after['id']}"}],
        "note": self_reported(entry.get("note")),
    }
    return [workout, during, after]


def observed(entry, subject):
    """What every Observation of a workout shares: self-reported, by the person, of the knee, when it ended."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [SURVEY],
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "performer": [{"reference": subject}],
        "bodySite": {"coding": [KNEE_SITES[entry["knee"]]]},
    }


def score_observation(entry, moment, score, said, subject):
    """One of a workout's pain scores, with an id of its own made from the workout's."""
    return {
        **observed(entry, subject),
        "id": str(uuid.uuid5(uuid.UUID(entry["id"]), moment)),
        "code": {"coding": [PAIN_SCORE], "text": "Pain score, 0-10"},
        "valueInteger": score,
        "note": self_reported(said),
    }
