"""The headers every response gets: the content security policy and the rest
of the browser's protections, and redirects that never name a host."""

from urllib.parse import urlsplit

from flask import request

# No inline script or style anywhere, so no 'unsafe-inline'; htmx runs without
# eval (allowEval is off in base.html) and without its injected indicator styles.
CONTENT_SECURITY_POLICY = "; ".join(
    [
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
    ]
)


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
