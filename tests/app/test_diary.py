"""The diary on the server: sync, profiles, bad input, CSRF, pages, export,
delete. Every test that uses the app runs on both backends (files, then
PostgreSQL)."""

import html
import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kneeaid.diary import pages
from tests.entries import ORIGIN, check, old_check, pain, session, stored, sync
from tests.support import in_russian


@pytest.fixture
def storage_settings(each_backend):
    return each_backend


def test_the_first_write_makes_an_anonymous_profile(client):
    response = sync(client, [pain()])
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert re.match(r"kneeaid_profile=[0-9a-f]{32};", cookie)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Set-Cookie" not in sync(client, [pain()]).headers, "one profile, made once"


def test_the_profile_cookie_is_secure_under_https(client):
    response = client.post(
        "/api/diary/sync",
        json={"entries": [pain()]},
        base_url="https://localhost",
        headers={"Origin": "https://localhost"},
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_each_kind_is_stored_and_acknowledged(client):
    entries = [pain(note="after running"), session(), check()]
    response = sync(client, entries)
    assert response.get_json() == {"acknowledged": [e["id"] for e in entries], "rejected": []}
    assert sorted(stored(client), key=lambda e: e["kind"]) == sorted(entries, key=lambda e: e["kind"])


def test_sending_the_same_entry_twice_stores_it_once(client):
    entry = pain()
    sync(client, [entry])
    assert sync(client, [entry, entry]).status_code == 200
    assert stored(client) == [entry]


def test_a_later_edit_wins_and_an_older_one_is_ignored(client):
    entry = pain(3)
    sync(client, [entry])
    edited = {**entry, "pain": 7, "updatedAt": "2026-11-20T12:00:00Z"}
    older = {**entry, "pain": 1, "updatedAt": "2026-11-20T11:00:00Z"}
    sync(client, [edited])
    sync(client, [older])
    assert stored(client) == [edited]


def test_a_deleted_entry_stays_deleted_even_if_sent_again(client):
    keep, drop = pain(), pain()
    sync(client, [keep, drop])
    assert sync(client, deleted=[drop["id"]]).get_json() == {"acknowledged": [drop["id"]], "rejected": []}
    sync(client, [drop])
    assert stored(client) == [keep]


def test_a_profile_sees_only_its_own_entries(app):
    alice, bob = app.test_client(), app.test_client()
    sync(alice, [pain(9)])
    sync(bob, [pain(1)])
    assert [e["pain"] for e in stored(alice)] == [9]
    assert [e["pain"] for e in stored(bob)] == [1]


# A well-formed id nobody was given (fixed, so parallel test workers collect the same tests).
NEVER_GIVEN = "3f2b8c1e9d7a4b6c8e0f1a2b3c4d5e6f"


@pytest.mark.parametrize(
    "forged",
    ["0" * 32, NEVER_GIVEN, "../../etc/passwd", "", "x" * 4000],
    ids=["zeros", "well-formed", "path", "empty", "long"],
)
def test_a_made_up_profile_id_reads_nothing_and_is_never_adopted(app, forged):
    alice = app.test_client()
    sync(alice, [pain(9)])
    mallory = app.test_client()
    mallory.set_cookie("kneeaid_profile", forged)
    assert stored(mallory) == []
    response = sync(mallory, [pain(2)])
    assert response.status_code == 200
    given = re.match(r"kneeaid_profile=(\w+);", response.headers["Set-Cookie"]).group(1)
    assert given != forged
    assert [e["pain"] for e in stored(alice)] == [9]


def test_guessing_profile_ids_finds_nothing(app):
    alice = app.test_client()
    sync(alice, [pain(9)])
    guesser = app.test_client()
    for _ in range(200):
        guesser.set_cookie("kneeaid_profile", uuid.uuid4().hex)
        assert stored(guesser) == []


def future(days):
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


BAD_BODIES = [
    ("not json", "the body is not valid JSON"),
    ("[1, 2]", "send a JSON object: this body is an array"),
    ('{"entries": {}}', "must be lists"),
    ('{"entries": [], "extra": 1}', "unknown field extra"),
    ('{"deleted": ["nope"]}', "deleted"),
]
BAD_ENTRIES = [
    (pain(11), "entries[0].pain"),
    (pain(-1), "entries[0].pain"),
    (pain(5.5), "entries[0].pain"),
    (pain("5"), "entries[0].pain"),
    (pain(True), "entries[0].pain"),
    (pain(knee="middle"), "entries[0].knee"),
    (pain(note="x" * 501), "entries[0].note"),
    (pain(note=5), "entries[0].note"),
    (pain(at=future(2)), "more than 5 minutes in the future"),
    (pain(at="1999-12-31T23:59:59Z"), "before the year 2000"),
    (pain(at="2000-01-01T02:59:59+03:00"), "before the year 2000"),
    (pain(-1), "entries[0].pain"),
    (pain(11), "entries[0].pain"),
    (pain(at="2026-11-20T10:00:00"), "time zone"),
    (pain(at="yesterday"), "entries[0].at"),
    (pain(mood="sad"), "unknown field mood"),
    ({**pain(), "id": "1"}, "entries[0].id"),
    ({**pain(), "kind": "walk"}, "entries[0].kind"),
    ({k: v for k, v in pain().items() if k != "knee"}, "missing field knee"),
    (session(cold={"plannedMinutes": 60, "actualSeconds": 3600}), "entries[0].cold.plannedMinutes"),
    (session(cold={"plannedMinutes": 20, "actualSeconds": 1200}), "entries[0].cold.plannedMinutes"),
    (session(cold={"plannedMinutes": 16, "actualSeconds": 960}), "entries[0].cold.plannedMinutes"),
    (session(cold={"plannedMinutes": 15, "actualSeconds": 901}), "entries[0].cold.actualSeconds"),
    (session(outcome="maybe"), "entries[0].outcome"),
    (session(endedAt="2026-11-20T09:00:00Z"), "before startedAt"),
    (check(tier="selfcare"), "do not match"),
    (check(symptoms=["swelling", "nonsense"]), "entries[0].symptoms"),
    (check(symptoms=["swelling", "swelling"]), "repeated"),
    (check(symptoms=[["swelling"]]), "entries[0].symptoms"),
    (check(symptoms=[], tier="selfcare", rules=[]), "no answer"),
    (check(rulesVersion=5), "entries[0].rulesVersion"),
    (check(rulesVersion=0), "entries[0].rulesVersion"),
    (check(rulesVersion=True), "entries[0].rulesVersion"),
    (check(rulesVersion="2"), "entries[0].rulesVersion"),
    (old_check(["cold_foot"], "emergency", ["E4"]), "symptom ids of rules version 1"),
    (old_check(["numbness"], "emergency", ["E4"]), "rule ids of rules version 1"),
    (old_check(["numbness"], "unanswered", []), "entries[0].tier"),
    (old_check(["numbness"], "emergency", ["E2", "E2"]), "repeated"),
    (old_check(["bad_swelling"], "urgent", ["D3"], version=2), "symptom ids of rules version 2"),
    (old_check(["gives_way"], "urgent", ["U14"], version=2), "rule ids of rules version 2"),
    (old_check(["numbness"], "emergency", ["E2"], version=2), "rule ids of rules version 2"),
    (check(["gives_way"], "doctor", ["D2"]), "do not match"),
    ("a string", "entries[0]: must be an object"),
]


@pytest.mark.parametrize("body, problem", BAD_BODIES)
def test_a_bad_body_is_refused_with_the_problem_named(client, body, problem):
    sync(client, [pain()])
    before = stored(client)
    response = client.post("/api/diary/sync", data=body, content_type="application/json", headers=ORIGIN)
    assert response.status_code == 400
    assert problem in response.get_json()["error"]
    assert stored(client) == before


@pytest.mark.parametrize("entry, problem", BAD_ENTRIES)
def test_a_bad_entry_is_named_and_the_good_ones_of_its_request_are_stored(client, entry, problem):
    """One bad entry must not block a phone's whole outbox: the others are kept."""
    before, after = pain(), pain()
    response = sync(client, [before, entry, after])
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["acknowledged"] == [before["id"], after["id"]]
    [rejected] = answer["rejected"]
    assert problem.replace("entries[0]", "entries[1]") in rejected["error"]
    assert rejected["id"] == (entry.get("id") if isinstance(entry, dict) else None)
    assert sorted(e["id"] for e in stored(client)) == sorted([before["id"], after["id"]])


@pytest.mark.parametrize("entry, problem", BAD_ENTRIES[:6])
def test_a_request_of_bad_entries_only_makes_no_diary(client, entry, problem):
    response = sync(client, [entry])
    assert response.status_code == 200
    assert response.get_json()["acknowledged"] == []
    assert problem in response.get_json()["rejected"][0]["error"]
    assert client.get_cookie("kneeaid_profile") is None


def test_an_entry_dated_1999_does_not_block_the_entries_after_it(client):
    old = pain(at="1999-12-31T23:00:00Z")
    later = [pain(), session(), check()]
    answer = sync(client, [old, *later]).get_json()
    assert answer["acknowledged"] == [e["id"] for e in later]
    assert answer["rejected"] == [
        {"id": old["id"], "error": "entries[0].at: before the year 2000", "code": "before-2000"}
    ]


@pytest.mark.parametrize("deleted", [["nope"], [None], "not a list"])
def test_a_malformed_request_stores_none_of_its_valid_entries(client, deleted):
    response = client.post("/api/diary/sync", json={"entries": [pain(), pain()], "deleted": deleted}, headers=ORIGIN)
    assert response.status_code == 400
    assert stored(client) == []


def test_json_must_be_sent_as_json(client):
    response = client.post(
        "/api/diary/sync", data=json.dumps({"entries": [pain()]}), content_type="text/plain", headers=ORIGIN
    )
    assert response.status_code == 400
    assert "send JSON" in response.get_json()["error"]


def test_more_than_a_thousand_entries_is_refused(client):
    response = sync(client, [pain() for _ in range(1001)])
    assert response.status_code == 413
    assert "more than 1000 entries" in response.get_json()["error"]
    assert stored(client) == []
    assert sync(client, [pain() for _ in range(1000)]).status_code == 200


def test_a_body_over_one_megabyte_is_refused(client):
    response = client.post(
        "/api/diary/sync",
        data='{"entries": [], "x": "' + "x" * (1024 * 1024) + '"}',
        content_type="application/json",
        headers=ORIGIN,
    )
    assert response.status_code == 413
    assert response.is_json and response.get_json()["error"]


def test_more_than_60_writes_a_minute_is_429_and_not_stored(client):
    for _ in range(60):
        assert sync(client, [pain()]).status_code == 200
    refused = pain()
    response = sync(client, [refused])
    assert response.status_code == 429
    assert "Too many changes" in response.get_json()["error"]
    assert refused["id"] not in {e["id"] for e in stored(client)}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "http://evil.example/localhost"},
        {"Origin": "http://evil-localhost"},
        {"Referer": "https://evil.example/page"},
        {"Referer": "https://evil.example/?http://localhost/"},
    ],
)
def test_writes_from_another_site_are_refused(client, headers):
    assert sync(client, [pain()], headers=headers).status_code == 403
    assert client.post("/en/diary/entries", data={"pain": "3", "knee": "left"}, headers=headers).status_code == 403
    assert stored(client) == []


