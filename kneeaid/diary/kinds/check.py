"""A saved symptom check: what was ticked, the tier and the rules that fired,
under a rules version (none: version 1). A check of the current version must
be what the rules give now; an older one is kept as it was recorded. One row of
the table of kinds (kinds/__init__.py)."""

from ...check import triage
from ...i18n.plain_text import lazy_gettext as _l
from ..fhir_terms import SURVEY, self_reported
from ..fields import BadEntry, normalise_time

NAME = "check"
LABEL = _l("Symptom check")
REQUIRED = frozenset({"id", "kind", "at", "symptoms", "tier", "rules"})
OPTIONAL = frozenset({"rulesVersion"})
CSV_COLUMNS = ("tier", "symptoms", "rules", "rulesVersion")
MOST_LISTED = 100
EDITABLE = False  # the check's answer is the rules', not the person's to edit


def ids_of(values, known, where, what):
    if not isinstance(values, list) or any(not isinstance(v, str) or v not in known for v in values):
        raise BadEntry(f"{where}: must be a list of {what}", "check")
    if len(set(values)) != len(values):
        raise BadEntry(f"{where}: an id is repeated", "check")
    return values


def validate(entry, where, now):
    """A check of the current rules version must have the tier and rules its
    symptoms give now. A check made under an earlier version (one without
    rulesVersion is version 1) is kept as it was recorded, if its ids are
    ids of that version: an outbox that waited across an update loses nothing."""
    normalise_time(entry, "at", where, now)
    version = entry.get("rulesVersion", 1)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= triage.VERSION:
        raise BadEntry(f"{where}.rulesVersion: must be a rules version from 1 to {triage.VERSION}", "check")
    symptoms = ids_of(
        entry["symptoms"], triage.symptoms_of(version), f"{where}.symptoms", f"symptom ids of rules version {version}"
    )
    if version < triage.VERSION:
        if not isinstance(entry["tier"], str) or entry["tier"] not in triage.TIERS:
            raise BadEntry(f"{where}.tier: must be one of {', '.join(triage.TIERS)}", "check")
        known_rules = [rule["id"] for rule in triage.rules_of(version)]
        ids_of(entry["rules"], known_rules, f"{where}.rules", f"rule ids of rules version {version}")
        return
    result = triage.evaluate(symptoms)
    if result.tier not in triage.TIERS:
        raise BadEntry(f"{where}.symptoms: a check with no answer is not kept", "check")
    if entry["tier"] != result.tier or entry["rules"] != list(result.rules):
        raise BadEntry(f"{where}: tier and rules do not match the symptoms", "check")


def as_noted(entry):
    return entry


def csv_cells(entry):
    """Its own columns of the CSV export (CSV_COLUMNS): ids space-separated, the version always."""
    return {
        "tier": entry["tier"],
        "symptoms": " ".join(entry["symptoms"]),
        "rules": " ".join(entry["rules"]),
        "rulesVersion": entry.get("rulesVersion", 1),
    }


def fhir_resource(entry, subject, base_url, describe):
    """A saved check, as what it is, the app's advice from what the person ticked: its tier as
    the value, KneeAid's rules and their version as the method; its symptoms, rules and rules
    version as components."""
    system = f"{base_url}/CodeSystem"
    words = describe(entry)
    version = entry.get("rulesVersion", 1)
    return {
        "resourceType": "Observation",
        "id": entry["id"],
        "status": "final",
        "category": [SURVEY],
        "code": {
            "coding": [
                {"system": f"{system}/observation", "code": "knee-check", "display": "KneeAid knee symptom check"}
            ]
        },
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "performer": [{"reference": subject}],
        "method": check_method(system, version),
        "note": self_reported(),
        "valueCodeableConcept": {
            "coding": [{"system": f"{system}/tier", "code": entry["tier"], "display": words["tier"]}]
        },
        "component": check_components(system, words, version),
    }


def check_method(system, version):
    """KneeAid's rules of this version: how the advice was made."""
    return {
        "coding": [
            {
                "system": f"{system}/method",
                "code": f"kneeaid-rules-{version}",
                "display": f"KneeAid's knee check rules, version {version}",
            }
        ],
        "text": "The person's answers to KneeAid's symptom check; the advice is the app's, not a finding",
    }


def check_components(system, words, version):
    """The symptoms ticked, the rules that fired and the rules version."""

    def component(part, code, display, value_system):
        return {
            "code": {"coding": [{"system": f"{system}/check-part", "code": part}]},
            "valueCodeableConcept": {
                "coding": [{"system": f"{system}/{value_system}", "code": code, "display": display}]
            },
        }

    return [
        *(component("symptom", symptom, label, "symptom") for symptom, label in words["symptoms"]),
        *(component("rule", rule, reason, "rule") for rule, reason in words["rules"]),
        {"code": {"coding": [{"system": f"{system}/check-part", "code": "rules-version"}]}, "valueInteger": version},
    ]
