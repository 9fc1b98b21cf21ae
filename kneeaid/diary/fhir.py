"""The diary as a FHIR R4 Bundle of type "collection" (GET /diary/export.fhir.json).

Pure functions of the entries: a Patient with no name (an opaque id and an
identifier under KneeAid's system), each pain score an Observation (LOINC
72514-3, the knee as a pre-coordinated SNOMED CT body site), each first-aid
session a Procedure (SNOMED CT 26782000, cryotherapy, when the ice pack was
on), each saved check an Observation of KneeAid's own code systems whose
method is KneeAid's rules. Everything is the person's own report: the Patient
is its performer, observations are of category "survey", and each carries
SELF_REPORTED. KneeAid's code systems live under one canonical base (the
FHIR_BASE setting), never the address a request came to. The choices are
documented in docs/fhir.md."""

import itertools
import json
import uuid

from .entries import FOLLOW_UP, as_noted

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
PAIN_SCORE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# Pre-coordinated sides: one concept each (a second coding would be an alternative code for the same
# concept, which a receiver may keep alone). Both knees: one score was given for the two, so one site.
KNEE_SITES = {
    "left": {"system": SNOMED, "code": "82169009", "display": "Structure of left knee region"},
    "right": {"system": SNOMED, "code": "6757004", "display": "Structure of right knee region"},
    "both": {"system": SNOMED, "code": "36701003", "display": "Both knees"},
}
SURVEY = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey", "display": "Survey"}
    ]
}
SELF_REPORTED = "Self-reported in the KneeAid app; not a diagnosis."
FOLLOW_UP_ANSWER = 'The answer to KneeAid\'s follow-up question, "How is your knee?", two days after first aid.'
CRYOTHERAPY = {"system": SNOMED, "code": "26782000", "display": "Cryotherapy"}
PATIENT_IDS = uuid.UUID("0e2c6f0e-6a53-4f0e-9d6b-3f7c5f1b2a10")  # namespace: a diary's id never shows


def self_reported(*notes):
    """A resource's notes: the person's own words first, then that it is self-reported."""
    return [*({"text": note} for note in notes if note), {"text": SELF_REPORTED}]


def patient_id(profile_id):
    """An opaque id for the diary's owner, the same on every export, which does not reveal the profile."""
    return str(uuid.uuid5(PATIENT_IDS, profile_id))


def bundle_json(entries, profile_id, base_url, now, describe):
    """The Bundle of these entries (none: an empty collection) as JSON text, in
    pieces: one resource at a time is ever held (a diary of 10,000 checks would
    be a GB as one document). ``base_url`` is KneeAid's canonical FHIR base (its
    code systems live under it, the same whatever address served the export);
    ``describe`` gives the words for a check: describe(entry) -> {tier, symptoms, rules, version}."""
    head = {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "collection", "timestamp": now.isoformat()}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "entry": ['
    for n, entry in enumerate(bundle_entries(entries, profile_id, base_url, describe)):
        yield ("," if n else "") + json.dumps(entry, ensure_ascii=False)
    yield "]}"


def bundle_entries(entries, profile_id, base_url, describe):
    """The Bundle's entries, one at a time: the Patient, then each entry's resource, oldest first."""
    if not entries:
        return
    subject = f"urn:uuid:{patient_id(profile_id)}"
    resources = (
        RESOURCES[entry["kind"]](entry, subject, base_url, describe)
        for entry in sorted(entries, key=lambda one: one.get("at") or one["startedAt"])
    )
    patient = {
        "resourceType": "Patient",
        "id": patient_id(profile_id),
        "identifier": [{"system": f"{base_url}/patient", "value": patient_id(profile_id)}],
    }
    for resource in itertools.chain([patient], resources):
        yield {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def pain_observation(entry, subject, base_url, describe):
    entry = as_noted(entry)
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
        "note": self_reported(entry.get("note"), entry.get("source") == FOLLOW_UP and FOLLOW_UP_ANSWER),
    }


SESSION_TEXTS = {  # (ice pack, leg raised): what the session did
    (True, True): "Ice pack, then the leg raised",
    (True, False): "Ice pack (the leg not raised)",
    (False, True): "Leg raised (no ice pack)",
    (False, False): "Nothing timed",
}


def session_procedure(entry, subject, base_url, describe):
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


def check_observation(entry, subject, base_url, describe):
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


RESOURCES = {"pain": pain_observation, "session": session_procedure, "check": check_observation}
