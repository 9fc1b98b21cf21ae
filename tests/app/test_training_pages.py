"""The training log's pages on the server: the page to log a workout (the same
for everyone), and without JavaScript the forms and the knee's answers from the
diary the server holds (kneeaid/training/pages.py)."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.entries import ORIGIN, check, morning_answer, stored, sync, workout

MOSCOW = ZoneInfo("Europe/Moscow")
WORKOUT_FORM = {
    "activity": "run",
    "minutes": "45",
    "painDuring": "2",
    "painAfter": "4",
    "knee": "left",
    "at": "",
    "morningTime": "07:30",
    "note": " hills ",
}


def ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def answers(client, lang="en"):
    return client.get(f"/{lang}/train/answers").get_data(as_text=True)


def zones(html):
    """{knee: zone} of the [data-zone] cards of a page."""
    return {knee: zone for zone, knee in re.findall(r'data-zone="(\w+)" data-knee="(\w+)"', html)}


def patterns(html):
    return re.findall(r'data-pattern="(\w+)"', html)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_page_offers_the_workout_form_by_its_fields_names(client, lang):
    html = client.get(f"/{lang}/train").get_data(as_text=True)
    for field in ("activity", "painDuring", "painAfter", "knee"):
        assert f'name="{field}"' in html
    assert 'name="minutes" min="1" max="600"' in html
    for field in ("painDuring", "painAfter"):
        assert [int(v) for v in re.findall(rf'type="radio" name="{field}" value="(\d+)"', html)] == list(range(11))
    assert ("Can I train today?" if lang == "en" else "Можно ли мне сегодня тренироваться?") in html


def test_a_workout_from_the_form_is_stored_asked_about_at_the_chosen_hour_and_answered(client):
    client.set_cookie("tz", "Europe%2FMoscow")
    response = client.post("/en/train", data=WORKOUT_FORM, headers=ORIGIN)
    assert response.status_code == 303 and response.headers["Location"] == "/en/train/answers"
    [entry] = stored(client)
    assert {k: entry[k] for k in ("kind", "activity", "minutes", "painDuring", "painAfter", "knee", "note")} == {
        "kind": "workout",
        "activity": "run",
        "minutes": 45,
        "painDuring": 2,
        "painAfter": 4,
        "knee": "left",
        "note": "hills",
    }
    asked = datetime.fromisoformat(entry["morningAt"].replace("Z", "+00:00")).astimezone(MOSCOW)
    ended = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).astimezone(MOSCOW)
    assert (asked.date(), asked.hour, asked.minute) == (ended.date() + timedelta(days=1), 7, 30)
    assert zones(answers(client)) == {"left": "waiting"}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"minutes": "0"}, "The minutes must be a whole number from 1 to 600."),
        ({"minutes": "601"}, "The minutes must be a whole number from 1 to 600."),
        ({"minutes": ""}, "The minutes must be a whole number from 1 to 600."),
        ({"painAfter": "11"}, "The pain must be a whole number from 0 to 10."),
        ({"activity": "chess"}, "No activity was chosen."),
        ({"knee": ""}, "No knee was chosen."),
        ({"at": "2999-01-01T10:00"}, "The time is in the future"),
    ],
)
def test_a_bad_workout_form_gets_a_clear_page_keeping_what_was_typed_and_stores_nothing(client, change, says):
    response = client.post("/en/train", data={**WORKOUT_FORM, **change}, headers=ORIGIN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The workout was not saved." in html and says in html
    assert "hills" in html, "the note typed is kept"
    assert stored(client) == []


@pytest.mark.parametrize(
    "path, form", [("/en/train", WORKOUT_FORM), ("/en/train/morning", {"pain": "1"}), ("/en/train/seen-doctor", {})]
)
def test_each_form_counts_in_the_new_diaries_an_address_may_start(make_app, path, form):
    app = make_app(NEW_PROFILES_PER_HOUR=1)
    assert sync(app.test_client(), [workout()]).status_code == 200  # the address's one new diary an hour
    newcomer = app.test_client()
    refused = newcomer.post(path, data=form, headers=ORIGIN)
    assert refused.status_code == 429
    assert "Too many new diaries" in refused.get_data(as_text=True)
    assert newcomer.get_cookie("kneeaid_profile") is None
    assert len(list(app.extensions["kneeaid.store"].profile_ids())) == 1


def test_the_forms_are_refused_from_another_site(client):
    evil = {"Origin": "https://evil.example"}
    assert client.post("/en/train", data=WORKOUT_FORM, headers=evil).status_code == 403
    assert client.post("/en/train/morning", data={"pain": "1"}, headers=evil).status_code == 403
    assert client.post("/en/train/seen-doctor", data={}, headers=evil).status_code == 403
    assert stored(client) == []


def test_with_no_workout_it_offers_to_log_one_and_always_says_when_to_stop(client):
    html = answers(client)
    assert zones(html) == {}
    assert "No workout in the last 14 days." in html and 'href="/en/train#log-title"' in html
    assert "Stop and do the check if the knee swells, gives way, locks or you cannot put weight on it." in html


def test_each_knee_shows_its_latest_zone_with_its_words(client):
    sync(
        client,
        [
            workout(6, 2, at=ago(hours=3)),
            workout(1, 2, at=ago(hours=5), knee="right"),
            workout(7, 1, at=ago(days=2), knee="both"),
        ],
    )
    html = answers(client)
    assert zones(html) == {"left": "red", "right": "waiting", "both": "check"}
    assert "Stop this activity until the knee is quiet." in html
    assert "Your knee took it well<span data-waiting>: until tomorrow morning&#39;s answer</span>" in html
    assert 'href="/en/check?s=severe_pain"' in html, "a check zone links to the check with its symptom ticked"


def test_the_morning_answer_from_the_card_gives_the_final_zone(client):
    # Asked an hour ago, whatever the hour of the run: 08:00 the next day (the default) is not yet
    # come for a workout 20 hours ago when the suite runs after 20:00 UTC.
    session = workout(1, 2, at=ago(hours=20), morningAt=ago(hours=1))
    sync(client, [session])
    html = answers(client)
    assert 'data-morning="left"' in html and f'value="{session["id"]}"' in html
    response = client.post(
        "/en/train/morning",
        data={"morningOf": session["id"], "knee": "left", "pain": "0", "signs": ["gives_way"]},
        headers=ORIGIN,
    )
    assert response.status_code == 303
    [answer] = [e for e in stored(client) if e["kind"] == "pain"]
    assert (answer["morningOf"], answer["signs"], answer["pain"]) == (session["id"], ["gives_way"], 0)
    html = answers(client)
    assert zones(html) == {"left": "check"} and "data-morning" not in html
    assert 'href="/en/check?s=gives_way"' in html


def test_a_settled_morning_is_green_in_russian_too(client):
    session = workout(1, 2, at=ago(hours=20))
    sync(client, [session, {**morning_answer(session, 0), "at": ago(hours=1)}])
    assert zones(answers(client, "ru")) == {"left": "green"}
    assert "Колено хорошо перенесло нагрузку" in answers(client, "ru")


def test_a_pattern_stands_above_the_zone_links_the_check_and_stops_when_a_doctor_was_seen(client):
    sync(client, [workout(1, 3, at=ago(days=days)) for days in (5, 3, 1)])
    html = answers(client)
    assert patterns(html) == ["after_every_workout"]
    assert html.index('data-pattern="after_every_workout"') < html.index("data-zone-card")
    assert 'href="/en/check?s=after_every_workout"' in html
    assert "Regular or growing pain: training through pain does harm." in html
    assert client.post("/en/train/seen-doctor", data={"knee": "left"}, headers=ORIGIN).status_code == 303
    assert [e["knee"] for e in stored(client) if e["kind"] == "doctor_visit"] == ["left"]
    assert patterns(answers(client)) == []


def test_an_urgent_check_stands_above_any_zone(client):
    sync(client, [{**check(["locked"], "urgent", ["U1"]), "at": ago(days=13)}, workout(0, 0, at=ago(hours=2))])
    html = answers(client)
    assert patterns(html) == ["check_stands"] and "data-zone-card" not in html
    assert "said: See a doctor today. Follow that first." in html
