"""A first-aid session of the timer: when it started and ended, how long the
ice pack was on and the leg raised (each null when that phase never ran), and
whether it went as planned or was stopped. One row of the table of kinds
(kinds/__init__.py)."""

from ...i18n.plain_text import lazy_gettext as _l
from ...timer.limits import PHASE_LIMITS
from ..fhir_terms import CRYOTHERAPY, self_reported
from ..fields import BadEntry, normalise_time, whole_number

NAME = "session"
LABEL = _l("First-aid session")
REQUIRED = frozenset({"id", "kind", "startedAt", "endedAt", "outcome", "cold", "elevation"})
OPTIONAL = frozenset()
PHASES = ("cold", "elevation")
CSV_COLUMNS = (
    "outcome",
    "coldPlannedMinutes",
    "coldActualSeconds",
    "elevationPlannedMinutes",
    "elevationActualSeconds",
)
MOST_LISTED = 100
EDITABLE = False  # the timer wrote it; it can be deleted, not edited


OUTCOMES = ("completed", "stopped")


def validate_phase(value, where, phase):
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"plannedMinutes", "actualSeconds"}:
        raise BadEntry(f"{where}: must be null or {{plannedMinutes, actualSeconds}}", "session")
    low, high = PHASE_LIMITS[phase]
    whole_number(value["plannedMinutes"], f"{where}.plannedMinutes", low, high, "session")
    whole_number(value["actualSeconds"], f"{where}.actualSeconds", 0, high * 60, "session")
    return value


def validate(entry, where, now):
    started = normalise_time(entry, "startedAt", where, now)
    if normalise_time(entry, "endedAt", where, now) < started:
        raise BadEntry(f"{where}.endedAt: before startedAt", "session")
    if not isinstance(entry["outcome"], str) or entry["outcome"] not in OUTCOMES:
        raise BadEntry(f"{where}.outcome: must be one of {', '.join(OUTCOMES)}", "session")
    validate_phase(entry["cold"], f"{where}.cold", "cold")
    validate_phase(entry["elevation"], f"{where}.elevation", "elevation")


SESSION_TEXTS = {  # (ice pack, leg raised): what the session did
    (True, True): "Ice pack, then the leg raised",
    (True, False): "Ice pack (the leg not raised)",
    (False, True): "Leg raised (no ice pack)",
    (False, False): "Nothing timed",
}


def as_noted(entry):
    return entry


def csv_cells(entry):
    """Its own columns of the CSV export (CSV_COLUMNS): each phase's minutes planned and seconds done."""
    cells = {column: "" for column in CSV_COLUMNS} | {"outcome": entry["outcome"]}
    for phase in PHASES:
        if entry.get(phase):
            cells[f"{phase}PlannedMinutes"] = entry[phase]["plannedMinutes"]
            cells[f"{phase}ActualSeconds"] = entry[phase]["actualSeconds"]
    return cells


def fhir_resource(entry, subject, base_url, describe):
    """A Procedure: cryotherapy when the ice pack was on, "stopped" when stopped early."""
    """A first-aid session, by what happened: cryotherapy when the ice pack was on; a session
    stopped early is "stopped", and names only the phases it had."""
    done = ", ".join(
        f"{name} {round(entry[phase]['actualSeconds'] / 60)} min"
        for phase, name in (("cold", "ice pack"), ("elevation", "leg raised"))
        if entry.get(phase)
    )
    outcome = "as planned" if entry["outcome"] == "completed" else "stopped early"
    text = SESSION_TEXTS[bool(entry.get("cold")), bool(entry.get("elevation"))]
    return {
        "resourceType": "Procedure",
        "id": entry["id"],
        "status": "completed" if entry["outcome"] == "completed" else "stopped",
        "code": {"coding": [CRYOTHERAPY], "text": text} if entry.get("cold") else {"text": text},
        "subject": {"reference": subject},
        "performedPeriod": {"start": entry["startedAt"], "end": entry["endedAt"]},
        "performer": [{"actor": {"reference": subject}}],
        "note": self_reported(f"{done or 'nothing timed'}; {outcome}"),
    }
