"""The symptom check and its four-tier result."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("check", __name__)


@bp.route("/check")
def page():
    return render_template("coming_soon.html", title=_l("Symptom check"))
