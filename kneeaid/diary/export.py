"""The whole diary to take away: JSON, and CSV for spreadsheets."""

import csv
import io

from flask import Blueprint, current_app, jsonify

from ..http import personal
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
