"""Property-based fuzzing (Hypothesis) of the sync API and the page routes:
whatever arrives, no 5xx, and the store holds only valid, readable data."""

import base64
import json
import string
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeaid import create_app
from kneeaid.diary.entries import validate_entry
from tests.pages import PAGES

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Each field of each API on its own: fewer examples a test, as many fields as there are.
FIELD_FUZZ = settings(FUZZ, max_examples=120)
ORIGIN = {"Origin": "http://localhost"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
times = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
    st.sampled_from(["2026-11-20T10:00:00Z", "1999-01-01T00:00:00Z", "yesterday", "", "2026-11-20"]),
)
ids = st.one_of(st.uuids().map(str), st.text(max_size=40))
pain_entries = st.fixed_dictionaries(
    {
        "id": ids,
        "kind": st.just("pain"),
        "at": times,
        "pain": st.integers(-2, 12) | json_values,
        "knee": st.sampled_from(["left", "right", "both", "middle"]) | json_values,
    },
    optional={"note": st.text(max_size=600) | json_values, "updatedAt": times, "extra": json_values},
)
phases = (
    st.none()
    | st.fixed_dictionaries({"plannedMinutes": st.integers(0, 40), "actualSeconds": st.integers(-10, 3000)})
    | json_values
)
session_entries = st.fixed_dictionaries(
    {
        "id": ids,
        "kind": st.just("session"),
        "startedAt": times,
        "endedAt": times,
        "outcome": st.sampled_from(["completed", "stopped", "maybe"]),
        "cold": phases,
        "elevation": phases,
    }
)
check_entries = st.fixed_dictionaries(
    {
        "id": ids,
        "kind": st.just("check"),
        "at": times,
        "symptoms": st.lists(
            st.sampled_from(["swelling", "deformity", "none", "cold_foot", "numbness", "x"]), max_size=4
        ),
        "tier": st.sampled_from(["emergency", "urgent", "doctor", "selfcare", "unanswered"]),
        "rules": st.lists(st.sampled_from(["D3", "E1", "E2", "E4", "D14", "X"]), max_size=3),
    },
    optional={"rulesVersion": st.integers(0, 4) | json_values},
)
odd_kinds = st.fixed_dictionaries({"id": ids, "kind": json_values, "at": times})
entries = pain_entries | session_entries | check_entries | odd_kinds | json_values
bodies = st.one_of(
    st.fixed_dictionaries({"entries": st.lists(entries, max_size=6)}, optional={"deleted": st.lists(ids, max_size=3)}),
    json_values,
)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path_factory.mktemp("fuzz")),
            "WRITES_PER_MINUTE": 1_000_000,
            "NEW_PROFILES_PER_HOUR": 1_000_000,
            "ALARM_REQUESTS_PER_MINUTE": 1_000_000,
            "MAX_ALARMS_PER_SUBSCRIPTION": 1_000_000,
        }
    )


@FUZZ
@given(body=bodies, as_json=st.booleans(), has_profile=st.booleans())
def test_any_sync_request_gets_an_answer_below_500(fuzzed_app, body, as_json, has_profile):
    client = fuzzed_app.test_client()
    if has_profile:
        client.post(
            "/api/diary/sync",
            json={
                "entries": [
                    {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 1, "knee": "left"}
                ]
            },
            headers=ORIGIN,
        )
    data = json.dumps(body) if as_json else str(body)
    response = client.post("/api/diary/sync", data=data, content_type="application/json", headers=ORIGIN)
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code == 200:
        answer = response.get_json()
        assert set(answer) == {"acknowledged", "rejected"}


query_text = st.text(alphabet=string.printable + "éж\u00a0%&=", max_size=40)


@FUZZ
@given(
    lang=st.sampled_from(["en", "ru", "de", ""]),
    page=st.sampled_from(PAGES + ("diary/view", "diary/summary", "nothing", "check/result/")),
    query=query_text,
    tz=st.text(max_size=30),
    cookie_lang=st.text(max_size=10),
    htmx=st.booleans(),
)
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


