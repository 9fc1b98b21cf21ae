"""The first-aid timer: an ice pack for 10-15 minutes, then the leg raised
(docs/medical-rules.md, "Cold and elevation"). The page is the same for everyone and works offline;
static/js/timer.js runs it from the wall clock and the state kept on the device.
"""

import functools

from babel import Locale
from flask import Blueprint, render_template
from flask_babel import force_locale, get_locale, gettext, ngettext

from ..speed.contract import shared
from .limits import COLD_CHOICES, COLD_DEFAULT, ELEVATION_CHOICES, ELEVATION_DEFAULT, LIMITS

bp = Blueprint("timer", __name__)


def by_plural_category(render):
    """The forms of one counted message for each CLDR plural category of the
    current language ("one", "few", "many", "other"), with ``{n}`` where the
    number goes. JavaScript picks one with ``Intl.PluralRules``."""
    return {category: render(number) for category, number in plural_samples(str(get_locale())).items()}


@functools.cache
def plural_samples(language):
    """One number of each plural category of a language: {"one": 1, "few": 2, ...}."""
    locale = Locale.parse(language)
    samples = {}
    for number in range(200):
        samples.setdefault(locale.plural_form(number), number)
    return samples


@functools.cache
def texts_in(language):
    """texts_for_script() for one language, computed once: it depends on nothing else."""
    with force_locale(language):
        return texts_for_script()


def texts_for_script():
    """Every string timer.js shows, in the page's language, from the catalog."""
    return {**counted_texts(), **counted_announcements(), **plain_texts(), **whether_the_alarm_reaches_a_locked_phone()}


def counted_texts():
    """The strings with a count in them: one form per plural category of the language."""
    return {
        "minutesLeft": by_plural_category(
            lambda n: ngettext("%(count)s minute left", "%(count)s minutes left", n, count="{n}")
        ),
        "coldEndedAgo": by_plural_category(
            lambda n: ngettext(
                "The ice pack should have come off %(count)s minute ago: take it off now.",
                "The ice pack should have come off %(count)s minutes ago: take it off now.",
                n,
                count="{n}",
            )
        ),
        "coldClamped": by_plural_category(
            lambda n: ngettext(
                "A saved timer asked for %(count)s minute with the ice pack. It must never stay on for more "
                "than 15 minutes, so the time was shortened.",
                "A saved timer asked for %(count)s minutes with the ice pack. It must never stay on for more "
                "than 15 minutes, so the time was shortened.",
                n,
                count="{n}",
            )
        ),
        "sessionsToday": by_plural_category(
            lambda n: ngettext("%(count)s session done today.", "%(count)s sessions done today.", n, count="{n}")
        ),
    }


def counted_announcements():
    """What the live region says as a phase starts, with its minutes (one form per plural category)."""
    return {
        "coldStarted": by_plural_category(
            lambda n: ngettext(
                "Ice pack on: timer set for %(count)s minute.",
                "Ice pack on: timer set for %(count)s minutes.",
                n,
                count="{n}",
            )
        ),
        "elevationStarted": by_plural_category(
            lambda n: ngettext(
                "Leg raised: timer set for %(count)s minute.",
                "Leg raised: timer set for %(count)s minutes.",
                n,
                count="{n}",
            )
        ),
    }


def plain_texts():
    return {
        "coldOver": gettext("Time is up: take the ice pack off now."),
        "skinCheck": gettext("Look at the skin now."),
        "done": gettext("Done: first aid finished."),
        "paused": gettext("Paused."),
        "resumed": gettext("Running again."),
        "stopped": gettext("Timer stopped."),
        "pause": gettext("Pause"),
        "resume": gettext("Resume"),
        "nextFrom": gettext("Next ice pack possible from %(time)s.", time="{time}"),
        "iceOffAt": gettext("Ice pack off at %(time)s", time="{time}"),
        "stopQuestion": gettext("Stop the timer? What was done so far is kept in the diary."),
        "stopYes": gettext("Yes, stop"),
        "againQuestion": gettext("The last ice pack came off less than 2 hours ago. Start another one anyway?"),
        "againYes": gettext("Start anyway"),
        "whyNotifications": gettext(
            "So that the alarm can also show as a notification, KneeAid asks once "
            "whether it may send notifications. The timer works either way."
        ),
        "badSavedTimer": gettext("A saved timer could not be read, so it was cleared."),
    }


def whether_the_alarm_reaches_a_locked_phone():
    """What the timer page says of it: before the start, why it may not
    ("push", by static/js/push.js's pushStatus()); while the timer runs, in one
    line under the countdown ("lock": "on" once the server holds this timer's
    alarms, "off" otherwise)."""
    return {
        "push": push_status_texts(),
        "lock": {
            "on": gettext("The alarm will reach your locked phone."),
            "off": gettext("Keep this page open: the alarm cannot reach a locked phone."),
        },
    }


def push_status_texts():
    """What the timer page says before the start about why the alarm may not
    reach this phone with its screen locked, by static/js/push.js's
    pushStatus(). Nothing is promised before the server has accepted the
    alarms of a running timer (then the "lock" line says so)."""
    return {
        "refused": gettext(
            "Notifications are refused on this phone: the alarm rings only while a KneeAid page is open. Keep it open."
        ),
        "offline": gettext(
            "No network now: the alarm rings only while a KneeAid page is open. Keep it open and the screen on."
        ),
        "ios-home-screen": gettext(
            "On an iPhone the alarm reaches a locked screen only when KneeAid is on "
            "the home screen (Share, then Add to Home Screen). Until then, keep this "
            "page open."
        ),
        "unsupported": gettext(
            "This browser cannot get the alarm with the screen locked: keep this page open and the screen on."
        ),
    }


@bp.app_context_processor
def timer_limits():
    """Every page watches a running timer (static/js/alarm.js): it gets the limits too."""
    return {"timer_limits": LIMITS}


@bp.route("/timer")
@shared
def page():
    return render_template(
        "timer/page.html",
        cold_choices=COLD_CHOICES,
        cold_default=COLD_DEFAULT,
        elevation_choices=ELEVATION_CHOICES,
        elevation_default=ELEVATION_DEFAULT,
        settings={"text": texts_in(str(get_locale()))},  # the limits come with every page (timer_limits)
    )
