"""The alarm API (same-origin writes, as the diary's):

* ``GET /api/push/key``: {"publicKey"}, the key browsers subscribe with;
* ``POST /api/timer/alarms``: {subscription, at, kind, lang} -> 201 {"id"};
* ``DELETE /api/timer/alarms/<id>``: 204 (pause, stop, skip, a changed plan).
"""

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_timezone

from ..extensions import limiter
from ..i18n.languages import LANGUAGES
from ..speed.contract import personal, revalidate
from ..storage.atomic_files import StorageUnavailable
from ..web.api import json_body, json_error, require_same_origin
from .keys import application_server_key
from .messages import message
from .queue import Limits, TooManyAlarms, is_alarm_id
from .validation import BadAlarm, parse_alarm

api = Blueprint("alarms_api", __name__)


def alarms():
    """This app's alarm parts: {"queue", "key", "services", "sender" (None when this process sends none)}."""
    return current_app.extensions["kneeaid.alarms"]


def no_key():
    return json_error(
        "push alarms are off on this server: it cannot keep its key (the timer still rings on the phone)",
        503,
        [("Retry-After", "300")],
    )


def alarms_per_minute():
    return f"{current_app.config['ALARM_REQUESTS_PER_MINUTE']} per minute"


@api.route("/api/push/key")
@revalidate
def push_key():
    try:
        return jsonify(publicKey=application_server_key(alarms()["key"].get()))
    except OSError:
        return no_key()


@api.route("/api/timer/alarms", methods=["POST"])
@personal
@limiter.limit(alarms_per_minute, error_message="too many alarm requests from this address: wait a minute")
def schedule():
    require_same_origin()
    body, error = json_body()
    if error:
        return error
    try:
        alarm = parse_alarm(body, datetime.now(UTC), LANGUAGES, alarms()["services"])
    except BadAlarm as problem:
        return json_error(problem, 400)
    record = {
        "subscription": alarm["subscription"],
        "due": alarm["at"].timestamp(),
        "message": message(alarm["kind"], alarm["at"], alarm["lang"], get_timezone()),
    }
    try:
        alarms()["key"].get()  # the key that will sign it exists before the alarm is promised
    except OSError:
        return no_key()
    limits = alarm_limits()
    try:
        alarm_id = alarms()["queue"].add(
            record, record["due"], limits.per_subscriber, client=request.remote_addr or "", limits=limits
        )
    except TooManyAlarms as beyond:
        return too_many(beyond.which, limits)
    except StorageUnavailable:
        return json_error(
            "the alarm cannot be saved on the server right now: the timer still rings on the phone",
            503,
            [("Retry-After", "60")],
        )
    if alarms()["sender"] is not None:
        alarms()["sender"].wake()
    response = jsonify(id=alarm_id, at=alarm["at"].isoformat())
    response.status_code = 201
    response.headers["Location"] = url_for("alarms_api.cancel", alarm_id=alarm_id)
    return response


def alarm_limits():
    config = current_app.config
    return Limits(config["MAX_ALARMS_PER_SUBSCRIPTION"], config["MAX_ALARMS_PER_ADDRESS"], config["MAX_ALARMS_WAITING"])


def too_many(which, limits):
    """The answer to an alarm beyond a limit: the subscription's is the phone's to mend (400),
    the address's is a 429, everyone's a 503 (the timer still rings on the phone)."""
    if which == "subscriber":
        return json_error(
            f"this subscription already has {limits.per_subscriber} waiting alarms: cancel one first", 400
        )
    if which == "client":
        return json_error(
            f"this address already has {limits.per_client} waiting alarms: wait for some to be sent",
            429,
            [("Retry-After", "300")],
        )
    return json_error(
        "the server is holding as many alarms as it can: the timer still rings on the phone",
        503,
        [("Retry-After", "300")],
    )


@api.route("/api/timer/alarms/<alarm_id>", methods=["DELETE"])
@personal
def cancel(alarm_id):
    require_same_origin()
    if not is_alarm_id(alarm_id):
        return json_error("no such alarm: an id is 32 hexadecimal digits", 404)
    try:
        alarms()["queue"].cancel(alarm_id)  # sent or cancelled already: gone all the same
    except StorageUnavailable:
        return json_error("the alarm cannot be cancelled on the server right now", 503, [("Retry-After", "60")])
    return "", 204
