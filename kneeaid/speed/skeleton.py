"""Pages rendered once and filled in for each request (issue 21).

A check result holds every tier, every reason and every first-aid text, and
shows those that apply: nearly all of it is the same for every set of answers.
So the page is rendered once per template and address (scheme, host and path:
the language is in the path) as a skeleton whose holes are the few template
helpers whose value depends on the query (marked @hole: which parts are
hidden, the answers ticked, the links that carry the query). Each request then
only fills in the holes: the same bytes as rendering the page, at a fraction of
the cost. In debug mode, where templates change, pages are rendered every time.

A hole's value is a function of the query alone (the request's args), so a
skeleton can be filled in without Flask: kneeaid/speed/front_cache.py does, for a
query nobody asked before, once Flask has answered the address once.
"""

import functools
import threading
from collections import OrderedDict

from flask import current_app, g, render_template, request
from markupsafe import Markup, escape

from .contract import address_of

MARK = "\x00"  # around a hole's number in a skeleton; no page holds it
SKELETONS_KEPT = 64  # the host is the request's own: a bounded number of them
ENVIRON_KEY = "kneeaid.skeleton"  # the skeleton a request was answered from, for front_cache.py
_making = threading.Lock()


def the_query(query):
    return query


def hole(state=the_query):
    """Marks a template helper whose value depends on the query. Rendering
    a page, it gives its (escaped) value; making a skeleton, a hole that each
    request fills in by calling the helper with the same arguments. ``state``:
    a function of the query (a MultiDict, the request's args) that the helper
    reads first, worked out once per page (the check's answers); by default
    the query itself."""

    def mark(helper):
        @functools.wraps(helper)
        def value_or_hole(*args, **kwargs):
            holes = g.get("kneeaid_holes")
            if holes is None:
                return escape(helper(state_of_request(state), *args, **kwargs))
            holes.append((helper, state, args, kwargs))
            return Markup(f"{MARK}{len(holes) - 1}{MARK}")

        return value_or_hole

    return mark


def state_of_request(state):
    """``state`` of this request's query, worked out once per request."""
    states = g.setdefault("kneeaid_states", {})
    if state not in states:
        states[state] = state(request.args)
    return states[state]


def every_query(query):
    return True


class Skeleton:
    """A rendered page cut at its holes, in UTF-8: texts[0] hole texts[1] hole ...
    ``accepts``: whether a query may be answered from it (else the view
    refuses the query, and only Flask knows how)."""

    def __init__(self, page, holes, accepts=every_query):
        pieces = page.split(MARK)
        self.texts = [text.encode() for text in pieces[0::2]]
        self.holes = [holes[int(number)] for number in pieces[1::2]]
        self.accepts = accepts

    def fill(self, query):
        """The page (UTF-8) for a request with this query (its args)."""
        states = {}
        parts = [self.texts[0]]
        for (helper, state, args, kwargs), text in zip(self.holes, self.texts[1:], strict=True):
            if state not in states:
                states[state] = state(query)
            value = helper(states[state], *args, **kwargs)
            parts.append((value if type(value) is Markup else escape(value)).encode())
            parts.append(text)
        return b"".join(parts)


def make_skeleton(template, context, accepts):
    g.kneeaid_holes = holes = []
    try:
        return Skeleton(render_template(template, **context), holes, accepts)
    finally:
        g.pop("kneeaid_holes")


def render_filled(template, accepts=every_query, **context):
    """``render_template(template, **context)`` (in UTF-8), from the template's skeleton
    for this address. The context must be the same for every request to the
    address: what varies comes from @hole helpers. ``accepts``: the queries
    the view answers (it refuses the others before calling this)."""
    if current_app.debug:
        return render_template(template, **context)
    key = (template, *address_of(request.environ))
    skeletons = current_app.extensions.setdefault("kneeaid.skeletons", OrderedDict())
    with _making:
        skeleton = skeletons.get(key)
    if skeleton is None:
        skeleton = make_skeleton(template, context, accepts)
        with _making:
            skeletons[key] = skeleton
            if len(skeletons) > SKELETONS_KEPT:
                skeletons.popitem(last=False)
    request.environ[ENVIRON_KEY] = skeleton
    return skeleton.fill(request.args)
