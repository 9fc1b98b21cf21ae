"""The whole diary to take away: JSON, CSV for spreadsheets, and FHIR (fhir.py)."""

import csv
import io
import json
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale

from .. import triage
from ..http import personal
from . import fhir
from .profiles import current_profile, store

export = Blueprint("diary_export", __name__)

CSV_COLUMNS = ("id", "kind", "at", "startedAt", "endedAt", "pain", "knee", "note", "outcome",
               "coldPlannedMinutes", "coldActualSeconds", "elevationPlannedMinutes",
               "elevationActualSeconds", "tier", "symptoms", "rules", "rulesVersion")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell


def csv_row(entry):
    row = {key: entry.get(key, "") for key in CSV_COLUMNS}
    for phase in ("cold", "elevation"):
        if entry.get(phase):
            row[f"{phase}PlannedMinutes"] = entry[phase]["plannedMinutes"]
            row[f"{phase}ActualSeconds"] = entry[phase]["actualSeconds"]
    row["symptoms"] = " ".join(entry.get("symptoms", []))
    row["rules"] = " ".join(entry.get("rules", []))
    if entry["kind"] == "check":
        row["rulesVersion"] = entry.get("rulesVersion", 1)
    if str(row["note"]).startswith(FORMULA_STARTS):
        row["note"] = "'" + row["note"]
    return row


def my_entries():
    profile_id = current_profile()
    return store().entries(profile_id) if profile_id else []


def as_attachment(response, filename):
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@export.route("/diary/export.json")
@personal
def as_json():
    return as_attachment(jsonify(entries=my_entries()), "kneeaid-diary.json")


@export.route("/diary/export.csv")
@personal
def as_csv():
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for entry in my_entries():
        writer.writerow(csv_row(entry))
    return as_attachment(current_app.response_class(text.getvalue(), mimetype="text/csv"), "kneeaid-diary.csv")


def check_in_words(entry):
    """A saved check's tier, symptoms and reasons in English, as recorded (of its rules version)."""
    version = entry.get("rulesVersion", 1)
    return {
        "tier": str(triage.TIER_HEADLINES[entry["tier"]]),
        "symptoms": [(symptom, str(triage.symptom_label(symptom, version))) for symptom in entry["symptoms"]],
        "rules": [(rule, str(triage.RULE_REASONS[rule])) for rule in entry["rules"]],
    }


@export.route("/diary/export.fhir.json")
@personal
def as_fhir():
    """The diary as a FHIR R4 Bundle; a made-up or unknown profile gets an empty one."""
    with force_locale("en"):  # the codes' display words are English, whatever the page's language
        document = fhir.bundle(my_entries(), current_profile() or "", request.host_url.rstrip("/"),
                               datetime.now(UTC), check_in_words)
    response = current_app.response_class(json.dumps(document, ensure_ascii=False),
                                          mimetype="application/fhir+json")
    return as_attachment(response, "kneeaid-diary.fhir.json")
