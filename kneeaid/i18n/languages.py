"""The languages: which exist, which one a request is in, and the same page
in another one. A plain module (no blueprint), so any module may import it."""

import re
from urllib.parse import unquote, urlencode

import pytz
from flask import g, request, url_for

from ..speed.contract import LANGUAGE_COOKIE
from ..speed.skeleton import hole

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_PREFIX = "/<any({}):lang>".format(", ".join(LANGUAGES))


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


# How url_for writes a query (werkzeug's percent-encoding).
QUERY_SAFE = "!$'()*,/:;?@"


PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z")  # what percent-encoding leaves as it is (a symptom's id)


def query_string(items):
    """``?name=value&…`` for (name, value) pairs, as url_for writes it; "" for none."""
    encoded = "&".join(
        f"{name}={value}" if PLAIN.match(name) and PLAIN.match(value) else urlencode([(name, value)], safe=QUERY_SAFE)
        for name, value in items
    )
    return f"?{encoded}" if encoded else ""


def same_page_in(lang, external=False):
    """The URL of the page being shown, in another language, with the same
    query: a check's answers must give the same result in every language.
    ``external``: with scheme and host, as search engines want hreflang links
    (the host the request came to; behind a proxy, ProxyFix's)."""
    if request.url_rule is None or "lang" not in request.url_rule.arguments:
        return url_for("guide.home", lang=lang, _external=external)
    address = url_for(request.endpoint, **{**request.view_args, "lang": lang}, _external=external)
    return with_same_query(address, tuple(request.view_args))


def carried_query(query):
    """The query's parameters that the page in another language carries: all
    but the language and the private ones (``_…``), grouped by name as
    url_for groups them; and their query string, worked out once per page."""
    pairs = tuple(
        (name, value)
        for name, values in query.lists()
        if name != "lang" and not name.startswith("_")
        for value in values
    )
    return pairs, query_string(pairs)


@hole(carried_query)
def with_same_query(carried, address, path_names):
    """The address with the carried query, but the parameters named in the path (``path_names``)."""
    pairs, string = carried
    if path_names:
        string = query_string(pair for pair in pairs if pair[0] not in path_names)
    return address + string
