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

# Each zone: its label (the words say the zone, not the colour alone), what to do, and its sources
# (kneeaid/check/sources.py), as ../shared/training.md words them.
ZONE_LABELS = {
    "check": _l("Do the symptom check"),
    "red": _l("Stop this activity"),
    "amber": _l("Ease off"),
    "green": _l("Your knee took it well"),
}
ZONE_ADVICE = {
    "check": _l("This needs the symptom check now."),
    "red": _l(
        "Stop this activity until the knee is quiet. Rest it, ice if it helps (the timer), and start again "
        "lighter. If this keeps happening, see a doctor."
    ),
    "amber": _l(
        "Ease off: keep the next session shorter or lighter, and add nothing until the knee stays at 2 or less."
    ),
    "green": _l("Your knee took it well: keep this load, or add a little (about a tenth more) next time."),
}
ZONE_SOURCES = {
    "check": ("nhs-knee", "001"),
    "red": ("silbernagel", "001"),
    "amber": ("silbernagel", "kneeaid"),
    "green": ("silbernagel", "peace"),
}

# Each pattern: what was found, and the check's rule whose reason and tier it takes.
PATTERN_LABELS = {
    "after_every_workout": _l("The knee hurts after every workout: 3 or more after each of the last 3."),
    "worsening": _l("The pain gets worse week on week: the highest morning score rose 2 weeks in a row."),
    "pain_over_2_days": _l("The knee has hurt on 3 days in a row."),
}

STOP_AND_CHECK = _l("Stop and do the check if the knee swells, gives way, locks or you cannot put weight on it.")
