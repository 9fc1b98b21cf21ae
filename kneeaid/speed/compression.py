"""How a body is sent: its ETag, a 304 when the browser holds it, and its gzip.
One place for all three, as Flask's answers (compress(), after each view) and
the pages filled in in front of Flask (front_cache.py) must give the same bytes.

gzip is libdeflate's (the ``deflate`` package): standard gzip, smaller than
zlib's at each level and made in a quarter of the time.
"""

import deflate
from flask import request
from werkzeug.http import generate_etag

from .contract import SHARED
from .skeleton import ENVIRON_KEY

# A page compressed for one request, or for one set of a check's answers:
# 60 µs for a check result (zlib's level 4, which we had, took 230 µs for 3 % less).
FAST = 1
# A page or a static file compressed once and kept in memory: 0.3 ms for a check result.
ONCE = 9
SMALLEST_WORTH_COMPRESSING = 512


def page_etag(body):
    """The ETag of a page's body (werkzeug's, as ``response.add_etag()`` makes it)."""
    return generate_etag(body)


def gzip(body, level=FAST):
    return bytes(deflate.gzip_compress(body, level))  # it gives a bytearray; WSGI wants bytes


def gzipped_etag(etag):
    """A compressed body's own ETag: a different body needs a different tag."""
    return etag + "-gzip"


COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/csv",
}


CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
)


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


def compress(response):
    """Gzip text responses for browsers that accept it (an answer the same for
    everyone is then kept compressed by front_cache.py; gzip_level says how
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
    read = response.response  # a static file's wrapper: closed once read, whoever closes the response
    body = response.get_data()
    if hasattr(read, "close"):
        read.close()
    if len(body) < SMALLEST_WORTH_COMPRESSING:
        return response
    tag, weak = response.get_etag()
    response.set_data(gzip(body, gzip_level(response)))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if tag:
        # A different body needs a different tag; it stays the same from one request to the next.
        response.set_etag(gzipped_etag(tag), weak=weak)
        answer_304_if_unchanged(response)
    return response


def gzip_level(response):
    """The smallest gzip for an answer kept for everyone (a page, a versioned
    static file); a fast one for an answer made for this request, or filled in from a skeleton for these answers
    (kneeaid/speed/front_cache.py fills it in for other answers, as fast)."""
    kept_whole = SHARED in response.headers and ENVIRON_KEY not in request.environ
    return ONCE if kept_whole else FAST
