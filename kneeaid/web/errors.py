"""A whole, translated page for every HTTP error (JSON for the API)."""

from flask import current_app, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import seconds_until_the_limit_resets
from ..speed.contract import wants_fragment
from .api import json_error


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
    wants_json = (
        request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json" or request.is_json
    )
    if wants_json and not wants_fragment():
        return json_error(message or error.description, error.code, headers)
    return render_template("error.html", error=error, message=message), error.code, headers
