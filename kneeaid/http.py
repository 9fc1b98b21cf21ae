"""What every response gets: security headers, compression, caching, error pages."""

import functools
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import encoding
from .encoding import FAST, ONCE, SMALLEST_WORTH_COMPRESSING, gzipped_etag
from .extensions import htmx, seconds_until_the_limit_resets
from .front_cache import SHARED, FrontCache
from .languages import LANGUAGE_COOKIE
from .skeleton import ENVIRON_KEY
from .texts import lazy_gettext as _l

# No inline script or style anywhere, so no 'unsafe-inline'; htmx runs without
# eval (allowEval is off in base.html) and without its injected indicator styles.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

COMPRESSIBLE = {
    "text/html", "text/css", "text/javascript", "application/javascript",
    "application/json", "application/manifest+json", "image/svg+xml", "text/csv",
}
ONE_YEAR = 365 * 24 * 60 * 60


def add_security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        # Once seen over HTTPS, the browser never tries plain HTTP again.
        response.headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}"
    return response


def relative_redirects(response):
    """A redirect never names a host: werkzeug builds its redirect to a route's
    canonical URL (``/ru`` to ``/ru/``) from the request's Host header, which
    would let anyone who can set that header send people elsewhere. Relative,
    it also keeps the scheme the browser used (HTTPS behind the proxy)."""
    location = response.headers.get("Location")
    if location and response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(location)
        if target.netloc:
            response.headers["Location"] = target.path + (f"?{target.query}" if target.query else "")
    return response


def caching(policy):
    """Marks a view's caching for set_caching: "personal" (an answer for one
    person: no cache may keep it) or "revalidate" (ask the server every time)."""
    def mark(view):
        view.caching = policy
        return view
    return mark


personal = caching("personal")
revalidate = caching("revalidate")


def caching_of_view():
    return getattr(current_app.view_functions.get(request.endpoint), "caching", None)


def set_caching(response):
    """The one place that writes Cache-Control. Versioned static files never
    change: cached for a year. One person's data (views marked @personal) is
    never stored. Pages are revalidated, and say they differ for htmx requests."""
    policy = caching_of_view()
    if policy == "personal":
        response.cache_control.no_store = True
        response.cache_control.private = True
    elif request.endpoint == "static" and "v" in request.args:
        response.cache_control.no_cache = None  # werkzeug's default for files: wrong for a file that never changes
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    elif policy == "revalidate" or response.mimetype == "text/html":
        response.cache_control.no_cache = True
        if response.status_code == 200 and request.method == "GET":
            # Asked again, an unchanged page is a 304 (compress() does the same for its gzip).
            response.add_etag()
            answer_304_if_unchanged(response)
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    if is_shared(response):
        response.headers[SHARED] = "1"  # kneeaid/front_cache.py may keep it (and removes the mark)
    return response


def is_shared(response):
    """A response anyone asking the same may get: a page rendered once for
    everyone or a versioned static file, answered in full, setting no cookie
    but the language (which front_cache.py keys on)."""
    view = current_app.view_functions.get(request.endpoint)
    shared_view = getattr(view, "shared", False) or request.endpoint == "static" and "v" in request.args
    cookies = response.headers.getlist("Set-Cookie")
    return (shared_view and response.status_code == 200 and request.method == "GET"
            and all(cookie.startswith(f"{LANGUAGE_COOKIE}=") for cookie in cookies))


CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
                       "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE")


def answer_304_if_unchanged(response):
    """A 304 with no body when the browser already holds this version (its
    If-None-Match). Werkzeug adds a Date header on the way; the HTTP server
    adds its own, and two Date headers read as no date at all (push.js
    corrects the phone's clock with it)."""
    if not any(name in request.environ for name in CONDITIONAL_HEADERS):
        return  # nothing to compare (make_conditional would only cost time)
    had_date = "Date" in response.headers
    response.make_conditional(request)
    if not had_date:
        response.headers.pop("Date", None)


RENDERED_PAGES_KEPT = 512  # check results vary by their answers: the most recent are kept
_rendering = threading.Lock()


def rendered_once(view):
    """For a page that is the same for everyone: render it once per address
    (scheme and host, which the hreflang links name; path; query) and per page-or-fragment,
    then answer from memory. Not in debug mode, where templates change."""
    @functools.wraps(view)
    def answer(**arguments):
        if current_app.debug:
            return view(**arguments)
        key = (request.host_url, request.full_path, wants_fragment())
        pages = current_app.extensions.setdefault("kneeaid.rendered", OrderedDict())
        with _rendering:
            kept = pages.get(key)
            if kept is not None:
                pages.move_to_end(key)
        if kept is not None:
            body, skeleton = kept
            if skeleton is not None:
                request.environ[ENVIRON_KEY] = skeleton  # as when it was filled in (gzip_level)
            return body
        body = view(**arguments)
        if isinstance(body, (str, bytes)):
            with _rendering:
                pages[key] = (body, request.environ.get(ENVIRON_KEY))
                if len(pages) > RENDERED_PAGES_KEPT:
                    pages.popitem(last=False)
        return body
    answer.shared = True
    return answer


