"""The FHIR vocabulary the kinds of entry share (LOINC, SNOMED CT, the survey
category) and the self-reported note every resource carries (docs/fhir.md)."""

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


MORNING_ANSWER = 'The answer to KneeAid\'s morning question after a workout, "How is your knee this morning?".'


CRYOTHERAPY = {"system": SNOMED, "code": "26782000", "display": "Cryotherapy"}


def self_reported(*notes):
    """A resource's notes: the person's own words first, then that it is self-reported."""
    return [*({"text": note} for note in notes if note), {"text": SELF_REPORTED}]
