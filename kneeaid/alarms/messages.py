"""What a pushed alarm says, in the person's language and time zone. Written
when the alarm is scheduled (the request knows both), kept with it, sent as is."""

from babel.dates import format_time
from flask import url_for
from flask_babel import force_locale

from ..i18n.plain_text import lazy_gettext as _l

# kind: (title, body). The body names the clock time, so a late delivery is still true.
TEXTS = {
    "skin-check": (
        _l("Look at the skin under the ice pack"),
        _l("%(time)s: if the skin is very red, white, blistered or numb, take the ice pack off and raise the leg."),
    ),
    "cold-over": (
        _l("Time is up: take the ice pack off"),
        _l("%(time)s: time is up. Take the ice pack off, then raise the leg."),
    ),
    "elevation-over": (
        _l("You can lower the leg"),
        _l(
            "%(time)s: time is up. Lower the leg and get up slowly. In the first 2-3 days, raise it again as often "
            "as you can. How is the knee now?"
        ),
    ),
    # Two days after first aid (issue 22). It names no symptom (a locked screen is seen by
    # others) and opens the home page, where the question waits.
    "follow-up": (_l("How is your knee?"), _l("Tap to note your pain.")),
    # The morning after a workout (the training log): it opens the train page, where the question waits.
    "morning": (_l("How is your knee this morning?"), _l("Tap to answer: it says whether to train today.")),
}
OPENS = {
    "follow-up": "guide.home",
    "morning": "training.page",
}  # the page a tap on the message opens; the timer's by default


def message(kind, at, lang, timezone):
    """The push payload: {title, body, kind, at, url} (static/sw.js shows it)."""
    title, body = TEXTS[kind]
    with force_locale(lang):
        clock = format_time(at, "HH:mm", tzinfo=timezone, locale=lang)
        return {
            "title": str(title),
            "body": body % {"time": clock},  # a body naming no time is kept as it is
            "kind": kind,
            "at": at.isoformat(),
            "url": url_for(OPENS.get(kind, "timer.page"), lang=lang),
        }
