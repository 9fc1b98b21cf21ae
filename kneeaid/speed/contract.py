"""The cache contract: what a page kept for everyone may depend on, declared
once. A view marked ``@shared`` is answered to anyone whose request has the
same REQUEST_PARTS: scheme, host, path, query, a few headers and the one
cookie, LANGUAGE_COOKIE. Every cache of shared answers keys on them (key_of):
the front cache on all of them, a page's skeleton on its ADDRESS. A shared view
that read anything else would give one person's page to another:
tests/app/test_shared_pages.py asks every shared page with an extra cookie and
extra headers and expects the same bytes. A view marked ``@personal`` is one
person's and never kept anywhere."""

from http.cookies import CookieError, SimpleCookie

from flask import current_app, request

from ..extensions import htmx

LANGUAGE_COOKIE = "lang"  # the one cookie a shared page may depend on
SHARED = "X-KneeAid-Shared"  # the app's mark on a response anyone may get; never sent


def header(name):
    return lambda environ: environ.get(name)


def language_cookie(environ):
    try:
        morsel = SimpleCookie(environ.get("HTTP_COOKIE", "")).get(LANGUAGE_COOKIE)
    except CookieError:
        return "unreadable"  # its own key: Flask decides what such a request gets
    return morsel.value if morsel else None


# Every part of a request that a shared page may depend on, and how to read it; the query last.
REQUEST_PARTS = {
    "scheme": lambda environ: environ["wsgi.url_scheme"],  # the hreflang links name it; HSTS
    "host": header("HTTP_HOST"),  # the hreflang links
    "path": header("PATH_INFO"),
    "accept-encoding": header("HTTP_ACCEPT_ENCODING"),  # gzip or not
    "hx-request": header("HTTP_HX_REQUEST"),  # page or fragment (wants_fragment)
    "hx-boosted": header("HTTP_HX_BOOSTED"),
    "hx-history-restore-request": header("HTTP_HX_HISTORY_RESTORE_REQUEST"),
    "sec-fetch-mode": header("HTTP_SEC_FETCH_MODE"),  # a navigation remembers the language (Set-Cookie)
    LANGUAGE_COOKIE: language_cookie,  # the one cookie: whether the language needs remembering
    "query": header("QUERY_STRING"),
}


def key_reader(parts):
    """A function of a request's WSGI environ giving the values of these parts
    of REQUEST_PARTS: the key of a cache of shared answers."""
    readers = tuple(REQUEST_PARTS[part] for part in parts)

    def key_of(environ):
        return tuple([read(environ) for read in readers])

    return key_of


key_of = key_reader(REQUEST_PARTS)  # every part: the front cache's key, the query last
address_of = key_reader(("scheme", "host", "path"))  # a page's skeleton: the query fills its holes


def without_query(key):
    return key[:-1]


def caching(policy):
    """Marks a view's caching for set_caching: "personal" (an answer for one
    person: no cache may keep it) or "revalidate" (ask the server every time)."""

    def mark(view):
        view.caching = policy
        return view

    return mark


personal = caching("personal")
revalidate = caching("revalidate")


def shared(view):
    """Marks a view whose page is the same for everyone who asks the same parts
    of REQUEST_PARTS: its answer may be kept and given to anyone (is_shared)."""
    view.shared = True
    return view


def is_shared(response):
    """A response anyone asking the same may get: a page rendered once for
    everyone or a versioned static file, answered in full, setting no cookie
    but the language (which front_cache.py keys on)."""
    view = current_app.view_functions.get(request.endpoint)
    shared_view = getattr(view, "shared", False) or request.endpoint == "static" and "v" in request.args
    cookies = response.headers.getlist("Set-Cookie")
    return (
        shared_view
        and response.status_code == 200
        and request.method == "GET"
        and all(cookie.startswith(f"{LANGUAGE_COOKIE}=") for cookie in cookies)
    )


def wants_fragment():
    """Whether this request asks for a page's fragment: a genuine htmx request,
    not a boosted link and not a history restore (those get whole pages)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
