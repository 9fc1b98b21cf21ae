"""The training log's words, beside the rules they name (rules.py): activities,
the morning's signs, zones and patterns, in the catalog for both languages."""

from ..i18n.plain_text import lazy_gettext as _l

ACTIVITY_LABELS = {
    "run": _l("Running"),
    "gym_legs": _l("Gym, legs (squats, lunges, leg press)"),
    "jumping": _l("Jumping, team or court sport"),
    "cycling": _l("Cycling"),
    "walk_hike": _l("Walking or hiking"),
    "other": _l("Something else"),
}

SIGN_LABELS = {"swelling": _l("It is swollen"), "gives_way": _l("It gives way"), "locked": _l("It locks or catches")}
