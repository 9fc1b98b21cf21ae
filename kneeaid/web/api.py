"""The JSON API's helpers: its one error shape, a request's body, and the
check that a write comes from KneeAid's own pages."""

from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from ..i18n.plain_text import lazy_gettext as _l


def json_error(message, status, headers=()):
    """The one shape of a JSON error: {"error": message, "status": status}."""
    return jsonify(error=str(message), status=status), status, list(headers)


JSON_TYPES = {
    type(None): "null",
    bool: "true or false",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
}


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
