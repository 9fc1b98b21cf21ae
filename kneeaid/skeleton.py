"""Pages rendered once and filled in for each request (issue 21).

A check result holds every tier, every reason and every first-aid text, and
shows those that apply: nearly all of it is the same for every set of answers.
So the page is rendered once per template and address (scheme, host and path:
the language is in the path) as a skeleton whose holes are the few template
helpers whose value depends on the request (marked @hole: which parts are
hidden, the answers ticked, the links that carry the query). Each request then
only fills in the holes: the same bytes as rendering the page, at a fraction of
the cost. In debug mode, where templates change, pages are rendered every time.
"""

import functools
import threading
from collections import OrderedDict

from flask import current_app, g, render_template, request
from markupsafe import Markup, escape

MARK = "\x00"  # around a hole's number in a skeleton; no page holds it
SKELETONS_KEPT = 64  # the host is the request's own: a bounded number of them
_making = threading.Lock()


def hole(state=None):
    """Marks a template helper whose value depends on the request. Rendering
    a page, it gives its (escaped) value; making a skeleton, a hole that each
    request fills in by calling the helper with the same arguments. ``state``:
    a function of the request that the helper reads (the check's answers),
    worked out once per page and given to the helper first."""
    def mark(helper):
        @functools.wraps(helper)
        def value_or_hole(*args, **kwargs):
            holes = g.get("kneeaid_holes")
            if holes is None:
                return escape(helper(*((state(),) if state else ()), *args, **kwargs))
            holes.append((helper, state, args, kwargs))
            return Markup(f"{MARK}{len(holes) - 1}{MARK}")
        return value_or_hole
    return mark


class Skeleton:
    """A rendered page cut at its holes: texts[0] hole texts[1] hole ..."""

    def __init__(self, page, holes):
        pieces = page.split(MARK)
        self.texts = pieces[0::2]
        self.holes = [holes[int(number)] for number in pieces[1::2]]

    def fill(self):
        """The page for the current request."""
        states = {}
        parts = [self.texts[0]]
        for (helper, state, args, kwargs), text in zip(self.holes, self.texts[1:], strict=True):
            if state is None:
                value = helper(*args, **kwargs)
            else:
                if state not in states:
                    states[state] = state()
                value = helper(states[state], *args, **kwargs)
            parts.append(value if type(value) is Markup else escape(value))
            parts.append(text)
        return "".join(parts)


def make_skeleton(template, context):
    g.kneeaid_holes = holes = []
    try:
        return Skeleton(render_template(template, **context), holes)
    finally:
        g.pop("kneeaid_holes")


def render_filled(template, **context):
    """``render_template(template, **context)``, from the template's skeleton
    for this address. The context must be the same for every request to the
    address: what varies comes from @hole helpers."""
    if current_app.debug:
        return render_template(template, **context)
    key = (template, request.host_url, request.path)
    skeletons = current_app.extensions.setdefault("kneeaid.skeletons", OrderedDict())
    with _making:
        skeleton = skeletons.get(key)
    if skeleton is None:
        skeleton = make_skeleton(template, context)
        with _making:
            skeletons[key] = skeleton
            if len(skeletons) > SKELETONS_KEPT:
                skeletons.popitem(last=False)
    return skeleton.fill()