def test_forms_from_another_site_change_nothing(client):
    entry = pain()
    sync(client, [entry])
    evil = {"Origin": "https://evil.example"}
    assert client.post(f"/en/diary/entries/{entry['id']}/delete", headers=evil).status_code == 403
    assert client.post("/en/diary/delete", headers=evil).status_code == 403
    assert client.post("/en/diary/join", data={"code": "0" * 32}, headers=evil).status_code == 403
    assert stored(client) == [entry]


def test_the_bounds_themselves_are_kept(client):
    """Pain 0 and 10, the first moment of 2000 and a time 5 minutes ahead (a phone's clock a little fast)."""
    edges = [
        pain(0),
        pain(10),
        pain(at="2000-01-01T00:00:00Z"),
        pain(at="2000-01-01T03:00:00+03:00"),
        pain(at=(datetime.now(UTC) + timedelta(minutes=4, seconds=50)).isoformat()),
    ]
    answer = sync(client, edges).get_json()
    assert answer == {"acknowledged": [entry["id"] for entry in edges], "rejected": []}


def test_just_past_the_bounds_is_refused(client):
    """Made when the test runs, not when it is collected: 5 minutes and 10 seconds ahead, a second before 2000."""
    beyond = [
        pain(at=(datetime.now(UTC) + timedelta(minutes=5, seconds=10)).isoformat()),
        pain(at="1999-12-31T23:59:59Z"),
    ]
    answer = sync(client, beyond).get_json()
    assert answer["acknowledged"] == []
    assert [item["code"] for item in answer["rejected"]] == ["future", "before-2000"]


def test_a_refused_entry_says_which_kind_of_problem_it_is_by_a_stable_code(client):
    entries = [
        pain(at=future(2)),
        pain(at="1999-01-01T00:00:00Z"),
        pain(at="later"),
        pain(12),
        pain(knee="nose"),
        pain(note="n" * 501),
        {**pain(), "mood": "sad"},
        check(tier="selfcare"),
        session(endedAt="2026-11-20T09:00:00Z"),
    ]
    answer = sync(client, entries).get_json()
    assert [item["code"] for item in answer["rejected"]] == [
        "future",
        "before-2000",
        "time",
        "pain",
        "knee",
        "note",
        "shape",
        "check",
        "session",
    ]


def test_the_form_adds_an_entry_without_javascript(client):
    response = client.post("/ru/diary/entries", data={"pain": "4", "knee": "right", "note": " sore "}, headers=ORIGIN)
    assert response.status_code == 303
    assert response.headers["Location"] == "/ru/diary/view"
    [entry] = stored(client)
    assert (entry["pain"], entry["knee"], entry["note"]) == (4, "right", "sore")


@pytest.mark.parametrize(
    "form",
    [
        {"pain": "11", "knee": "left"},
        {"pain": "x", "knee": "left"},
        {"pain": "3", "knee": "nose"},
        {"pain": "3", "knee": "left", "note": "n" * 501},
        {"pain": "①", "knee": "left"},
        {"pain": "٣", "knee": "left"},
        {"pain": "³", "knee": "left"},
        {"pain": "9" * 5000, "knee": "left"},
    ],
)
def test_a_bad_form_entry_gets_a_clear_page_and_is_not_stored(client, form):
    response = client.post("/en/diary/entries", data=form, headers=ORIGIN)
    assert response.status_code == 400
    assert "The entry was not saved" in response.get_data(as_text=True)
    assert stored(client) == []


