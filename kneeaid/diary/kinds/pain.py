"""A pain score, 0-10, for a knee (left, right or both), at a time, with the
person's note; the diary's own form writes it, and so does the follow-up's
answer, marked by ``source``. One row of the table of kinds (kinds/__init__.py)."""

from ...i18n.plain_text import lazy_gettext as _l
from ...training.rules import CHECK_SIGNS
from ...training.words import SIGN_LABELS
from ..fhir_terms import FOLLOW_UP_ANSWER, KNEE_SITES, MORNING_ANSWER, PAIN_SCORE, SURVEY, self_reported
from ..fields import ENTRY_ID, BadEntry, check_knee, check_note, normalise_time, whole_number

NAME = "pain"
LABEL = _l("Pain score")  # what the diary calls one (its script, for one still to be sent)
REQUIRED = frozenset({"id", "kind", "at", "pain", "knee"})
OPTIONAL = frozenset({"note", "updatedAt", "source", "morningOf", "signs"})
CSV_COLUMNS = ("pain", "knee", "note", "source", "morningOf", "signs")  # after id, kind and the times
MOST_LISTED = 300  # in the summary for the doctor: the period's newest
EDITABLE = True  # the diary's form edits a score and its note


# Where a pain score came from, when not the diary's own form: "follow-up", the answer to "How is
# your knee?" two days after first aid. A field, so the note stays the person's own words.
FOLLOW_UP = "follow-up"


SOURCES = (FOLLOW_UP,)


# Before the field, the follow-up wrote its question as the note, in the page's language.
OLD_FOLLOW_UP_NOTES = ("Answer to “How is your knee?”", "Ответ на вопрос „Как ваше колено?“")


def validate(entry, where, now):
    normalise_time(entry, "at", where, now)
    whole_number(entry["pain"], f"{where}.pain", 0, 10, "pain")
    check_knee(entry, where)
    check_note(entry, where)
    if "updatedAt" in entry:
        normalise_time(entry, "updatedAt", where, now)
    if "source" in entry and (not isinstance(entry["source"], str) or entry["source"] not in SOURCES):
        raise BadEntry(f"{where}.source: must be one of {', '.join(SOURCES)}", "shape")
    validate_morning(entry, where)


def validate_morning(entry, where):
    """The next morning's answer about a workout: ``morningOf`` its id, ``signs`` any of
    the three (each once); signs only with morningOf."""
    if "morningOf" in entry and (not isinstance(entry["morningOf"], str) or not ENTRY_ID.fullmatch(entry["morningOf"])):
        raise BadEntry(f"{where}.morningOf: must be a workout's id", "shape")
    signs = entry.get("signs", [])
    if (
        not isinstance(signs, list)
        or any(not isinstance(sign, str) or sign not in CHECK_SIGNS for sign in signs)
        or len(set(signs)) != len(signs)
        or (signs and "morningOf" not in entry)
    ):
        raise BadEntry(
            f"{where}.signs: must be a list of {', '.join(CHECK_SIGNS)}, each once, in a morning answer", "signs"
        )


def as_noted(entry):
    """A pain entry as the person noted it: an old follow-up answer, whose note was the
    question, gets the source field and no note."""
    if entry.get("note") not in OLD_FOLLOW_UP_NOTES:
        return entry
    return {**{key: value for key, value in entry.items() if key != "note"}, "source": FOLLOW_UP}


def csv_cells(entry):
    """Its own columns of the CSV export (CSV_COLUMNS); the signs joined by spaces."""
    return {**{column: entry.get(column, "") for column in CSV_COLUMNS}, "signs": " ".join(entry.get("signs", []))}


def fhir_resource(entry, subject, base_url, describe):
    """An Observation: LOINC 72514-3, the knee as a pre-coordinated SNOMED CT site."""
    return {
        "resourceType": "Observation",
        "id": entry["id"],
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_SCORE], "text": "Pain score, 0-10"},
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "performer": [{"reference": subject}],
        "valueInteger": entry["pain"],
        "bodySite": {
            "coding": [KNEE_SITES[entry["knee"]]],
            "text": "both knees" if entry["knee"] == "both" else f"{entry['knee']} knee",
        },
        "note": self_reported(
            entry.get("note"), entry.get("source") == FOLLOW_UP and FOLLOW_UP_ANSWER, morning_answer(entry)
        ),
    }


def morning_answer(entry):
    """What a FHIR reader is told of a morning answer: the question it answers, and its signs."""
    if "morningOf" not in entry:
        return None
    signs = [str(SIGN_LABELS[sign]) for sign in entry.get("signs", [])]
    return MORNING_ANSWER + (f" Signs: {'; '.join(signs)}." if signs else "")
