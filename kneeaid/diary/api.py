"""``POST /api/diary/sync``: what a phone's outbox sends (static/js/outbox.js)."""

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify

from ..speed.contract import personal
from ..web.api import json_body, json_error, require_same_origin
from .entries import TooMuchInOneRequest, validate_request
from .fields import BadEntry
from .profiles import limit_new_profiles, remember_profile, save

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