# Every field of every JSON API, given a JSON value of the wrong type -----------

# Past every length limit: a drawn piece repeated to 2,000-5,000 characters (drawn a character at a
# time, such a text was most of this file's time: half a million draws for one test).
long_texts = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.text(min_size=1, max_size=40),
    st.integers(2000, 5000),
)
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**200), 2**200)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | long_texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)
JSON_TYPE = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def of_other_type(expected):
    """Arbitrary JSON whose type is none of `expected` (JSON type names)."""
    return any_json.filter(lambda value: JSON_TYPE[type(value)] not in expected)


# field: the JSON types it may be (its values are checked after its type)
SYNC_ENTRY_FIELDS = {
    "pain": {
        "id": {"string"},
        "kind": {"string"},
        "at": {"string"},
        "pain": {"number"},
        "knee": {"string"},
        "note": {"string"},
        "updatedAt": {"string"},
        "morningOf": {"string"},
        "signs": {"array"},
    },
    "workout": {
        "id": {"string"},
        "kind": {"string"},
        "at": {"string"},
        "activity": {"string"},
        "minutes": {"number"},
        "painDuring": {"number"},
        "painAfter": {"number"},
        "knee": {"string"},
        "note": {"string"},
        "morningAt": {"string"},
    },
    "doctor_visit": {"id": {"string"}, "kind": {"string"}, "at": {"string"}, "knee": {"string"}, "note": {"string"}},
    "session": {
        "id": {"string"},
        "kind": {"string"},
        "startedAt": {"string"},
        "endedAt": {"string"},
        "outcome": {"string"},
        "cold": {"object", "null"},
        "elevation": {"object", "null"},
    },
    "check": {
        "id": {"string"},
        "kind": {"string"},
        "at": {"string"},
        "symptoms": {"array"},
        "tier": {"string"},
        "rules": {"array"},
        "rulesVersion": {"number"},
    },
}
VALID_ENTRIES = {
    "workout": lambda: {
        "id": str(uuid.uuid4()),
        "kind": "workout",
        "at": "2026-11-20T10:00:00Z",
        "activity": "run",
        "minutes": 30,
        "painDuring": 2,
        "painAfter": 3,
        "knee": "left",
        "note": "",
        "morningAt": "2026-11-21T08:00:00Z",
    },
    "doctor_visit": lambda: {
        "id": str(uuid.uuid4()),
        "kind": "doctor_visit",
        "at": "2026-11-22T10:00:00Z",
        "knee": "right",
        "note": "",
    },
    "pain": lambda: {
        "id": str(uuid.uuid4()),
        "kind": "pain",
        "at": "2026-11-20T10:00:00Z",
        "pain": 3,
        "knee": "left",
        "note": "",
        "updatedAt": "2026-11-20T10:00:00Z",
    },
    "session": lambda: {
        "id": str(uuid.uuid4()),
        "kind": "session",
        "startedAt": "2026-11-20T10:00:00Z",
        "endedAt": "2026-11-20T10:30:00Z",
        "outcome": "completed",
        "cold": {"plannedMinutes": 15, "actualSeconds": 900},
        "elevation": None,
    },
    "check": lambda: {
        "id": str(uuid.uuid4()),
        "kind": "check",
        "at": "2026-11-20T10:00:00Z",
        "symptoms": ["swelling"],
        "tier": "doctor",
        "rules": ["D3"],
        "rulesVersion": 4,
    },
}
sync_fields = st.sampled_from([(kind, field) for kind, fields in SYNC_ENTRY_FIELDS.items() for field in fields])


def stored_ids(app, client):
    """The ids stored in the diary of this client: the only diary its requests can write to.
    (Reading every diary of the module's store after each example made these tests quadratic.)"""
    cookie = client.get_cookie("kneeaid_profile")
    if cookie is None:
        return set()
    return {entry["id"] for entry in app.extensions["kneeaid.store"].entries(cookie.value)}