def wants_fragment():
    """Whether this request asks for a page's fragment: a genuine htmx request,
    not a boosted link and not a history restore (those get whole pages)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def page_or_fragment(page, fragment, render=render_template, **context):
    """The whole page, or its fragment for htmx (one template holds the other),
    rendered by ``render`` (kneeaid/skeleton.py's render_filled for a check result)."""
    return render(fragment if wants_fragment() else page, **context)


def json_error(message, status, headers=()):
    """The one shape of a JSON error: {"error": message, "status": status}."""
    return jsonify(error=str(message), status=status), status, list(headers)


JSON_TYPES = {type(None): "null", bool: "true or false", int: "a number", float: "a number", str: "a string",
              list: "an array"}


def json_body():
    """The JSON body of an API request: (body, None), or (None, a JSON error
    response to answer with)."""
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        return None, json_error("the body is larger than 1 MB", 413)
    if not request.is_json:
        return None, json_error("send JSON (Content-Type: application/json)", 400)
    try:
        body = request.get_json()
    except BadRequest:
        return None, json_error("the body is not valid JSON", 400)
    except RecursionError:
        return None, json_error("the body is nested too deeply", 400)
    if not isinstance(body, dict):
        return None, json_error(f"send a JSON object: this body is {JSON_TYPES.get(type(body), 'not one')}", 400)
    return body, None


def require_same_origin():
    """Refuse writes that another site's page started (CSRF): browsers say
    where a request comes from in Sec-Fetch-Site, or at least in Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        allowed = site in ("same-origin", "none")
    else:
        origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
        allowed = urlsplit(origin).netloc == request.host
    if not allowed:
        abort(403, description=_l("This change must come from KneeAid's own pages."))


def compress(response):
    """Gzip text responses for browsers that accept it: a static file once
    (kept by its ETag), a page each time (a page the same for everyone is
    then kept compressed by kneeaid/front_cache.py; gzip_level says how
    hard). A compressed body has its own ETag, and a browser that already
    holds it gets 304."""
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.accept_encodings
        or "Content-Encoding" in response.headers
    ):
        return response
    response.direct_passthrough = False
    body = response.get_data()
    if len(body) < SMALLEST_WORTH_COMPRESSING:
        return response
    tag, weak = response.get_etag()
    if tag and request.endpoint == "static":  # gzipped once per version
        response.set_data(gzipped_once(request.full_path, tag, body))
    else:
        response.set_data(encoding.gzip(body, gzip_level(response)))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if tag:
        # A different body needs a different tag; it stays the same from one request to the next.
        response.set_etag(gzipped_etag(tag), weak=weak)
        answer_304_if_unchanged(response)
    return response


def gzip_level(response):
    """The smallest gzip for a page kept for everyone; a fast one for a page
    made for this request, or filled in from a skeleton for these answers
    (kneeaid/front_cache.py fills it in for other answers, as fast)."""
    kept_whole = SHARED in response.headers and ENVIRON_KEY not in request.environ
    return ONCE if kept_whole else FAST


_GZIPPED = {}  # (address, etag) -> gzip


def gzipped_once(address, etag, body):
    """The gzip of a body that its ETag names (a static file's version), made once."""
    key = (address, etag)
    if key not in _GZIPPED:
        if len(_GZIPPED) >= 1024:  # many old versions: start again
            _GZIPPED.clear()
        _GZIPPED[key] = encoding.gzip(body, ONCE)
    return _GZIPPED[key]


def error_page(error):
    """A whole, translated page for every HTTP error, with links home."""
    if request_ctx.url_adapter is None:
        # The Host header could not even be read (BadHost): no page can link anywhere.
        return "Bad request: the Host header is not a valid host name.", 400, {"Content-Type": "text/plain"}
    if not isinstance(error, HTTPException):
        current_app.logger.exception("Unhandled error on %s", request.path)
        error = InternalServerError(original_exception=error)
    # Our own messages are translated (lazy) strings; werkzeug's defaults are
    # plain English ones, which the page replaces with its own words.
    message = None if isinstance(error.description, str) else error.description
    # The error's own headers go along (Retry-After on a 503, Allow on a 405); a 429 of the
    # per-address limits says when its window resets.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if error.code == 429 and not any(name.lower() == "retry-after" for name, _ in headers):
        headers.append(("Retry-After", str(seconds_until_the_limit_resets())))
    # A JSON API answers JSON, whatever was asked (a 404, a 405, a 429 from the per-address limits).
    wants_json = request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" \
        or request.is_json
    if wants_json and not wants_fragment():
        return json_error(message or error.description, error.code, headers)
    return render_template("error.html", error=error, message=message), error.code, headers


def init_app(app):
    app.wsgi_app = FrontCache(app, app.wsgi_app)
    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(Exception, error_page)
    # after_request runs in reverse order: compression last, on the final body.
    app.after_request(compress)
    app.after_request(set_caching)
    app.after_request(add_security_headers)
    app.after_request(relative_redirects)
