"""The knee check's rules (../shared/triage.md), evaluated on the server.

The rules are data in static/data/triage.json, which the offline evaluator in
the browser (static/js/triage.js) reads too: one source of truth.
"""

import json
from dataclasses import dataclass

from . import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "static" / "data" / "triage.json"
TRIAGE = json.loads(RULES_FILE.read_text(encoding="utf-8"))

TIERS = tuple(TRIAGE["tiers"])  # highest first
SYMPTOMS = tuple(symptom for group in TRIAGE["groups"] for symptom in group["symptoms"])
RULES = tuple(TRIAGE["rules"])
MAX_PARAMETERS = TRIAGE["limits"]["maxParameters"]
LOWEST_TIER = TIERS[-1]


@dataclass(frozen=True)
class Result:
    tier: str
    rules: tuple  # ids of the rules that fired, in the order of triage.md
    symptoms: tuple  # the symptom ids understood, in the order of the checklist
    some_not_understood: bool


def holds(condition, ticked):
    """Whether a condition (a symptom id, {"all": [...]} or {"any": [...]}) holds."""
    if isinstance(condition, str):
        return condition in ticked
    if "all" in condition:
        return all(holds(part, ticked) for part in condition["all"])
    return any(holds(part, ticked) for part in condition["any"])


def understood(values):
    """The known symptom ids among the submitted values, and whether any value
    was unknown, empty, repeated or too long (those are ignored)."""
    seen = set()
    for value in values:
        if value in SYMPTOMS and value not in seen:
            seen.add(value)
    return tuple(s for s in SYMPTOMS if s in seen), len(seen) != len(values)


def evaluate(values):
    """Triage the submitted symptom values: the highest tier of the rules that
    fire, or the lowest tier when none does."""
    symptoms, some_not_understood = understood(values)
    ticked = set(symptoms)
    fired = tuple(rule for rule in RULES if holds(rule["when"], ticked))
    tier = min((TIERS.index(rule["tier"]) for rule in fired), default=len(TIERS) - 1)
    return Result(TIERS[tier], tuple(rule["id"] for rule in fired), symptoms, some_not_understood)