@pytest.mark.parametrize(
    "zone, typed, kept",
    [
        ("Europe%2FMoscow", "2026-11-20T21:30", "2026-11-20T21:30:00+03:00"),
        ("America%2FNew_York", "2026-07-04T08:15", "2026-07-04T08:15:00-04:00"),  # summer time
        (None, "2026-11-20T21:30", "2026-11-20T21:30:00+00:00"),  # no zone known: UTC
    ],
)
def test_the_form_keeps_the_time_the_person_entered_in_their_zone(client, zone, typed, kept):
    if zone:
        client.set_cookie("tz", zone)
    response = client.post("/en/diary/entries", data={"pain": "4", "knee": "left", "at": typed}, headers=ORIGIN)
    assert response.status_code == 303
    [entry] = stored(client)
    assert datetime.fromisoformat(entry["at"]) == datetime.fromisoformat(kept)


@pytest.mark.parametrize(
    "lang, typed, says",
    [
        ("en", "0001-01-01T00:00", "The time is before the year 2000."),
        ("en", "not a time", "The time could not be read."),
        ("ru", "2999-01-01T10:00", "Указано время в будущем, а в дневник записывают то, что уже произошло."),
        ("ru", "2026-13-40T25:00", "Не удалось распознать время."),
        # Moscow has no daylight saving: a Berlin spring-forward hour is a test of its own below.
    ],
)
def test_an_impossible_form_time_is_a_400_in_the_persons_language_keeping_what_was_typed(client, lang, typed, says):
    client.set_cookie("tz", "Europe%2FMoscow")
    response = client.post(
        f"/{lang}/diary/entries", data={"pain": "7", "knee": "right", "note": "stairs", "at": typed}, headers=ORIGIN
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert says in page
    assert 'name="pain" value="7" required checked' in page
    assert 'name="knee" value="right" required checked' in page and ">stairs</textarea>" in page
    assert f'value="{typed}"' in page
    assert stored(client) == []


@pytest.mark.parametrize(
    "lang, typed, status",
    [
        ("en", "2026-03-29T02:30", 400),  # Berlin: 02:00 became 03:00, so 02:30 never was
        ("ru", "2026-03-29T02:00", 400),  # the first minute of the gap
        ("en", "2026-03-29T01:59", 303),  # the last minute before it
        ("en", "2026-03-29T03:00", 303),  # the first minute after it
        ("en", "2026-10-25T02:30", 303),  # autumn: 02:30 was twice; the first of the two is kept
    ],
)
def test_a_local_time_the_clocks_skipped_is_refused_with_a_clear_message(client, lang, typed, status):
    client.set_cookie("tz", "Europe%2FBerlin")
    response = client.post(f"/{lang}/diary/entries", data={"pain": "4", "knee": "left", "at": typed}, headers=ORIGIN)
    assert response.status_code == status
    if status == 400:
        assert {
            "en": "This time did not exist where you are: the clocks moved forward an hour then.",
            "ru": "Такого времени в вашем часовом поясе не было: в этот момент часы перевели на час вперёд.",
        }[lang] in response.get_data(as_text=True)
        assert stored(client) == []
    else:
        [entry] = stored(client)
        local = datetime.fromisoformat(entry["at"]).astimezone(ZoneInfo("Europe/Berlin"))
        assert local.strftime("%Y-%m-%dT%H:%M") == typed and (typed < "2026-10" or local.utcoffset().seconds == 7200)


def test_export_as_json_and_csv(client):
    entries = [pain(6, note="=HYPERLINK(1)"), session(), check()]
    sync(client, entries)
    exported = client.get("/diary/export.json")
    assert "attachment" in exported.headers["Content-Disposition"]
    assert len(exported.get_json()["entries"]) == 3
    rows = client.get("/diary/export.csv").get_data(as_text=True).splitlines()
    assert rows[0].startswith("id,kind,at,")
    assert len(rows) == 4
    assert "'=HYPERLINK(1)" in "\n".join(rows), "a note is never a spreadsheet formula"


def test_delete_all_leaves_nothing_on_the_server(client, app):
    sync(client, [pain(), session()])
    profile = client.get_cookie("kneeaid_profile").value
    assert "Yes, delete everything" in client.get("/en/diary/delete").get_data(as_text=True)
    response = client.post("/en/diary/delete", headers=ORIGIN)
    assert response.status_code == 200
    assert 'id="diary-deleted"' in response.get_data(as_text=True)  # diary.js then clears the phone
    assert "kneeaid_profile=;" in response.headers["Set-Cookie"]
    assert not app.extensions["kneeaid.store"].exists(profile)
    data_dir = app.config["DATA_DIR"]
    import pathlib

    assert not [p for p in pathlib.Path(data_dir).rglob("*") if profile in p.name]


def test_the_recovery_code_joins_another_device(app):
    phone = app.test_client()
    sync(phone, [pain(8)])
    view = phone.get("/en/diary/view").get_data(as_text=True)
    code = re.search(r'<code id="recovery-code-value">([0-9a-f-]+)</code>', view).group(1)
    assert len(code) == 39
    new_phone = app.test_client()
    response = new_phone.post("/en/diary/join", data={"code": code.upper()}, headers=ORIGIN)
    assert response.status_code == 303
    assert [e["pain"] for e in stored(new_phone)] == [8]


@pytest.mark.parametrize("code", ["", "1234", "0" * 32, "../../etc", "z" * 32])
def test_a_wrong_recovery_code_is_refused_clearly(client, code):
    response = client.post("/en/diary/join", data={"code": code}, headers=ORIGIN)
    assert response.status_code == 400
    assert "No diary has this recovery code" in response.get_data(as_text=True)
    assert client.get_cookie("kneeaid_profile") is None


def view(client, lang="en"):
    return client.get(f"/{lang}/diary/view", headers={"HX-Request": "true"}).get_data(as_text=True)


def test_the_view_groups_by_the_persons_day_and_time(client):
    client.set_cookie("tz", "Europe/Moscow")
    sync(client, [pain(3, at="2026-11-20T22:30:00Z"), pain(4, at="2026-11-20T10:00:00Z")])
    page = view(client)
    assert "<h3>Saturday, November 21, 2026</h3>" in page
    assert "<h3>Friday, November 20, 2026</h3>" in page
    assert page.index("<h3>Saturday, November 21") < page.index("<h3>Friday, November 20"), "newest first"
    assert ">01:30</time>" in page, "one clock: 24-hour"


def test_a_bad_time_zone_cookie_is_ignored(client):
    client.set_cookie("tz", "../../etc/passwd")
    sync(client, [pain(3, at="2026-11-20T22:30:00Z")])
    assert "<h3>Friday, November 20, 2026</h3>" in view(client)


def test_the_view_lists_every_kind_in_both_languages(client):
    sync(client, [pain(6, note="stairs"), session(outcome="stopped", elevation=None), check()])
    english = view(client)
    assert "Pain 6 of 10</strong>, left knee: <q>stairs</q>" in english
    assert "ice pack: 15 minutes" in english and "stopped early" in english
    assert "Book a doctor in the next few days" in english
    russian = view(client, "ru")
    assert "Боль 6 из 10</strong>, левое колено" in russian
    assert "пакет со\xa0льдом\xa0— 15\xa0минут" in russian


def test_the_chart_is_drawn_on_the_server(client):
    sync(
        client,
        [pain(7, at="2026-11-18T10:00:00Z"), pain(5, at="2026-11-19T10:00:00Z"), pain(2, at="2026-11-20T10:00:00Z")],
    )
    page = view(client)
    assert page.count('<circle class="knee-dot knee-left"') == 3
    assert "Latest pain 2 of 10; lowest 2, highest 7." in page


def at(day, hour=10):
    return f"2026-11-{day:02d}T{hour:02d}:00:00Z"


@pytest.mark.parametrize(
    "entries, banner",
    [
        ([pain(5, at=at(17)), pain(4, at=at(20))], True),
        ([pain(4, at=at(20)), pain(5, at=at(17))], True),  # sent in any order
        ([pain(5, at=at(19)), pain(4, at=at(20))], False),  # not yet 2 days
        ([pain(5, at=at(17)), pain(0, at=at(20))], False),  # the pain has gone
        ([pain(5, at=at(10)), pain(0, at=at(12)), pain(3, at=at(19)), pain(4, at=at(20))], False),  # a new episode
        ([pain(5, at=at(10)), pain(0, at=at(12)), pain(3, at=at(17)), pain(4, at=at(20))], True),
        ([pain(6, at="2026-08-01T10:00:00Z"), pain(5, at=at(20))], True),  # no pain-free entry between
        ([check(["pain_over_2_days"], "doctor", ["D1"])], False),  # a check is not the diary's pain
        ([pain(4, at=at(17)), session(), pain(4, at=at(20))], True),
    ],
)
def test_pain_for_more_than_two_days_in_the_current_episode_says_see_a_doctor(client, entries, banner):
    sync(client, entries)
    page = view(client)
    assert ('id="see-doctor"' in page) is banner
    if banner:
        assert 'href="/en/doctor"' in page
        assert "Your diary shows knee pain for more than 2 days in a row (left knee): see a doctor." in page


def days_of_pain(knee, scores, first_day=7):
    """A score a day for one knee, from 2026-11-<first_day> at 09:00."""
    return [pain(score, at=at(first_day + n, 9), knee=knee) for n, score in enumerate(scores)]


def test_one_knees_zero_never_hides_the_others_two_weeks_of_pain(client, lang, monkeypatch):
    """The issue's case: the right knee scores 3-7 every day for two weeks, the left one scores 0
    once, last. Pooled, the 0 ended the run; knee by knee, the right knee's pain shows."""
    right = days_of_pain("right", [3, 5, 7, 6, 4, 5, 6, 7, 5, 4, 3, 5, 6, 4])
    sync(client, [*right, pain(0, at=at(20, 18), knee="left")])
    page = view(client, lang)
    assert {
        "en": "Your diary shows knee pain for more than 2 days in a row (right knee): see a doctor.",
        "ru": "По дневнику колено болит дольше 2\xa0дней подряд (правое колено): обратитесь к врачу.",
    }[lang] in page
    monkeypatch.setattr(pages, "summary_end", lambda: datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    summary = client.get(f"/{lang}/diary/summary").get_data(as_text=True)
    right = re.sub(r"[ \n]+", " ", summary.split('<dd id="knee-right">')[1].split("</dd>")[0])
    assert right.endswith(
        {
            "en": "No score of 0 was noted in the 13 days since the painful scores began.",
            "ru": "За 13\xa0дней с появления оценок выше 0 не было ни одной оценки 0.",
        }[lang]
    ), right
    left = re.sub(r"[ \n]+", " ", summary.split('<dd id="knee-left">')[1].split("</dd>")[0])
    assert "0" in left and "since the painful" not in left and "с появления" not in left, left


@pytest.mark.parametrize(
    "entries, knees",
    [
        (days_of_pain("right", [3, 5, 7, 6]) + [pain(0, at=at(10, 18), knee="left")], ("right",)),
        (days_of_pain("left", [3, 5, 7, 6]) + days_of_pain("right", [2, 2, 2, 2]), ("left", "right")),
        (days_of_pain("left", [3, 5, 7, 6]) + days_of_pain("right", [2, 2, 2, 0]), ("left",)),
        (days_of_pain("left", [3, 5, 7]) + days_of_pain("right", [2, 2, 2]), ()),  # exactly 2 days each
        # "both" counts for each knee: the right knee's run began with it; the left knee's is one score.
        ([pain(5, at=at(17), knee="both"), pain(4, at=at(20), knee="right")], ("right",)),
        ([pain(5, at=at(17), knee="both"), pain(4, at=at(20), knee="both")], ("left", "right")),
        (
            [pain(5, at=at(17), knee="both"), pain(0, at=at(20), knee="left"), pain(4, at=at(20), knee="right")],
            ("right",),
        ),
        ([pain(5, at=at(17), knee="right"), pain(0, at=at(20), knee="both")], ()),
        # More than 2 days: not exactly 48 hours, a minute more.
        ([pain(5, at="2026-11-18T10:00:00Z"), pain(4, at="2026-11-20T10:00:00Z")], ()),
        ([pain(5, at="2026-11-18T10:00:00Z"), pain(4, at="2026-11-20T10:01:00Z")], ("left",)),
        # A knee not scored in the 14 days before the diary's newest score is not in the current episode.
        (
            days_of_pain("left", [5, 5, 5, 5], first_day=1) + [pain(0, at="2026-11-18T09:00:00Z", knee="right")],
            ("left",),
        ),  # exactly 14 days after the left knee's last score: still current
        (days_of_pain("left", [5, 5, 5, 5], first_day=1) + [pain(0, at="2026-11-18T09:01:00Z", knee="right")], ()),
    ],
)
def test_the_two_day_rule_is_worked_out_knee_by_knee(entries, knees):
    from kneeaid.diary.history import episode_is_known, knees_in_pain_for_more_than_two_days

    assert knees_in_pain_for_more_than_two_days(entries) == knees
    assert knees_in_pain_for_more_than_two_days(list(reversed(entries))) == knees
    # The diary reads back a month at a time until the answer is known: never a different one.
    newest_first = sorted(entries, key=lambda entry: entry["at"], reverse=True)
    for n in range(1, len(entries) + 1):
        if episode_is_known(newest_first[:n]):
            assert knees_in_pain_for_more_than_two_days(newest_first[:n]) == knees, n


@pytest.mark.parametrize("kind", [session, check])
def test_a_diary_without_pain_scores_reads_a_few_months_for_its_warning(app, client, monkeypatch, kind):
    """No score to find: the view stops once it is 14 days back, not at the diary's first month."""
    store = app.extensions["kneeaid.store"]
    at = [f"{2023 + n // 12}-{n % 12 + 1:02d}-15T10:00:00Z" for n in range(40)]
    entries = (
        [session(startedAt=moment, endedAt=moment) for moment in at]
        if kind is session
        else [check(at=moment) for moment in at]
    )
    sync(client, entries)
    asked = []
    real_entries_in = store.entries_in
    monkeypatch.setattr(
        store, "entries_in", lambda profile, months: asked.append(list(months)) or real_entries_in(profile, months)
    )
    assert 'id="see-doctor"' not in view(client)
    assert sum(map(len, asked)) <= 8, asked


def test_a_one_knee_diary_reads_a_few_months_for_its_warning(app, client, monkeypatch):
    """The other knee was never scored: the diary stops reading once it reaches 14 days back."""
    store = app.extensions["kneeaid.store"]
    sync(client, [pain(5, at=f"{2023 + n // 12}-{n % 12 + 1:02d}-15T10:00:00Z", knee="right") for n in range(40)])
    asked = []
    real_entries_in = store.entries_in
    monkeypatch.setattr(
        store, "entries_in", lambda profile, months: asked.append(list(months)) or real_entries_in(profile, months)
    )
    assert "(right knee): see a doctor." in view(client)
    assert sum(map(len, asked)) <= 8, asked


def test_a_check_of_version_1_synced_after_the_update_is_kept_as_recorded(client, lang):
    waited = [
        old_check(["injury", "cannot_bear_weight"], "emergency", ["E3", "U6", "D10"]),
        old_check(["numbness"], "emergency", ["E2"]),
        old_check(["fever", "hot"], "urgent", ["U2", "D4", "D12"]),
        old_check(["child", "injury"], "urgent", ["U7", "D9", "D10"]),
        old_check(["both_knees"], "doctor", ["D6"]),
    ]
    response = sync(client, waited)
    assert response.status_code == 200
    assert response.get_json()["acknowledged"] == [entry["id"] for entry in waited]
    kept = {entry["id"]: entry for entry in stored(client)}
    for entry in waited:
        assert kept[entry["id"]] == entry  # stored as recorded, not re-evaluated
    page = html.unescape(view(client, lang))  # the reasons as they read (child&#39;s: child's)
    reasons = {
        "en": [
            "An X-ray is needed now.",
            "Possible nerve or blood-vessel damage.",
            "Possible joint infection.",
            "An injured child's knee must be examined by a doctor.",
            "Morning stiffness or both knees hurting can be a sign of arthritis.",
        ],
        "ru": ["Рентген нужен сейчас же.", "Возможно повреждение нерва или сосуда.", "Возможна инфекция сустава."],
    }
    for reason in reasons[lang]:
        assert reason in page, reason
    for entry in waited:
        item = page.split(f'data-entry-id="{entry["id"]}"')[1].split("</li>\n  <li data-entry-id")[0]
        for rule in entry["rules"]:
            assert f'<li data-rule="{rule}">' in item
        assert 'data-rules-version="1"' in item
    assert {"en": "Checked with the rules of version 1", "ru": "по правилам версии 1"}[lang] in page


def test_a_check_of_version_2_synced_after_the_update_is_kept_with_its_old_tier_and_reasons(client, lang):
    """Version 3 made a knee that gives way or crunches painfully urgent; a check that waited in a
    phone's outbox keeps the tier and reasons it was shown, and the words the person ticked then."""
    waited = [
        old_check(["gives_way"], "doctor", ["D2"], version=2),
        old_check(["crunch_pain", "swelling"], "doctor", ["D3", "D5"], version=2),
        old_check(["hot", "swelling"], "urgent", ["U8", "D3", "D4"], version=2),
    ]
    response = sync(client, waited)
    assert response.status_code == 200
    assert response.get_json() == {"acknowledged": [entry["id"] for entry in waited], "rejected": []}
    kept = {entry["id"]: entry for entry in stored(client)}
    assert [kept[entry["id"]] for entry in waited] == waited  # as recorded, not re-evaluated
    page = view(client, lang)
    reasons = {
        "en": ["A knee that gives way may have a torn ligament.", "Painful crunching can mean damaged cartilage."],
        "ru": [
            "Если колено подкашивается, возможно, порвана связка.",
            "Болезненный хруст может означать повреждение хряща.",
        ],
    }
    for reason in reasons[lang]:
        assert reason in page, reason
    for entry in waited:
        item = page.split(f'data-entry-id="{entry["id"]}"')[1].split("</li>\n  <li data-entry-id")[0]
        assert [f'<li data-rule="{rule}">' in item for rule in entry["rules"]] == [True] * len(entry["rules"])
        assert 'data-rules-version="2"' in item
        assert {"en": "Book a doctor in the next few days", "ru": "Запишитесь к врачу в ближайшие дни"}[
            lang
        ] in item or entry["tier"] == "urgent"
    # "swelling" read "swollen" (any swelling) before version 3 split it from "badly swollen".
    swollen = {"en": "the knee is swollen", "ru": "колено опухло"}[lang]
    assert swollen in page and {"en": "a little swollen", "ru": "немного опухло"}[lang] not in page
    sync(client, [check(["swelling"], "doctor", ["D3"])])
    assert {"en": "the knee is a little swollen", "ru": "колено немного опухло"}[lang] in view(client, lang)


def test_a_check_of_version_3_with_a_temperature_keeps_its_tier_and_reason_across_the_update(client, lang):
    """Version 4 made a temperature urgent (U17, was D12, doctor): a version 3 check that waited
    in a phone's outbox keeps the tier and reason it was shown; a version 4 one is urgent."""
    waited = old_check(["fever"], "doctor", ["D12"], version=3)
    hot_and_red = old_check(["hot", "redness"], "doctor", ["D4"], version=3)
    assert sync(client, [waited, hot_and_red]).get_json() == {
        "acknowledged": [waited["id"], hot_and_red["id"]],
        "rejected": [],
    }
    kept = {entry["id"]: entry for entry in stored(client)}
    assert [kept[waited["id"]], kept[hot_and_red["id"]]] == [waited, hot_and_red]
    page = html.unescape(view(client, lang))
    item = page.split(f'data-entry-id="{waited["id"]}"')[1].split("</li>\n  <li data-entry-id")[0]
    assert '<li data-rule="D12">' in item and 'data-rules-version="3"' in item
    reason = "A temperature with knee pain can mean an infection: tell a doctor."
    assert (reason if lang == "en" else in_russian(reason)) in item
    assert {"en": "Book a doctor in the next few days", "ru": "Запишитесь к врачу в ближайшие дни"}[lang] in item
    # The same answers today: urgent, with the new rules; a version 4 check claiming the old answer is refused.
    [rejected] = sync(client, [check(["fever"], "doctor", ["D12"])]).get_json()["rejected"]
    assert rejected["code"] == "check"
    today = [check(["fever"], "urgent", ["U17"]), check(["hot", "redness"], "urgent", ["U18", "D4"])]
    assert sync(client, today).get_json()["rejected"] == []
    page = html.unescape(view(client, lang))
    for entry in today:
        item = page.split(f'data-entry-id="{entry["id"]}"')[1].split("</li>\n  <li data-entry-id")[0]
        assert {"en": "See a doctor today", "ru": "К врачу сегодня"}[lang] in item
        assert "data-rules-version" not in item


def test_a_check_of_the_current_version_is_re_evaluated_and_says_no_version_note(client):
    assert sync(client, [check(["deformity"], "emergency", ["E1"])]).status_code == 200
    page = view(client)
    assert '<li data-rule="E1">The knee may be broken or out of its joint.</li>' in page
    assert "data-rules-version" not in page
    [rejected] = sync(client, [check(["numbness"], "emergency", ["E2"])]).get_json()["rejected"]
    assert "do not match" in rejected["error"]


def test_csv_export_names_the_rules_version_of_each_check(client):
    sync(client, [check(), old_check(["swelling"], "doctor", ["D3"])])
    rows = client.get("/diary/export.csv").get_data(as_text=True).splitlines()
    header = rows[0].split(",")
    versions = sorted(row.split(",")[header.index("rulesVersion")] for row in rows[1:])
    assert versions == ["1", "4"]


def test_the_summary_is_one_printable_page(client, monkeypatch):
    monkeypatch.setattr(pages, "summary_end", lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    sync(
        client,
        [
            pain(6, at="2026-11-18T10:00:00Z", note="after squats"),
            session(),
            check(["injury", "cannot_bear_weight"], "urgent", ["U3", "U6", "D10"]),
            old_check(["numbness"], "emergency", ["E2"]),
        ],
    )
    page = client.get("/en/diary/summary").get_data(as_text=True)
    assert "18 Nov 2026, 10:00 UTC · left knee · pain 6 of 10 · <q>after squats</q>" in page
    assert "1 session" in page
    assert "KneeAid advised: see a doctor today." in page and "KneeAid advised: call an ambulance." in page
    summary = page.split("<h1>")[1].split("</main>")[0]  # the follow-up card may come before it, on every page
    assert "See a doctor today" not in summary and "Call an ambulance now" not in summary, "reported, not ordered"
    assert "X-ray" not in page and "Possible nerve" not in page, "a check is one line, without its reasons"
    assert 'class="pain-chart knee-chart"' in page
    russian = client.get("/ru/diary/summary").get_data(as_text=True)
    assert "1\xa0сеанс" in russian and "Совет KneeAid: вызвать скорую помощь." in russian
    assert "Совет KneeAid: обратиться к врачу сегодня." in russian
    assert "Срочно вызовите скорую" not in russian.split("<h1>")[1].split("</main>")[0]


def test_diary_pages_never_fail_for_someone_without_a_diary(client):
    for url in ("/en/diary", "/en/diary/view", "/en/diary/summary", "/diary/export.json", "/diary/export.csv"):
        assert client.get(url).status_code == 200, url
    assert "No entries yet." in view(client)


@pytest.mark.parametrize(
    "body",
    [
        '{"entries": [null]}',
        '{"entries": [[]]}',
        '{"entries": [{"kind": null}]}',
        '{"deleted": [null]}',
        '{"entries": [{"kind": "pain", "id": {}}]}',
        "null",
        "1e999",
        '"\\ud800"',
        '{"entries": [' + "[" * 500 + "]" * 500 + "]}",
    ],
)
def test_odd_bodies_never_cause_a_500_and_store_nothing(client, body):
    response = client.post("/api/diary/sync", data=body, content_type="application/json", headers=ORIGIN)
    assert 200 <= response.status_code < 500
    assert response.get_json().get("acknowledged", []) == []
    assert stored(client) == []


def test_entries_from_separate_requests_are_all_kept(client):
    first, second, third = pain(1), session(), pain(3)
    for entry in (first, second, third):
        sync(client, [entry])
    assert {e["id"] for e in stored(client)} == {first["id"], second["id"], third["id"]}


def test_personal_pages_are_never_cached(client):
    sync(client, [pain()])
    for url in ("/en/diary/view", "/en/diary/summary", "/diary/export.json", "/diary/export.csv"):
        cache = client.get(url).cache_control
        assert cache.no_store and cache.private, url
    assert not client.get("/en/diary").cache_control.no_store, "the shell is the same for everyone"


def test_an_edit_to_an_entry_dated_later_today_is_kept(client):
    later_today = pain(3, at=(datetime.now(UTC) + timedelta(minutes=4)).isoformat())
    sync(client, [later_today])
    edit = {**later_today, "pain": 8, "updatedAt": datetime.now(UTC).isoformat()}
    assert sync(client, [edit]).get_json()["acknowledged"] == [edit["id"]]
    assert stored(client) == [{**edit, "at": canonical(edit["at"]), "updatedAt": canonical(edit["updatedAt"])}]


def canonical(text):
    """A time as the diary keeps it: UTC, RFC 3339, milliseconds when there are any."""
    moment = datetime.fromisoformat(text).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (
        f".{moment.microsecond // 1000:03d}Z" if moment.microsecond // 1000 else "Z"
    )


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z"),
        ("2026-12-01T10:00:00.000Z", "2026-12-01T10:00:00Z"),
        ("2026-12-01T10:00:00.250Z", "2026-12-01T10:00:00.250Z"),
        ("2026-12-01T10:00:00.250999+00:00", "2026-12-01T10:00:00.250Z"),
        ("20261201T100000Z", "2026-12-01T10:00:00Z"),
        ("2026-12-01 15:00:00+05", "2026-12-01T10:00:00Z"),
        ("2026-12-01T13:00+03:00", "2026-12-01T10:00:00Z"),
        ("2026-12-01T10:00:00-00:00", "2026-12-01T10:00:00Z"),
    ],
)
def test_a_time_sent_in_any_form_is_kept_in_one(client, sent, kept):
    """Python reads many forms of a time; the diary keeps one (a FHIR dateTime among them)."""
    entries = [
        pain(4, at=sent, updatedAt=sent),
        session(startedAt=sent, endedAt=sent),
        check(["swelling"], "doctor", ["D3"], at=sent),
    ]
    assert sync(client, entries).get_json()["rejected"] == []
    times = {
        key: entry[key]
        for entry in stored(client)
        for key in ("at", "updatedAt", "startedAt", "endedAt")
        if key in entry
    }
    assert set(times.values()) == {kept}, times


@pytest.mark.parametrize("kind", [["pain"], {"pain": 1}, 5, None])
def test_an_entry_whose_kind_is_not_a_word_is_named_clearly(client, kind):
    response = sync(client, [{**pain(), "kind": kind}])
    assert response.status_code == 200
    assert "entries[0].kind" in response.get_json()["rejected"][0]["error"]


def test_json_nested_990_levels_deep_is_a_clear_400(client):
    body = '{"entries": ' + "[" * 990 + "]" * 990 + "}"
    response = client.post("/api/diary/sync", data=body, content_type="application/json", headers=ORIGIN)
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]


