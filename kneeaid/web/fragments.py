"""A page or its fragment: one template holds the other, and only a genuine
htmx request gets the fragment (kneeaid/speed/contract.py says which)."""

from flask import render_template

from ..speed.contract import wants_fragment


def page_or_fragment(page, fragment, render=render_template, **context):
    """The whole page, or its fragment for htmx (one template holds the other),
    rendered by ``render`` (kneeaid/speed/skeleton.py's render_filled for a check result)."""
    return render(fragment if wants_fragment() else page, **context)
