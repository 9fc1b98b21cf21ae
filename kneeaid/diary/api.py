"""``POST /api/diary/sync``: what a phone's outbox sends (static/js/outbox.js); ``GET
/api/diary/recent``: the server's copy of the last weeks, for a phone that did not note them
itself (one joined with a recovery code: static/js/knee-log.js)."""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, jsonify

from ..speed.contract import personal
from ..web.api import json_body, json_error, require_same_origin
from .entries import TooMuchInOneRequest, validate_request
from .fields import BadEntry
from .history import moment_of
from .profiles import current_profile, limit_new_profiles, remember_profile, save, store
from .report import months_of_period

api = Blueprint("diary_api", __name__)


@api.route("/api/diary/sync", methods=["POST"])
@personal
@limit_new_profiles
def sync():
    """Store every valid entry a device sends and name each one refused:
    {"acknowledged": [ids now safe], "rejected": [{"id", "error"}]}. Sending the
    same entry twice stores it once; the device drops what was answered."""
    require_same_origin()
    body, error = json_body()
    if error:
        return error
    try:
        entries, deleted, rejected = validate_request(body, datetime.now(UTC))
    except TooMuchInOneRequest as problem:
        return json_error(problem, 413)
    except BadEntry as problem:
        return json_error(problem, 400)
    if not entries and not deleted:
        return jsonify(acknowledged=[], rejected=rejected)  # nothing to store: no diary made for it
    acknowledged, full, profile_id, created = save(entries, deleted)
    limit = current_app.config["MAX_ENTRIES_PER_PROFILE"]
    rejected += [
        {
            "id": entry_id,
            "error": f"the diary is full ({limit} entries): delete old entries to add new ones",
            "code": "full",
        }
        for entry_id in full
    ]
    response = jsonify(acknowledged=acknowledged, rejected=rejected)
    return remember_profile(response, profile_id) if created else response


RECENT = timedelta(days=35)  # what knee-log.js keeps: 14 days of answers and the weeks before them
RECENT_KINDS = ("workout", "pain", "check", "doctor_visit")  # what "Can I train today?" reads


@api.route("/api/diary/recent")
@personal
def recent():
    """{"entries": [...]}: this browser's diary entries of the last 35 days that the training
    log reads (none without a diary), from the few stored months that can hold them."""
    profile_id, now = current_profile(), datetime.now(UTC)
    if profile_id is None:
        return jsonify(entries=[])
    entries = store().entries_in(profile_id, months_of_period(now - RECENT, now))
    return jsonify(entries=[e for e in entries if e["kind"] in RECENT_KINDS and now - moment_of(e) <= RECENT])
