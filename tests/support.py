"""Small helpers the tests of several layers share."""

import html
import re
from datetime import UTC, datetime

import jinja2
from flask.testing import FlaskClient

from kneeaid import create_app


def in_russian(text):
    from babel.support import Translations

    from kneeaid.i18n.catalogs import TRANSLATIONS_DIR

    return Translations.load(TRANSLATIONS_DIR, ["ru"]).gettext(text)


def answer_parts(response):
    """An answer as a person gets it, less the clock: Date and a cookie's Expires
    name the second it was made (two answers a second apart are the same)."""
    headers = [
        (n, re.sub(r"Expires=[^;]*; ", "", v) if n == "Set-Cookie" else v)
        for n, v in response.headers.items()
        if n != "Date"
    ]
    return response.status, sorted(headers), response.data


def a_zone_where_it_is_midday():
    """A fixed-offset time zone where the real time now is about noon: a browser test whose clock
    must end at the real now (the server refuses times ahead) still has its follow-up asked in the
    daytime (09:00-21:00), whenever the suite runs."""
    offset = 12 - datetime.now(UTC).hour
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of a test run: each test
    makes an app of its own, which would compile every template it renders
    again (a tenth of a second for a page). A template's source is part of the key."""

    def __init__(self):
        self.kept = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket):
        self.kept[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


class ClosingClient(FlaskClient):
    """Flask's test client, reading each answer whole and closing it, as a WSGI server does
    (a static file's answer left open would only be closed, with a ResourceWarning, by the
    garbage collector). A test that reads a stream as it comes passes buffered=False."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_test_app(tmp_path, **settings):
    """The app with its data in tmp_path. Every test client comes from one
    address, so the limits per address on new diaries, summaries and exports
    are lifted unless a test sets them."""
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "NEW_PROFILES_PER_HOUR": 1_000_000,
            "SUMMARIES_PER_MINUTE": 1_000_000,
            "EXPORTS_PER_MINUTE": 1_000_000,
            **settings,
        }
    )
    app.jinja_env.bytecode_cache = SHARED_BYTECODE
    app.test_client_class = ClosingClient
    return app


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def shown(page, attribute):
    """The values of data-<attribute> on elements that are not hidden."""
    return re.findall(rf'data-{attribute}="([^"]+)">', page)


def shown_text(page, attribute, value):
    """The text of the shown element with data-<attribute>="<value>"."""
    match = re.search(rf'data-{attribute}="{value}">(.*?)</li>', page, re.S)
    assert match, f"{attribute}={value} is not shown"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def sources_of(page):
    """The sources list as its text reads (entities such as &amp; decoded)."""
    return html.unescape(page.split('id="sources-title"')[1].split("</ul>")[0])
