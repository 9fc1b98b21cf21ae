"""The one place that writes Cache-Control, by the view's mark in the cache
contract (kneeaid/speed/contract.py)."""

from flask import current_app, request

from ..speed.compression import answer_304_if_unchanged
from ..speed.contract import SHARED, is_shared
from .headers import ONE_YEAR


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
        response.headers[SHARED] = "1"  # kneeaid/speed/front_cache.py may keep it (and removes the mark)
    return response
