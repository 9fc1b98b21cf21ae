"""The knee diary: pain scores, first-aid sessions and check results."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("diary", __name__)


@bp.route("/diary")
def page():
    return render_template("coming_soon.html", title=_l("Knee diary"))