def test_a_note_with_a_lone_surrogate_is_refused_and_leaves_no_files(client, app, tmp_path):
    import pathlib

    body = json.dumps({"entries": [pain(note="\ud800")]})
    response = client.post("/api/diary/sync", data=body, content_type="application/json", headers=ORIGIN)
    assert response.status_code == 200
    assert "entries[0].note" in response.get_json()["rejected"][0]["error"]
    assert [p for p in pathlib.Path(app.config["DATA_DIR"]).rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("zone", ["Factory", "posixrules", "localtime", "Etc/../../etc/passwd", "%ZZ"])
def test_odd_time_zone_cookies_never_break_the_diary(client, zone):
    sync(client, [pain(3, at="2026-11-20T22:30:00Z")])
    client.set_cookie("tz", zone)
    assert "<h3>Friday, November 20, 2026</h3>" in view(client)
    assert client.get("/en/diary/summary").status_code == 200


def test_the_browsers_url_encoded_time_zone_is_understood(client):
    """shell.js writes the zone with encodeURIComponent: Europe%2FMoscow."""
    sync(client, [pain(3, at="2026-11-20T22:30:00Z")])
    client.set_cookie("tz", "Europe%2FMoscow")
    assert "<h3>Saturday, November 21, 2026</h3>" in view(client)


def page_data(page):
    return json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page).group(1))


