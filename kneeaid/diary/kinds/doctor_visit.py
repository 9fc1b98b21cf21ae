""" "I have seen a doctor": noted from a pattern's card of the training log
(../shared/training.md), so that the pattern stops asking; for a knee, or for
no knee in particular. One row of the table of kinds (kinds/__init__.py)."""

from ...i18n.plain_text import lazy_gettext as _l
from ..fhir_terms import KNEE_SITES, SURVEY, self_reported
from ..fields import check_knee, check_note, normalise_time

NAME = "doctor_visit"
LABEL = _l("Seen a doctor")
REQUIRED = frozenset({"id", "kind", "at"})
OPTIONAL = frozenset({"knee", "note"})
CSV_COLUMNS = ("knee", "note")
MOST_LISTED = 50
EDITABLE = False


def validate(entry, where, now):
    normalise_time(entry, "at", where, now)
    if "knee" in entry:
        check_knee(entry, where)
    check_note(entry, where)


def as_noted(entry):
    return entry


def csv_cells(entry):
    return {column: entry.get(column, "") for column in CSV_COLUMNS}


def fhir_resource(entry, subject, base_url, describe):
    """An Observation of KneeAid's own code: the person says they have seen a doctor."""
    resource = {
        "resourceType": "Observation",
        "id": entry["id"],
        "status": "final",
        "category": [SURVEY],
        "code": {
            "coding": [{"system": f"{base_url}/training", "code": "doctor_visit", "display": "Has seen a doctor"}],
            "text": "Has seen a doctor about the knee",
        },
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "performer": [{"reference": subject}],
        "valueBoolean": True,
        "note": self_reported(entry.get("note")),
    }
    if "knee" in entry:
        resource["bodySite"] = {"coding": [KNEE_SITES[entry["knee"]]]}
    return resource
