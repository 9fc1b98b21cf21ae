"""The languages: which exist, which one a request is in, and the same page
in another one. A plain module (no blueprint), so any module may import it."""

from urllib.parse import unquote

import pytz
from flask import g, request, url_for

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_PREFIX = "/<any({}):lang>".format(", ".join(LANGUAGES))
LANGUAGE_COOKIE = "lang"

def preferred_language():
    """The language to offer someone who has not picked a page yet."""
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language_of_address():
    """The language an address starts with (/ru/…), even one no page answers:
    a mistyped Russian address gets a Russian error page."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def current_language():
    """Flask-Babel's locale selector: the page's prefix, else the preference."""
    return g.get("lang") or language_of_address() or preferred_language()


def current_timezone():
    """Flask-Babel's time zone selector: the device's zone, which shell.js
    keeps in the ``tz`` cookie (URL-encoded: ``Europe%2FMoscow``); UTC when
    unknown or not a real place's zone (``Factory``, ``localtime``)."""
    name = unquote(request.cookies.get("tz", "")) if request else ""
    return name if name in pytz.common_timezones_set else None


def other_language():
    return next(code for code in LANGUAGES if code != current_language())


def same_page_in(lang, external=False):
    """The URL of the page being shown, in another language, with the same
    query: a check's answers must give the same result in every language.
    ``external``: with scheme and host, as search engines want hreflang links
    (the host the request came to; behind a proxy, ProxyFix's)."""
    if request.url_rule is None or "lang" not in request.url_rule.arguments:
        return url_for("guide.home", lang=lang, _external=external)
    query = {name: values for name, values in request.args.lists()
             if name not in request.view_args and name != "lang" and not name.startswith("_")}
    return url_for(request.endpoint, **query, **{**request.view_args, "lang": lang}, _external=external)