def test_without_a_time_zone_the_times_say_utc_and_the_page_asks_to_be_shown_again(client, monkeypatch):
    """A device's first page (no tz cookie yet): the times are UTC and say so,
    and the page tells shell.js to show it again once the zone is set."""
    monkeypatch.setattr(pages, "summary_end", lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    sync(client, [pain(3, at="2026-11-20T22:30:00Z", note="stairs")])
    client.delete_cookie("tz")
    summary = client.get("/en/diary/summary").get_data(as_text=True)
    assert "20 Nov 2026, 22:30 UTC · left knee · pain 3 of 10 · <q>stairs</q>" in summary
    assert 'id="zone-note"' in summary and page_data(summary)["shell"]["zoneUnknown"] is True
    month = client.get("/ru/diary/view").get_data(as_text=True)
    assert ">22:30 UTC</time>" in month and "Время указано по UTC" in month
    client.set_cookie("tz", "Europe%2FMoscow")
    summary = client.get("/en/diary/summary").get_data(as_text=True)
    assert "21 Nov 2026, 01:30 · left knee · pain 3 of 10 · <q>stairs</q>" in summary
    assert "UTC" not in summary and page_data(summary)["shell"]["zoneUnknown"] is False


@pytest.mark.parametrize("note", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_no_csv_cell_can_start_a_formula(client, note):
    import csv
    import io

    sync(client, [pain(2, note=note)])
    [row] = list(csv.DictReader(io.StringIO(client.get("/diary/export.csv").get_data(as_text=True))))
    assert row["note"] == "'" + note


def test_new_diaries_per_address_are_limited_and_writes_to_existing_ones_are_not(tmp_path, make_app):
    app = make_app(NEW_PROFILES_PER_HOUR=3)
    clients = [app.test_client() for _ in range(4)]
    for client in clients[:3]:
        assert sync(client, [pain()]).status_code == 200
    refused = sync(clients[3], [pain()])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many new diaries from this address" in refused.get_json()["error"]
    assert clients[3].get_cookie("kneeaid_profile") is None
    form = clients[3].post("/en/diary/entries", data={"pain": "3", "knee": "left"}, headers=ORIGIN)
    assert form.status_code == 429
    assert "Too many new diaries" in form.get_data(as_text=True)
    # A diary that exists keeps working, and another address may still start one.
    for _ in range(5):
        assert sync(clients[0], [pain()]).status_code == 200
    elsewhere = app.test_client()
    response = elsewhere.post(
        "/api/diary/sync", json={"entries": [pain()]}, headers=ORIGIN, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert response.status_code == 200


def test_new_diaries_asked_at_the_same_moment_stop_exactly_at_the_limit(make_app):
    app = make_app(NEW_PROFILES_PER_HOUR=5)
    barrier = threading.Barrier(20)

    def at_once(client):
        barrier.wait()
        return sync(client, [pain()]).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(at_once, [app.test_client() for _ in range(20)]))
    assert sorted(statuses) == [200] * 5 + [429] * 15
    assert len(list(app.extensions["kneeaid.store"].profile_ids())) == 5


def test_a_refused_request_does_not_count_as_a_new_diary(tmp_path, make_app):
    app = make_app(NEW_PROFILES_PER_HOUR=1)
    client = app.test_client()
    for _ in range(3):
        assert sync(client, [pain(11)]).get_json()["acknowledged"] == []
        assert (
            client.post("/api/diary/sync", data="nonsense", content_type="application/json", headers=ORIGIN).status_code
            == 400
        )
    assert sync(client, [pain()]).status_code == 200


def test_a_diary_holds_at_most_its_cap_and_edits_and_deletions_still_work(tmp_path, make_app):
    client = make_app(MAX_ENTRIES_PER_PROFILE=3).test_client()
    first = [pain(1), pain(2), pain(3)]
    assert sync(client, first).get_json() == {"acknowledged": [e["id"] for e in first], "rejected": []}
    extra = pain(4)
    answer = sync(client, [extra]).get_json()
    assert answer["acknowledged"] == []
    assert "the diary is full (3 entries)" in answer["rejected"][0]["error"]
    assert answer["rejected"][0]["id"] == extra["id"]
    edit = {**first[0], "pain": 9, "updatedAt": datetime.now(UTC).isoformat()}
    assert sync(client, [edit]).get_json()["acknowledged"] == [edit["id"]]
    assert sync(client, deleted=[first[1]["id"]]).get_json()["acknowledged"] == [first[1]["id"]]
    assert sync(client, [extra]).get_json()["acknowledged"] == [extra["id"]]
    assert sorted(e["pain"] for e in stored(client)) == [3, 4, 9]
    form = client.post("/en/diary/entries", data={"pain": "5", "knee": "left"}, headers=ORIGIN)
    assert form.status_code == 409
    assert "The diary is full" in form.get_data(as_text=True)


@pytest.fixture
def small_disk(tmp_path):
    """A real 256 KB tmpfs for the data folder, which a test can fill or make read-only."""
    import subprocess

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    assert mounted.returncode == 0, f"these tests mount a tmpfs, which needs root: {mounted.stderr}"

    def remount(mode):
        subprocess.run(["mount", "-o", f"remount,{mode}", str(mount_point)], check=True)

    yield mount_point, remount
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def files_under(folder):
    import pathlib

    return sorted(p.name for p in pathlib.Path(folder).rglob("*") if p.is_file())


def test_a_read_only_data_folder_still_reads_and_refuses_writes_with_503(small_disk):
    from kneeaid import create_app

    disk, remount = small_disk
    app = create_app({"TESTING": True, "DATA_DIR": str(disk), "NEW_PROFILES_PER_HOUR": 1_000_000})
    client = app.test_client()
    kept = [pain(3, note="kept"), session()]
    sync(client, kept)
    before = files_under(disk)
    remount("ro")

    assert sorted(e["id"] for e in stored(client)) == sorted(e["id"] for e in kept)
    assert "kept" in view(client)
    assert client.get("/diary/export.csv").status_code == 200
    refused = sync(client, [pain(5)])
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert "cannot be saved on the server right now" in refused.get_json()["error"]
    form = client.post("/en/diary/entries", data={"pain": "4", "knee": "left"}, headers=ORIGIN)
    assert form.status_code == 503 and "Retry-After" in form.headers
    assert client.post("/en/diary/delete", headers=ORIGIN).status_code == 503
    newcomer = app.test_client()
    assert sync(newcomer, [pain(2)]).status_code == 503
    assert files_under(disk) == before

    remount("rw")
    assert sync(client, [pain(5)]).status_code == 200
    assert len(stored(client)) == 3


def test_a_full_data_folder_refuses_writes_with_503_and_loses_nothing(small_disk):
    from kneeaid import create_app

    disk, _ = small_disk
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(disk), "NEW_PROFILES_PER_HOUR": 1_000_000, "WRITES_PER_MINUTE": 1_000_000}
    )
    client = app.test_client()
    acknowledged = []
    for _ in range(200):
        response = sync(client, [pain(5, note="x" * 400) for _ in range(20)])
        if response.status_code == 503:
            break
        assert response.status_code == 200
        acknowledged += response.get_json()["acknowledged"]
    assert response.status_code == 503, "the disk never filled up"
    assert "Retry-After" in response.headers
    assert {e["id"] for e in stored(client)} == set(acknowledged)
    assert not [name for name in files_under(disk) if name.endswith(".tmp")]


