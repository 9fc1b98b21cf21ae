"""The symptom check: its pages (pages.py), its rules and their words
(triage.py, read from static/data/triage.json, the same file static/js/triage.js
evaluates offline), and the sources every medical line cites (sources.py)."""

from .pages import bp

__all__ = ["bp"]
