"""The first-aid timer: an ice pack for 10-15 minutes, then the leg raised
(docs/medical-rules.md, "Cold and elevation"). The page is the same for everyone and works offline;
static/js/timer.js runs it from the wall clock and the state kept on the device.
"""

from flask import Blueprint, render_template

from ..speed.contract import shared
from .limits import COLD_CHOICES, COLD_DEFAULT, ELEVATION_CHOICES, ELEVATION_DEFAULT, LIMITS

bp = Blueprint("timer", __name__)


@bp.app_context_processor
def timer_limits():
    """Every page watches a running timer (static/js/alarm.js): it gets the limits too."""
    return {"timer_limits": LIMITS}


@bp.route("/timer")
@shared
def page():
    return render_template(
        "timer/page.html",
        cold_choices=COLD_CHOICES,
        cold_default=COLD_DEFAULT,
        elevation_choices=ELEVATION_CHOICES,
        elevation_default=ELEVATION_DEFAULT,
    )