def months_of_entries():
    """Three entries in each of September, October and November 2026."""
    return [
        pain(level, at=f"2026-{month:02d}-{day:02d}T10:00:00Z")
        for month in (9, 10, 11)
        for level, day in ((1, 3), (2, 12), (3, 20))
    ]


def test_the_diary_shows_a_month_at_a_time_newest_first(client):
    sync(client, months_of_entries())
    newest = view(client)
    assert '<h3 class="diary-month" id="diary-month">November 2026</h3>' in newest
    assert newest.count("<li data-entry-id=") == 3
    assert "October" not in newest.split('<nav class="diary-pages"')[0]
    older = re.search(r'<a class="button" href="([^"]+)"[^>]*>Older entries</a>', newest).group(1)
    assert older == "/en/diary/view?month=2026-10"
    october = client.get(older, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "October 2026</h3>" in october and october.count("<li data-entry-id=") == 3
    assert "Newer entries" in october and "Older entries" in october
    september = client.get("/en/diary/view?month=2026-09").get_data(as_text=True)
    assert "<html" in september, "a whole page without htmx"
    assert "Older entries" not in september and "Newer entries" in september
    empty = client.get("/en/diary/view?month=2025-01", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "No entries in this month." in empty


def test_a_busy_month_is_shown_in_pages_of_at_most_200(client):
    busy = [pain(5, at=f"2026-11-{1 + n // 30:02d}T10:{n % 30:02d}:00Z") for n in range(450)]
    for start in range(0, 450, 150):
        assert sync(client, busy[start : start + 150]).status_code == 200
    pages = [view(client)]
    for page in (2, 3):
        pages.append(
            client.get(f"/en/diary/view?month=2026-11&page={page}", headers={"HX-Request": "true"}).get_data(
                as_text=True
            )
        )
    assert [page.count("<li data-entry-id=") for page in pages] == [200, 200, 50]
    shown = [re.findall(r'data-entry-id="([^"]+)"', page) for page in pages]
    assert len({entry_id for ids in shown for entry_id in ids}) == 450
    assert "page=2" in pages[0] and "Older entries" not in pages[2]


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-13",
        "month=26-11",
        "month=2026-11&page=0",
        "page=x",
        "month=2026-11&page=99999",
        "page=%C2%B3",
        "page=" + "9" * 5000,
        "page=%D9%A3",
        "month=0000-01",
        "month=1999-12",
        "month=%D9%A2%D9%A0%D9%A2%D9%A6-11",
        "page=01",
    ],
)
def test_a_diary_page_that_cannot_exist_is_a_clear_400(client, query):
    sync(client, [pain()])
    response = client.get(f"/en/diary/view?{query}")
    assert response.status_code == 400
    assert "ask for a month as 2026-11" in response.get_data(as_text=True)