@FIELD_FUZZ
@given(where=sync_fields, data=st.data())
def test_every_sync_entry_field_of_the_wrong_type_is_named_and_nothing_is_stored(fuzzed_app, where, data):
    """One entry with a field of the wrong type is refused by name (a phone's outbox is never blocked:
    the answer is 200 and the others of its request are kept); it is never stored."""
    kind, field = where
    entry = VALID_ENTRIES[kind]()
    entry[field] = data.draw(of_other_type(SYNC_ENTRY_FIELDS[kind][field]))
    good = VALID_ENTRIES["pain"]()
    client = fuzzed_app.test_client()
    response = client.post("/api/diary/sync", json={"entries": [entry, good]}, headers=ORIGIN)
    assert response.status_code == 200 and response.is_json
    answer = response.get_json()
    assert answer["acknowledged"] == [good["id"]]
    [rejected] = answer["rejected"]
    assert f".{field}" in rejected["error"] or "entries[0]" in rejected["error"], rejected
    assert not isinstance(entry["id"], str) or entry["id"] not in stored_ids(fuzzed_app, client)


@FIELD_FUZZ
@given(field=st.sampled_from(["entries", "deleted"]), data=st.data())
def test_a_sync_body_field_of_the_wrong_type_is_a_400_and_nothing_is_stored(fuzzed_app, field, data):
    good = VALID_ENTRIES["pain"]()
    body = {"entries": [good], "deleted": []}
    body[field] = data.draw(of_other_type({"array"}))
    client = fuzzed_app.test_client()
    response = client.post("/api/diary/sync", json=body, headers=ORIGIN)
    assert response.status_code == 400 and response.is_json
    assert field in response.get_json()["error"]
    assert good["id"] not in stored_ids(fuzzed_app, client)


@FIELD_FUZZ
@given(body=of_other_type({"object"}), api=st.sampled_from(["/api/diary/sync", "/api/timer/alarms"]))
def test_a_json_body_that_is_not_an_object_is_told_to_send_one(fuzzed_app, body, api):
    response = fuzzed_app.test_client().post(
        api, data=json.dumps(body), content_type="application/json", headers=ORIGIN
    )
    assert response.status_code == 400 and response.is_json
    assert response.get_json()["error"].startswith("send a JSON object")


def valid_alarm():
    from tests.support import iso

    p256dh = (
        base64.urlsafe_b64encode(
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        .decode()
        .rstrip("=")
    )
    return {
        "subscription": {
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
            "keys": {"p256dh": p256dh, "auth": base64.urlsafe_b64encode(b"0" * 16).decode()},
        },
        "at": iso(datetime.now(UTC) + timedelta(minutes=10)),
        "kind": "cold-over",
        "lang": "en",
    }


ALARM_FIELDS = {
    ("subscription",): {"object"},
    ("subscription", "endpoint"): {"string"},
    ("subscription", "keys"): {"object"},
    ("subscription", "keys", "p256dh"): {"string"},
    ("subscription", "keys", "auth"): {"string"},
    ("at",): {"string"},
    ("kind",): {"string"},
    ("lang",): {"string"},
}


@FIELD_FUZZ
@given(path=st.sampled_from(sorted(ALARM_FIELDS)), data=st.data())
def test_every_alarm_field_of_the_wrong_type_is_a_clear_400_and_nothing_is_stored(fuzzed_app, path, data):
    body = valid_alarm()
    holder = body
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = data.draw(of_other_type(ALARM_FIELDS[path]))
    queue = fuzzed_app.extensions["kneeaid.alarms"]["queue"]
    before = len(list(queue.waiting()))
    response = fuzzed_app.test_client().post("/api/timer/alarms", json=body, headers=ORIGIN)
    assert response.status_code == 400 and response.is_json, response.get_data(as_text=True)
    assert path[-1] in response.get_json()["error"]
    assert len(list(queue.waiting())) == before
