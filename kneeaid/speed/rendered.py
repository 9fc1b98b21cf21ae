"""Pages the same for everyone, rendered once per key of the cache contract
(kneeaid/speed/contract.py) and answered from memory."""

import functools
import threading
from collections import OrderedDict

from flask import current_app, request

from .contract import wants_fragment
from .skeleton import ENVIRON_KEY

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
