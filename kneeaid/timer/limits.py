"""The first-aid timer's limits, from static/data/timer.json: the one file the
server (the timer page, the diary's check of a session) and the browser
(static/js/timer-state.js, through shell.js) both read."""

import json

from ..extensions import PROJECT_ROOT

LIMITS_FILE = PROJECT_ROOT / "static" / "data" / "timer.json"
LIMITS = {key: value for key, value in json.loads(LIMITS_FILE.read_text(encoding="utf-8")).items() if key != "about"}

COLD_CHOICES = tuple(LIMITS["coldChoices"])  # minutes; never longer than COLD_MAX
COLD_DEFAULT = LIMITS["coldDefault"]
COLD_MAX = LIMITS["coldMaxMinutes"]
ELEVATION_CHOICES = tuple(LIMITS["elevationChoices"])
ELEVATION_DEFAULT = LIMITS["elevationDefault"]

# The planned minutes a finished session may record, phase by phase.
PHASE_LIMITS = {"cold": (min(COLD_CHOICES), COLD_MAX), "elevation": (min(ELEVATION_CHOICES), max(ELEVATION_CHOICES))}
