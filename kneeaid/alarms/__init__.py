"""Alarms pushed from the server (Web Push), so the timer's alarm reaches a
locked phone: the browser subscribes (static/js/push.js), asks for each of the
timer's alarms (api.py), the server keeps them (queue.py) and sends each once
when due (sender.py), signed with its VAPID key (keys.py). What a request may
be is validation.py (pure); what an alarm says, messages.py.
"""

import logging

from .api import api
from .keys import DEVELOPMENT_SUBJECT, ServerKey, check_subject
from .sender import Sender
from .validation import parse_services

__all__ = ["init_app", "start_sending"]

log = logging.getLogger("kneeaid.alarms")


def init_app(app):
    """The key (made on first start), the queue and the allowed push services;
    sending starts only with start_sending (the server process, not the tests)."""
    app.extensions["kneeaid.alarms"] = {
        "queue": app.extensions["kneeaid.alarm_queue"],  # files or PostgreSQL (kneeaid/backends.py)
        "key": ServerKey(app.config["DATA_DIR"], app.config["VAPID_PRIVATE_KEY"]),
        "subject": check_subject(app.config["VAPID_SUBJECT"]),
        "services": parse_services(app.config["PUSH_SERVICES"]),
        "sender": None,
    }
    app.register_blueprint(api)


def start_sending(app):
    """Start this process's sending thread; returns it (stop() ends it)."""
    parts = app.extensions["kneeaid.alarms"]
    if parts["subject"] == DEVELOPMENT_SUBJECT:
        log.warning(
            "KNEEAID_VAPID_SUBJECT is not set: some push services refuse alarms without a real "
            "mailto: or https: address (docs/operations.md, Deploying)"
        )
    parts["sender"] = Sender(parts["queue"], parts["key"], parts["subject"], parts["services"]).start()
    return parts["sender"]
