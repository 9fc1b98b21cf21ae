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

from .kinds import KINDS, as_noted

PATIENT_IDS = uuid.UUID("0e2c6f0e-6a53-4f0e-9d6b-3f7c5f1b2a10")  # namespace: a diary's id never shows


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


def as_list(resources):
    """A kind's resources: one, or a list (a workout and its scores)."""
    return resources if isinstance(resources, list) else [resources]


def bundle_entries(entries, profile_id, base_url, describe):
    """The Bundle's entries, one at a time: the Patient, then each entry's resource, oldest first."""
    if not entries:
        return
    subject = f"urn:uuid:{patient_id(profile_id)}"
    resources = (
        resource
        for entry in sorted(entries, key=lambda one: one.get("at") or one["startedAt"])
        for resource in as_list(KINDS[entry["kind"]].fhir_resource(as_noted(entry), subject, base_url, describe))
    )
    patient = {
        "resourceType": "Patient",
        "id": patient_id(profile_id),
        "identifier": [{"system": f"{base_url}/patient", "value": patient_id(profile_id)}],
    }
    for resource in itertools.chain([patient], resources):
        yield {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
