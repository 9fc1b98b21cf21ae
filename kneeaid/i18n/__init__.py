"""Languages: which exist and which one a request is in (languages.py), the
/ru/ and /en/ prefixes and the remembered choice (language_choice.py), the
catalogs and the ``flask translate`` commands (catalogs.py), catalog texts
that stay text, never markup (plain_text.py), and every word a script shows
(script_words.py)."""

from pathlib import Path

from ..extensions import babel
from . import language_choice, plain_text
from .catalogs import compile_catalogs
from .languages import current_language, current_timezone
from .script_words import script_words

__all__ = ["init_app"]


def init_app(app):
    """Compile the catalogs that need it, then bind Babel and the language prefixes."""
    compile_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    babel.init_app(app, locale_selector=current_language, timezone_selector=current_timezone)
    plain_text.init_app(app)
    language_choice.init_app(app)
    app.context_processor(lambda: {"script_words": script_words})
