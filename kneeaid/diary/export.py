"""The whole diary to take away: JSON, CSV for spreadsheets, and FHIR (fhir.py)."""

import csv
import functools
import io
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, stream_with_context
from flask_babel import force_locale

from ..check import triage
from ..extensions import limiter
from ..i18n.plain_text import lazy_gettext as _l
from ..speed.contract import personal
from . import fhir
from .kinds import KINDS, as_noted
from .profiles import current_profile, store

export = Blueprint("diary_export", __name__)

# id and kind, the times, then each kind's own columns (kinds/<kind>.py), in the table's order.
CSV_COLUMNS = tuple(
    dict.fromkeys(("id", "kind", "at", "startedAt", "endedAt", *(c for k in KINDS.values() for c in k.CSV_COLUMNS)))
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell


def csv_row(entry):
    entry = as_noted(entry)
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update({key: entry.get(key, "") for key in ("id", "kind", "at", "startedAt", "endedAt")})
    row.update(KINDS[entry["kind"]].csv_cells(entry))
    # Any text a person wrote, now or in a kind to come, is a cell a spreadsheet must not run.
    return {
        key: "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for key, value in row.items()
    }


def exports_per_minute():
    return f"{current_app.config['EXPORTS_PER_MINUTE']} per minute"


# The three exports read the whole diary: together, at most EXPORTS_PER_MINUTE from one address.
exports_limit = limiter.shared_limit(
    exports_per_minute,
    scope="diary-export",
    error_message=lambda: _l("Too many exports from this address: wait a minute."),
)


def my_entries():
    profile_id = current_profile()
    return store().entries(profile_id) if profile_id else []


def as_attachment(response, filename):
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@export.route("/diary/export.json")
@personal
@exports_limit
def as_json():
    return as_attachment(jsonify(entries=my_entries()), "kneeaid-diary.json")


@export.route("/diary/export.csv")
@personal
@exports_limit
def as_csv():
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for entry in my_entries():
        writer.writerow(csv_row(entry))
    return as_attachment(current_app.response_class(text.getvalue(), mimetype="text/csv"), "kneeaid-diary.csv")


def check_in_words():
    """describe(entry) for fhir.py: a saved check's tier, symptoms and reasons in English, as
    recorded (of its rules version). Each word is translated once per export, not once per check."""
    symptom_label = functools.cache(lambda symptom, version: str(triage.symptom_label(symptom, version)))
    reason = functools.cache(lambda rule: str(triage.RULE_REASONS[rule]))

    def describe(entry):
        version = entry.get("rulesVersion", 1)
        return {
            "tier": str(triage.TIER_HEADLINES[entry["tier"]]),
            "symptoms": [(symptom, symptom_label(symptom, version)) for symptom in entry["symptoms"]],
            "rules": [(rule, reason(rule)) for rule in entry["rules"]],
        }

    return describe


@export.route("/diary/export.fhir.json")
@personal
@exports_limit
def as_fhir():
    """The diary as a FHIR R4 Bundle, streamed; a made-up or unknown profile gets an empty one."""
    # KneeAid's code systems under its one canonical base, never the address this request came to.
    entries, profile_id, base_url = my_entries(), current_profile() or "", current_app.config["FHIR_BASE"].rstrip("/")

    @stream_with_context
    def pieces():
        with force_locale("en"):  # the codes' display words are English, whatever the page's language
            yield from fhir.bundle_json(entries, profile_id, base_url, datetime.now(UTC), check_in_words())

    response = current_app.response_class(pieces(), mimetype="application/fhir+json")
    return as_attachment(response, "kneeaid-diary.fhir.json")
