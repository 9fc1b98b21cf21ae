"""Property-based fuzzing (Hypothesis) of the sync API and the page routes:
whatever arrives, no 5xx, and the store holds only valid, readable data."""

import json
import string
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeaid import create_app
from kneeaid.diary.entries import validate_entry
from tests.pages import PAGES

FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ORIGIN = {"Origin": "http://localhost"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)
times = st.one_of(st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
                  st.sampled_from(["2026-11-20T10:00:00Z", "1999-01-01T00:00:00Z", "yesterday", "", "2026-11-20"]))
ids = st.one_of(st.uuids().map(str), st.text(max_size=40))
pain_entries = st.fixed_dictionaries(
    {"id": ids, "kind": st.just("pain"), "at": times, "pain": st.integers(-2, 12) | json_values,
     "knee": st.sampled_from(["left", "right", "both", "middle"]) | json_values},
    optional={"note": st.text(max_size=600) | json_values, "updatedAt": times, "extra": json_values})
phases = st.none() | st.fixed_dictionaries({"plannedMinutes": st.integers(0, 40),
                                            "actualSeconds": st.integers(-10, 3000)}) | json_values
session_entries = st.fixed_dictionaries(
    {"id": ids, "kind": st.just("session"), "startedAt": times, "endedAt": times,
     "outcome": st.sampled_from(["completed", "stopped", "maybe"]), "cold": phases, "elevation": phases})
check_entries = st.fixed_dictionaries(
    {"id": ids, "kind": st.just("check"), "at": times,
     "symptoms": st.lists(st.sampled_from(["swelling", "deformity", "none", "cold_foot", "numbness", "x"]),
                          max_size=4),
     "tier": st.sampled_from(["emergency", "urgent", "doctor", "selfcare", "unanswered"]),
     "rules": st.lists(st.sampled_from(["D3", "E1", "E2", "E4", "D14", "X"]), max_size=3)},
    optional={"rulesVersion": st.integers(0, 3) | json_values})
odd_kinds = st.fixed_dictionaries({"id": ids, "kind": json_values, "at": times})
entries = pain_entries | session_entries | check_entries | odd_kinds | json_values
bodies = st.one_of(
    st.fixed_dictionaries({"entries": st.lists(entries, max_size=6)},
                          optional={"deleted": st.lists(ids, max_size=3)}),
    json_values)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    return create_app({"TESTING": True, "DATA_DIR": str(tmp_path_factory.mktemp("fuzz")),
                       "WRITES_PER_MINUTE": 1_000_000, "NEW_PROFILES_PER_HOUR": 1_000_000})


@FUZZ
@given(body=bodies, as_json=st.booleans(), has_profile=st.booleans())
def test_any_sync_request_gets_an_answer_below_500(fuzzed_app, body, as_json, has_profile):
    client = fuzzed_app.test_client()
    if has_profile:
        client.post("/api/diary/sync", json={"entries": [{"id": str(uuid.uuid4()), "kind": "pain",
                                                          "at": "2026-11-20T10:00:00Z", "pain": 1, "knee": "left"}]},
                    headers=ORIGIN)
    data = json.dumps(body) if as_json else str(body)
    response = client.post("/api/diary/sync", data=data, content_type="application/json", headers=ORIGIN)
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code == 200:
        answer = response.get_json()
        assert set(answer) == {"acknowledged", "rejected"}


query_text = st.text(alphabet=string.printable + "éж\u00a0%&=", max_size=40)


@FUZZ
@given(lang=st.sampled_from(["en", "ru", "de", ""]), page=st.sampled_from(PAGES + ("diary/view", "diary/summary",
                                                                                   "nothing", "check/result/")),
       query=query_text, tz=st.text(max_size=30), cookie_lang=st.text(max_size=10),
       htmx=st.booleans())
def test_any_page_request_gets_an_answer_below_500(fuzzed_app, lang, page, query, tz, cookie_lang, htmx):
    client = fuzzed_app.test_client()
    client.set_cookie("tz", tz)
    client.set_cookie("lang", cookie_lang)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"/{lang}/{page}?{query}", headers=headers)
    assert response.status_code < 500, (page, query)


def test_after_the_fuzzing_the_store_holds_only_valid_readable_entries(fuzzed_app):
    test_any_sync_request_gets_an_answer_below_500(fuzzed_app)  # the whole fuzzing run, again if it ran
    data = Path(fuzzed_app.config["DATA_DIR"])
    files = [path for path in data.rglob("*") if path.is_file()]
    assert files, "the fuzzing stored something"
    assert not [path for path in files if path.suffix == ".tmp"]
    store = fuzzed_app.extensions["kneeaid.store"]
    now = datetime.now(UTC)
    for path in data.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # never torn
    profiles = list(store.profile_ids())
    assert profiles
    for profile in profiles:
        assert (store.root / profile[:2] / f"{profile}.lock").exists()
        for entry in store.entries(profile):
            validate_entry(entry, "stored", now)
