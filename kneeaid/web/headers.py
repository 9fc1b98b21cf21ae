"""The headers every response gets: the content security policy and the rest
of the browser's protections, and redirects that never name a host."""

import functools
from urllib.parse import urlsplit

from flask import current_app, request

# app.extensions: a function giving the hashes of the inline scripts the pages
# may run (the one there is: kneeaid/pwa/modules.py's import map).
INLINE_SCRIPT_HASHES = "kneeaid.inline_script_hashes"


@functools.lru_cache(maxsize=8)
def content_security_policy(script_hashes=()):
    """No inline script but those of the given hashes, no inline style, so no
    'unsafe-inline'; htmx runs without eval (allowEval is off in base.html) and
    without its injected indicator styles."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_hashes]),
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


ONE_YEAR = 365 * 24 * 60 * 60


# A policy governs a document or a worker; the scripts and stylesheets a page
# loads are governed by the page's, so theirs would be bytes for nothing (the
# first load carries ten of them). An SVG is a document: it keeps its policy.
NOT_GOVERNED = frozenset({"text/javascript", "text/css"})


def add_security_headers(response):
    if not (request.endpoint == "static" and response.mimetype in NOT_GOVERNED):
        script_hashes = current_app.extensions.get(INLINE_SCRIPT_HASHES, tuple)()
        response.headers["Content-Security-Policy"] = content_security_policy(script_hashes)
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
