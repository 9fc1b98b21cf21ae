"""The first-aid timer: cold for 10-15 minutes, then elevation (triage.md,
"Cold and elevation"). The page is the same for everyone and works offline;
static/js/timer.js runs it from the wall clock and the state kept on the device.
"""

from flask import Blueprint, render_template
from flask_babel import get_locale, gettext, ngettext

bp = Blueprint("timer", __name__)

COLD_CHOICES = (10, 12, 15)  # minutes; never longer than 15 (triage.md)
COLD_DEFAULT = 15
SKIN_CHECK_AFTER = 5  # minutes of cold before looking at the skin
ELEVATION_CHOICES = (5, 10, 15, 20, 25, 30)
ELEVATION_DEFAULT = 15
HOURS_BETWEEN_COLD = 2  # NHS: every 2-3 hours


def by_plural_category(render):
    """The forms of one counted message for each CLDR plural category of the
    current language ("one", "few", "many", "other"), with ``{n}`` where the
    number goes. JavaScript picks one with ``Intl.PluralRules``."""
    samples = {}
    for number in range(200):
        samples.setdefault(get_locale().plural_form(number), number)
    return {category: render(number) for category, number in samples.items()}


def texts_for_script():
    """Every string timer.js shows, in the page's language, from the catalog."""
    return {
        "minutesLeft": by_plural_category(lambda n: ngettext(
            "%(count)s minute left", "%(count)s minutes left", n, count="{n}")),
        "coldEndedAgo": by_plural_category(lambda n: ngettext(
            "The cold ended %(count)s minute ago: remove it now.",
            "The cold ended %(count)s minutes ago: remove it now.", n, count="{n}")),
        "coldClamped": by_plural_category(lambda n: ngettext(
            "A saved timer asked for %(count)s minute of cold. Cold is never longer than 15 minutes, "
            "so it was shortened.",
            "A saved timer asked for %(count)s minutes of cold. Cold is never longer than 15 minutes, "
            "so it was shortened.", n, count="{n}")),
        "sessionsToday": by_plural_category(lambda n: ngettext(
            "%(count)s session done today.", "%(count)s sessions done today.", n, count="{n}")),
        "coldStarted": by_plural_category(lambda n: ngettext(
            "Cold started for %(count)s minute.", "Cold started for %(count)s minutes.", n, count="{n}")),
        "elevationStarted": by_plural_category(lambda n: ngettext(
            "Elevation started for %(count)s minute.", "Elevation started for %(count)s minutes.",
            n, count="{n}")),
        "coldOver": gettext("The cold time is up: remove the cold now."),
        "skinCheck": gettext("Look at the skin now."),
        "done": gettext("Done: first aid finished."),
        "paused": gettext("Paused."),
        "resumed": gettext("Running again."),
        "stopped": gettext("Timer stopped."),
        "pause": gettext("Pause"),
        "resume": gettext("Resume"),
        "nextFrom": gettext("Next cold session possible from %(time)s.", time="{time}"),
        "badSavedTimer": gettext("A saved timer could not be read, so it was cleared."),
    }


@bp.route("/timer")
def page():
    return render_template(
        "timer.html",
        cold_choices=COLD_CHOICES,
        cold_default=COLD_DEFAULT,
        elevation_choices=ELEVATION_CHOICES,
        elevation_default=ELEVATION_DEFAULT,
        settings={
            "skinCheckAfterMinutes": SKIN_CHECK_AFTER,
            "hoursBetweenCold": HOURS_BETWEEN_COLD,
            "coldChoices": COLD_CHOICES,
            "elevationChoices": ELEVATION_CHOICES,
            "text": texts_for_script(),
        },
    )
