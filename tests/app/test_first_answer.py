"""A check result nobody asked before (issue 21): once Flask has answered an
address, kneeaid/speed/front_cache.py fills the page's skeleton in for any other
query itself. What a person gets must be exactly what Flask would answer."""

import contextlib
import html
import re
from urllib.parse import urlencode

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeaid.check import triage
from kneeaid.speed import front_cache
from tests.support import answer_parts, make_test_app

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PATHS = ["/en/check/result", "/ru/check/result", "/en/check", "/ru/check"]
WAYS_OF_ASKING = [
    {},
    {"Accept-Encoding": "gzip"},
    {"HX-Request": "true"},
    {"Accept-Encoding": "gzip", "HX-Request": "true"},
    {"Cookie": "lang=ru", "Sec-Fetch-Mode": "navigate"},
    {"Sec-Fetch-Mode": "cors"},
]

# Queries as they come: ticked symptoms, unknown ones, other names, repeats,
# percent-escapes (good and broken), bytes that are not UTF-8, empty parts.
names = st.sampled_from(["s", "s", "s", "lang", "_x", "t", "s[]", "ü", "endpoint"]) | st.text(max_size=6)
values = (
    st.sampled_from(triage.SYMPTOMS)
    | st.sampled_from(["50%", "a b", "x&y", "a+b", "ü", "=", "~._-", "'()*"])
    | st.text(max_size=12)
)
encoded = st.lists(st.tuples(names, values), max_size=12).map(urlencode)
raw = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="#"), max_size=60)
queries = encoded | raw | st.tuples(encoded, raw).map("&".join)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_test_app(tmp_path_factory.mktemp("first-answer"))


@contextlib.contextmanager
def flask_unused(app):
    """The check's views fail if Flask is asked: the answer must come from the front."""
    views = {name: app.view_functions[name] for name in ("check.page", "check.result")}
    for name in views:
        app.view_functions[name] = lambda **_: pytest.fail("Flask was asked")
    try:
        yield
    finally:
        app.view_functions.update(views)


def flasks_own(app, client, path, query, headers):
    """Flask's answer: nothing kept in front, so Flask answers it (as the first ask of the address)."""
    app.extensions.pop("kneeaid.answers", None)
    return client.get(path, query_string=query, headers=headers)


@FUZZ
@given(path=st.sampled_from(PATHS), query=queries, headers=st.sampled_from(WAYS_OF_ASKING))
def test_a_query_never_asked_gets_from_the_front_exactly_what_flask_answers(app, path, query, headers):
    client = app.test_client(use_cookies=False)
    flasks_own(app, client, path, "s=calf", headers)  # the address's first ask: its recipe is kept
    with flask_unused(app):
        filled = client.get(path, query_string=query, headers=headers)
    assert answer_parts(filled) == answer_parts(flasks_own(app, client, path, query, headers))
    assert filled.status_code == 200


def test_a_result_from_the_front_shows_the_answers_and_their_tier(app):
    client = app.test_client(use_cookies=False)
    flasks_own(app, client, "/en/check/result", "s=calf", {})
    with flask_unused(app):
        page = client.get("/en/check/result?s=injury&s=cannot_bear_weight&s=x%26y").get_data(as_text=True)
    assert 'data-tier="urgent"' in page
    assert 'href="/ru/check/result?s=injury&amp;s=cannot_bear_weight&amp;s=x%26y"' in page
    assert 'href="/en/check?s=injury&amp;s=cannot_bear_weight"' in page  # "Change the answers"


def test_more_than_100_answers_are_refused_with_a_recipe_too(app):
    client = app.test_client(use_cookies=False)
    flasks_own(app, client, "/en/check/result", "s=calf", {})
    refused = client.get("/en/check/result?" + "&".join(["s=calf"] * 101))
    assert refused.status_code == 400 and "at most 100" in refused.get_data(as_text=True)


def kept_paths(app):
    return [key for key in app.extensions["kneeaid.answers"]]


def test_an_answer_set_asked_once_is_not_kept_and_pushes_nothing_out(app, monkeypatch):
    monkeypatch.setattr(front_cache, "ASKS_REMEMBERED", 20)
    client = app.test_client(use_cookies=False)
    flasks_own(app, client, "/en/check/result", "s=calf", {})
    client.get("/en/")
    before = kept_paths(app)
    for number in range(50):  # a flood of answer sets, each asked once
        client.get(f"/en/check/result?s=calf&s=n{number}")
    assert kept_paths(app) == before, "kept, or pushed the home page out"
    assert len(app.extensions["kneeaid.answers"].asked) <= 20
    again = client.get("/en/check/result?s=calf&s=n49")  # asked a second time: kept from now on
    with flask_unused(app):
        monkeypatch.setattr(front_cache.Recipe, "answer", lambda *_: pytest.fail("filled in again"))
        third = client.get("/en/check/result?s=calf&s=n49")
    assert answer_parts(third) == answer_parts(again)


def language_link(page):
    return html.unescape(re.search(r'<a class="lang-switch" href="([^"]*)"', page).group(1))


@settings(FUZZ, max_examples=100)
@given(pairs=st.lists(st.tuples(names, values), max_size=8))
def test_the_language_link_carries_the_query_as_url_for_writes_it(app, pairs):
    """The link is built without Flask's url_for (a hole of the skeleton); it
    must read as url_for's own: the same names, grouped, the same escapes."""
    client = app.test_client(use_cookies=False)
    page = client.get("/en/check/result", query_string=urlencode(pairs)).get_data(as_text=True)
    carried = {}
    for name, value in pairs:
        if name != "lang" and not name.startswith("_"):
            carried.setdefault(name, []).append(value)
    if "endpoint" in carried:  # url_for cannot take it (the link we had was a 500); the link carries it
        assert "endpoint=" in language_link(page)
        return
    with app.test_request_context():
        assert language_link(page) == url_for("check.result", lang="ru", **carried)
