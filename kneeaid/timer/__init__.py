"""The first-aid timer: its page (pages.py) and its limits (limits.py, read from
static/data/timer.json, the one file the server and the browser both read)."""

from .pages import bp

__all__ = ["bp"]