def test_a_month_is_the_persons_month_across_the_edge_of_a_utc_month(client):
    client.set_cookie("tz", "Europe/Moscow")
    sync(
        client,
        [pain(2, at="2026-10-31T22:30:00Z"), pain(4, at="2026-10-31T20:00:00Z"), pain(6, at="2026-09-30T21:30:00Z")],
    )  # Moscow: 1 Nov 01:30, 31 Oct 23:00, 1 Oct 00:30
    november = view(client)
    assert "November 2026</h3>" in november and november.count("<li data-entry-id=") == 1
    october = client.get("/en/diary/view?month=2026-10", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert october.count("<li data-entry-id=") == 2 and "Older entries" not in october


def test_older_and_newer_skip_the_months_without_entries(client):
    sync(client, [pain(1, at="2024-01-10T10:00:00Z"), pain(2, at="2026-11-10T10:00:00Z")])
    newest = view(client)
    assert 'href="/en/diary/view?month=2024-01"' in newest
    oldest = client.get("/en/diary/view?month=2024-01", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'href="/en/diary/view?month=2026-11"' in oldest and oldest.count("<li data-entry-id=") == 1


def test_the_view_reads_a_few_months_of_a_long_diary(app, client, monkeypatch):
    store = app.extensions["kneeaid.store"]
    long_diary = [pain(n % 10, at=f"{2023 + n // 12}-{n % 12 + 1:02d}-15T10:00:00Z") for n in range(40)]
    sync(client, long_diary)
    asked = []
    real_entries_in = store.entries_in
    monkeypatch.setattr(
        store, "entries_in", lambda profile, months: asked.append(list(months)) or real_entries_in(profile, months)
    )
    monkeypatch.setattr(store, "entries", lambda profile: pytest.fail("the view read the whole diary"))
    page = view(client)
    assert "April 2026</h3>" in page and page.count("<li data-entry-id=") == 1
    assert asked and max(len(months) for months in asked) <= 4
    page = client.get("/en/diary/view?month=2024-06", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "June 2024</h3>" in page and page.count("<li data-entry-id=") == 1
    assert 'month=2024-05"' in page and 'month=2024-07"' in page


def test_the_views_chart_shows_the_month_before_its_newest_entry_not_a_calendar_month(client):
    """A two-week episode from 25 October to 7 November: November's page charts all of it."""
    episode = [
        pain(n % 8 + 1, at=(datetime(2026, 10, 25, 10, tzinfo=UTC) + timedelta(days=n)).isoformat()) for n in range(14)
    ]
    sync(client, [pain(9, at="2026-09-20T10:00:00Z"), *episode])  # September: more than 30 days before
    page = view(client)
    assert "November 2026</h3>" in page
    assert page.count('<circle class="knee-dot knee-left"') == 14, "the whole episode, October's days too"
    page = html.unescape(page)
    assert re.search(r"From Oct 8, 2026 to Nov 7, 2026\.", page), "30 days back from the newest entry"


def test_the_diary_page_gives_its_script_every_kinds_name_in_the_pages_language(client):
    """An entry still in the phone's outbox is shown by its kind's name (the table of kinds)."""
    english = page_data(client.get("/en/diary").get_data(as_text=True))["page"]["labels"]["kinds"]
    russian = page_data(client.get("/ru/diary").get_data(as_text=True))["page"]["labels"]["kinds"]
    assert english == {
        "pain": "Pain score",
        "session": "First-aid session",
        "check": "Symptom check",
        "workout": "Workout",
        "doctor_visit": "Seen a doctor",
    }
    assert russian == {
        "pain": "Оценка боли",
        "session": "Сеанс первой помощи",
        "check": "Проверка симптомов",
        "workout": "Тренировка",
        "doctor_visit": "Визит к\xa0врачу",
    }
