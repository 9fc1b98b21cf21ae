"""Every word a script shows (static/js), by the script that shows it, in the
page's language, from the catalogs: a script never holds a word of its own.

base.html hands them over in #page-data's "words": those of the modules every
page runs (the alarm, the follow-up), with those of the page's own script (the
template's page_script); shell.js's words() reads them. Counted words come in
one form per plural category of the language, with ``{n}`` where the number
goes (JavaScript picks one with ``Intl.PluralRules``); ``{time}``, ``{day}``,
``{pain}`` and ``{words}`` are filled in by the script. The names of the
diary's own data (the knees, the kinds of entry) come with its page's data.
"""

import functools

from babel import Locale
from flask_babel import force_locale, get_locale, gettext, ngettext


@functools.cache
def script_words(language, page_script=None):
    """The words of every page's scripts and of the page's own script, computed once per language and page."""
    with force_locale(language):
        return {**every_page_words(), **PAGE_SCRIPT_WORDS.get(page_script, dict)()}


def every_page_words():
    return {
        "followUp": {
            "when": gettext("We will ask you %(day)s at %(time)s.", day="{day}", time="{time}"),
            "days": [
                gettext("on Sunday"),
                gettext("on Monday"),
                gettext("on Tuesday"),
                gettext("on Wednesday"),
                gettext("on Thursday"),
                gettext("on Friday"),
                gettext("on Saturday"),
            ],
            "noPush": gettext("Notifications are off: the question will wait for you in KneeAid."),
            "saved": gettext("Noted in your diary: pain %(pain)s of 10.", pain="{pain}"),
            "worse": gettext(
                "That is more than last time (%(pain)s of 10): check your symptoms again now.", pain="{pain}"
            ),
        },
        "alarm": {
            "title": gettext("KneeAid: take the ice pack off now"),
            "body": gettext("The time is up. Take the ice pack off the knee, then raise the leg."),
            "elevationTitle": gettext("KneeAid: you can lower the leg"),
            "elevationBody": gettext(
                "Lower the leg and get up slowly. In the first 2-3 days, raise it as often as you can."
            ),
        },
    }


def timer_words():
    """timer.js's."""
    return {
        **counted_timer_words(),
        **counted_timer_announcements(),
        **plain_timer_words(),
        **whether_the_alarm_reaches_a_locked_phone(),
    }


def diary_words():
    """diary.js's: how an entry still waiting to be sent is shown, and the list of those the server refused."""
    return {
        "pain": gettext("Pain %(pain)s of 10", pain="{pain}"),
        "quoted": gettext("“%(words)s”", words="{words}"),
        "followUpAnswer": gettext("answer to KneeAid's follow-up question"),
        "deleted": gettext("Deleted"),
        "dismiss": gettext("Remove from this list"),
    }


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


def counted_timer_words():
    """The timer's words with a count in them: one form per plural category of the language."""
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


def counted_timer_announcements():
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


def plain_timer_words():
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


PAGE_SCRIPT_WORDS = {"timer": timer_words, "diary": diary_words}
