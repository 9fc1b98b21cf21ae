"""The home page, the about page and the guides a person reads."""

from datetime import date

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("guide", __name__)

HTMX_VERSION = "2.0.11"


@bp.route("/")
def home():
    return render_template("home.html")


@bp.route("/about")
def about():
    reviewed = date.fromisoformat(current_app.config["CONTENT_REVIEWED"])
    return render_template("about.html", reviewed=reviewed, htmx_version=HTMX_VERSION)


@bp.route("/doctor")
def doctor():
    return render_template("coming_soon.html", title=_l("When to see a doctor"))


@bp.route("/offline")
def offline():
    """What the service worker shows for a page this device has not saved."""
    return render_template("offline.html")
