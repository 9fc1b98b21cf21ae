"""The home page, the about page and the guides a person reads (pages.py)."""

from .pages import bp

__all__ = ["bp"]
