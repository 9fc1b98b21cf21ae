"""The cache contract: what a page kept for everyone may depend on, declared
once. A view marked ``shared`` (rendered_once) is answered to anyone whose
request has the same parts: scheme, host, path, query, the headers in
VARYING_HEADERS and the one cookie, LANGUAGE_COOKIE. Every cache in front of or
inside Flask keys on these (key_of); a shared view that reads anything else
would give one person's page to another (tests/test_shared_pages.py asks every
shared page with an extra cookie and header and expects the same bytes).
A view marked ``personal`` is one person's and never kept anywhere."""

from http.cookies import CookieError, SimpleCookie

from flask import current_app, request

from ..extensions import htmx

LANGUAGE_COOKIE = "lang"  # the one cookie a shared page may depend on
SHARED = "X-KneeAid-Shared"  # the app's mark on a response anyone may get; never sent
VARYING_HEADERS = ("HTTP_ACCEPT_ENCODING", "HTTP_HX_REQUEST", "HTTP_HX_BOOSTED",
                   "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_SEC_FETCH_MODE")


def language_cookie(environ):
    try:
        morsel = SimpleCookie(environ.get("HTTP_COOKIE", "")).get(LANGUAGE_COOKIE)
    except CookieError:
        return "unreadable"  # its own key: Flask decides what such a request gets
    return morsel.value if morsel else None


def key_of(environ):
    """Every part of a GET request that a shared response depends on; the query last."""
    return (environ["wsgi.url_scheme"], environ.get("HTTP_HOST"), environ.get("PATH_INFO"),
            *(environ.get(name) for name in VARYING_HEADERS), language_cookie(environ),
            environ.get("QUERY_STRING"))


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


def is_shared(response):
    """A response anyone asking the same may get: a page rendered once for
    everyone or a versioned static file, answered in full, setting no cookie
    but the language (which front_cache.py keys on)."""
    view = current_app.view_functions.get(request.endpoint)
    shared_view = getattr(view, "shared", False) or request.endpoint == "static" and "v" in request.args
    cookies = response.headers.getlist("Set-Cookie")
    return (shared_view and response.status_code == 200 and request.method == "GET"
            and all(cookie.startswith(f"{LANGUAGE_COOKIE}=") for cookie in cookies))


def wants_fragment():
    """Whether this request asks for a page's fragment: a genuine htmx request,
    not a boosted link and not a history restore (those get whole pages)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
