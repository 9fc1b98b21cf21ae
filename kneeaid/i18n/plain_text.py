"""Catalog texts are text, never markup.

A translator's message that holds ``<script>`` must show as those characters,
not run. Flask-Babel's lazy strings say they are safe HTML (``__html__``) and
Jinja's newstyle ``_()`` wraps every message in ``Markup``, so both would be
written into pages unescaped. Here both become plain ``str``, escaped like any
other value where a template writes them. A plain module: any module may import it.
"""

import flask_babel
from flask.json.provider import DefaultJSONProvider
from flask_babel.speaklater import LazyString


class LazyText(LazyString):
    """A lazily translated text that is not markup."""

    @property
    def __html__(self):
        raise AttributeError("__html__")  # so markupsafe escapes it as text


def lazy_gettext(string, **variables):
    """``_l()``: translated when shown, in the language of that request."""
    return LazyText(flask_babel.gettext, string, **variables)


def _json_default(value):
    if isinstance(value, LazyString):
        return str(value)
    return DefaultJSONProvider.default(value)


def init_app(app):
    """Templates' ``_()`` and ``ngettext()`` give plain text (Flask-Babel's own
    functions, which fill ``%(name)s`` themselves), and JSON writes lazy texts."""
    app.jinja_env.install_gettext_callables(
        gettext=flask_babel.gettext,
        ngettext=flask_babel.ngettext,
        pgettext=flask_babel.pgettext,
        npgettext=flask_babel.npgettext,
        newstyle=False,
    )
    app.json.default = _json_default
