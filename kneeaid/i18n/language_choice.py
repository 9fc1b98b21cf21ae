"""The /ru/ and /en/ prefixes and the remembered choice.

Every page lives under a language prefix. The prefix is the truth for the
page being shown; the ``lang`` cookie remembers the person's last choice so
that ``/`` can send them back to it.
"""

from flask import Blueprint, current_app, g, redirect, request, url_for

from ..speed.contract import LANGUAGE_COOKIE, personal
from .catalogs import translate
from .languages import LANGUAGES, current_language, other_language, preferred_language, same_page_in

bp = Blueprint("i18n", __name__)
ONE_YEAR = 365 * 24 * 60 * 60


@bp.route("/")
@personal  # the answer depends on this person's cookie and browser
def choose_language():
    response = redirect(url_for("guide.home", lang=preferred_language()))
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


def _take_language_from_url(endpoint, values):
    if values and "lang" in values:
        g.lang = values.pop("lang")


def _add_language_to_urls(endpoint, values):
    if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = current_language()


def _remember_language(response):
    """Remember the language of a page the person opened themselves.

    Only for navigations: the service worker's precache fetches of both
    languages must not overwrite the choice. ``static/js/shell.js`` does the
    same in the browser, so that a choice made offline is remembered too.
    """
    lang = g.get("lang")
    navigating = request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
    if lang and navigating and response.mimetype == "text/html":
        if request.cookies.get(LANGUAGE_COOKIE) != lang:
            response.set_cookie(LANGUAGE_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure)
    return response


def _template_helpers():
    return {
        "languages": LANGUAGES,
        "current_language": current_language,
        "other_language": other_language,
        "same_page_in": same_page_in,  # it carries the query: a hole in skeletons
    }


def init_app(app):
    app.register_blueprint(bp)
    app.url_value_preprocessor(_take_language_from_url)
    app.url_defaults(_add_language_to_urls)
    app.after_request(_remember_language)
    app.context_processor(_template_helpers)
    app.cli.add_command(translate)
