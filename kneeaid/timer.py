"""The first-aid timer: cold for 10-15 minutes, then elevation."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("timer", __name__)


@bp.route("/timer")
def page():
    return render_template("coming_soon.html", title=_l("First-aid timer"))
