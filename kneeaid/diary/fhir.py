"""The diary as a FHIR R4 Bundle of type "collection" (GET /diary/export.fhir.json).

Pure functions of the entries: a Patient with no name (an opaque id), each
pain score an Observation (LOINC 72514-3, the knee as its bodySite), each
first-aid session a Procedure (SNOMED CT 26782000, cryotherapy, when the ice
pack was on), each saved check an Observation of KneeAid's own code system.
The choices are documented in README.md ("The diary's data")."""

import itertools
import json
import uuid

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
PAIN_SCORE = {"system": LOINC, "code": "72514-3",
              "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}
KNEE_REGION = {"system": SNOMED, "code": "72696002", "display": "Knee region structure"}
LATERALITY = {"left": [{"system": SNOMED, "code": "7771000", "display": "Left"}],
              "right": [{"system": SNOMED, "code": "24028007", "display": "Right"}]}
LATERALITY["both"] = LATERALITY["left"] + LATERALITY["right"]  # both knees: both lateralities, one site
CRYOTHERAPY = {"system": SNOMED, "code": "26782000", "display": "Cryotherapy"}
PATIENT_IDS = uuid.UUID("0e2c6f0e-6a53-4f0e-9d6b-3f7c5f1b2a10")  # namespace: a diary's id never shows


def patient_id(profile_id):
    """An opaque id for the diary's owner, the same on every export, which does not reveal the profile."""
    return str(uuid.uuid5(PATIENT_IDS, profile_id))


def bundle_json(entries, profile_id, base_url, now, describe):
    """The Bundle of these entries (none: an empty collection) as JSON text, in
    pieces: one resource at a time is ever held (a diary of 10,000 checks would
    be a GB as one document). ``base_url`` is the app's address (KneeAid's code
    systems live under it); ``describe`` gives the words for a check:
    describe(entry) -> {tier, symptoms, rules}."""
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
    resources = (RESOURCES[entry["kind"]](entry, subject, base_url, describe)
                 for entry in sorted(entries, key=lambda one: one.get("at") or one["startedAt"]))
    for resource in itertools.chain([{"resourceType": "Patient", "id": patient_id(profile_id)}], resources):
        yield {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def pain_observation(entry, subject, base_url, describe):
    observation = {
        "resourceType": "Observation", "id": entry["id"], "status": "final",
        "code": {"coding": [PAIN_SCORE], "text": "Pain score, 0-10"},
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "valueInteger": entry["pain"],
        "bodySite": {"coding": [KNEE_REGION, *LATERALITY[entry["knee"]]], "text": f"{entry['knee']} knee"},
    }
    if entry.get("note"):
        observation["note"] = [{"text": entry["note"]}]
    return observation


def session_procedure(entry, subject, base_url, describe):
    """A first-aid session: cryotherapy when the ice pack was on, else the leg raised alone."""
    done = ", ".join(f"{name} {round(entry[phase]['actualSeconds'] / 60)} min"
                     for phase, name in (("cold", "ice pack"), ("elevation", "leg raised")) if entry.get(phase))
    outcome = "as planned" if entry["outcome"] == "completed" else "stopped early"
    code = ({"coding": [CRYOTHERAPY], "text": "Ice pack, then the leg raised"} if entry.get("cold")
            else {"text": "Leg raised (no ice pack)"})
    return {
        "resourceType": "Procedure", "id": entry["id"], "status": "completed",
        "code": code,
        "subject": {"reference": subject},
        "performedPeriod": {"start": entry["startedAt"], "end": entry["endedAt"]},
        "note": [{"text": f"{done or 'nothing timed'}; {outcome}"}],
    }


def check_observation(entry, subject, base_url, describe):
    """A saved check: its tier as the value; its symptoms, rules and rules version as components."""
    system = f"{base_url}/fhir/CodeSystem"
    words = describe(entry)

    def component(part, code, display, value_system):
        return {"code": {"coding": [{"system": f"{system}/check-part", "code": part}]},
                "valueCodeableConcept": {"coding": [{"system": f"{system}/{value_system}", "code": code,
                                                     "display": display}]}}

    return {
        "resourceType": "Observation", "id": entry["id"], "status": "final",
        "code": {"coding": [{"system": f"{system}/observation", "code": "knee-check",
                             "display": "KneeAid knee symptom check"}]},
        "subject": {"reference": subject},
        "effectiveDateTime": entry["at"],
        "valueCodeableConcept": {"coding": [{"system": f"{system}/tier", "code": entry["tier"],
                                             "display": words["tier"]}]},
        "component": [
            *(component("symptom", symptom, label, "symptom") for symptom, label in words["symptoms"]),
            *(component("rule", rule, reason, "rule") for rule, reason in words["rules"]),
            {"code": {"coding": [{"system": f"{system}/check-part", "code": "rules-version"}]},
             "valueInteger": entry.get("rulesVersion", 1)},
        ],
    }


RESOURCES = {"pain": pain_observation, "session": session_procedure, "check": check_observation}
