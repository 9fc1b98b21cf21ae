"""The training log's entries in the diary (kinds/workout.py, kinds/doctor_visit.py,
a pain score's morningOf and signs): stored, refused with the problem named,
exported as JSON, CSV and FHIR, listed by the diary in both languages."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.entries import check, doctor_visit, morning_answer, pain, session, stored, sync, workout


def test_a_workout_its_morning_answer_and_a_doctors_visit_are_stored(client):
    session = workout(note="intervals", morningAt="2026-11-21T05:00:00Z")
    entries = [session, morning_answer(session, 2, signs=["swelling", "locked"]), doctor_visit(knee="left")]
    answer = sync(client, entries).get_json()
    assert answer == {"acknowledged": [entry["id"] for entry in entries], "rejected": []}
    assert sorted(stored(client), key=lambda e: e["id"]) == sorted(entries, key=lambda e: e["id"])


@pytest.mark.parametrize(
    "fields",
    [
        {"minutes": 1},
        {"minutes": 600},
        {"painDuring": 0, "painAfter": 10},
        {"painDuring": 10, "painAfter": 0},
        {"activity": "gym_legs", "knee": "both"},
        {"morningAt": "2026-11-20T10:00:01Z"},  # a second after it ended
        {"morningAt": "2026-11-23T10:00:00Z"},  # 3 days after
        {"note": ""},
    ],
    ids=str,
)
def test_a_workout_at_its_bounds_is_kept(client, fields):
    entry = workout(**fields)
    assert sync(client, [entry]).get_json() == {"acknowledged": [entry["id"]], "rejected": []}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"minutes": 30.5}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"painDuring": -1}, "pain"),
        ({"painDuring": 11}, "pain"),
        ({"painAfter": 11}, "pain"),
        ({"painAfter": "3"}, "pain"),
        ({"activity": "chess"}, "activity"),
        ({"activity": None}, "activity"),
        ({"knee": "elbow"}, "knee"),
        ({"note": "n" * 501}, "note"),
        ({"at": "tomorrow"}, "time"),
        ({"morningAt": "2026-11-20T10:00:00Z"}, "morning"),  # the moment it ended
        ({"morningAt": "2026-11-20T09:00:00Z"}, "morning"),
        ({"morningAt": "2026-11-23T10:00:01Z"}, "morning"),  # more than 3 days after
        ({"morningAt": "at eight"}, "time"),
        ({"mood": "fine"}, "shape"),
    ],
    ids=str,
)
def test_a_workout_past_its_bounds_is_refused_with_its_problem_and_not_stored(client, fields, code):
    entry = workout(**fields)
    answer = sync(client, [entry]).get_json()
    assert answer["acknowledged"] == []
    assert [(item["id"], item["code"]) for item in answer["rejected"]] == [(entry["id"], code)]
    assert stored(client) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"signs": ["swelling"]}, "signs"),  # signs without the workout they answer about
        ({"morningOf": "not-an-id"}, "shape"),
    ],
)
def test_a_pain_score_with_signs_but_no_workout_or_a_bad_link_is_refused(client, fields, code):
    entry = pain(**fields)
    assert [item["code"] for item in sync(client, [entry]).get_json()["rejected"]] == [code]


@pytest.mark.parametrize("signs", [["fever"], ["swelling", "swelling"], "swelling", [1]], ids=str)
def test_a_morning_answer_with_signs_it_does_not_know_is_refused(client, signs):
    entry = morning_answer(workout(), signs=signs)
    assert [item["code"] for item in sync(client, [entry]).get_json()["rejected"]] == ["signs"]


@pytest.mark.parametrize(
    ("fields", "code"), [({"knee": "nose"}, "knee"), ({"note": 5}, "note"), ({"tier": "x"}, "shape")]
)
def test_a_doctors_visit_past_its_bounds_is_refused(client, fields, code):
    entry = doctor_visit(**fields)
    assert [item["code"] for item in sync(client, [entry]).get_json()["rejected"]] == [code]


def test_the_csv_export_holds_the_new_fields(client):
    session = workout(4, 5, note="hills")
    sync(client, [session, morning_answer(session, 3, signs=["gives_way", "swelling"]), doctor_visit(knee="right")])
    rows = {
        row["kind"]: row for row in csv.DictReader(io.StringIO(client.get("/diary/export.csv").get_data(as_text=True)))
    }
    assert {
        key: rows["workout"][key] for key in ("activity", "minutes", "painDuring", "painAfter", "knee", "note")
    } == {"activity": "run", "minutes": "40", "painDuring": "4", "painAfter": "5", "knee": "left", "note": "hills"}
    assert (rows["pain"]["morningOf"], rows["pain"]["signs"]) == (session["id"], "gives_way swelling")
    assert rows["doctor_visit"]["knee"] == "right"


def test_the_fhir_bundle_holds_the_workout_its_scores_and_the_morning(client):
    session = workout(4, 5)
    sync(client, [session, morning_answer(session, 3, signs=["locked"])])
    response = client.get("/diary/export.fhir.json")
    Bundle.model_validate_json(response.data)
    resources = {item["resource"]["id"]: item["resource"] for item in response.get_json()["entry"]}
    workout_resource = resources[session["id"]]
    assert workout_resource["valueQuantity"]["value"] == 40
    assert workout_resource["component"][0]["valueCodeableConcept"]["coding"][0]["display"] == "Running"
    during, after = (
        resources[member["reference"].removeprefix("urn:uuid:")] for member in workout_resource["hasMember"]
    )
    assert (during["code"]["coding"][0]["code"], during["valueInteger"], after["valueInteger"]) == ("72514-3", 4, 5)
    assert during["effectiveDateTime"] == after["effectiveDateTime"] == session["at"]
    assert "during" in during["note"][0]["text"] and "after" in after["note"][0]["text"]
    [morning] = [r for r in resources.values() if r.get("valueInteger") == 3]
    assert "morning question" in morning["note"][0]["text"] and "locks" in morning["note"][0]["text"]


def test_the_diary_lists_a_workout_and_its_morning_in_both_languages(client):
    session = workout(2, 3, note="hills")
    sync(client, [session, morning_answer(session, 1, signs=["swelling"]), doctor_visit(knee="left")])
    english = client.get("/en/diary/view").get_data(as_text=True)
    assert "<strong>Running</strong>, 40 minutes, left knee: pain during 2, after 3 of 10: <q>hills</q>" in english
    assert "(the morning after a workout; it is swollen)" in english
    assert "<strong>Seen a doctor</strong>, left knee" in english
    russian = client.get("/ru/diary/view").get_data(as_text=True)
    assert "<strong>Бег</strong>, 40\xa0минут, левое колено" in russian
    assert "<strong>Визит к\xa0врачу</strong>, левое колено" in russian
    assert "боль во\xa0время тренировки\xa0— 2, после\xa0— 3 из\xa010" in russian


def test_the_json_export_round_trips_into_another_diary(app):
    first, second = app.test_client(), app.test_client()
    session = workout(4, 5, note="hills", morningAt="2026-11-21T05:00:00Z")
    entries = [session, morning_answer(session, 3, signs=["gives_way"]), doctor_visit(knee="both", note="GP")]
    sync(first, entries)
    exported = first.get("/diary/export.json").get_json()["entries"]
    assert sync(second, exported).get_json()["rejected"] == []
    assert sorted(stored(second), key=lambda e: e["id"]) == sorted(exported, key=lambda e: e["id"])
    assert sorted(exported, key=lambda e: e["id"]) == sorted(entries, key=lambda e: e["id"])


def test_the_server_gives_a_phone_its_last_35_days_of_what_the_training_log_reads(client):
    assert client.get("/api/diary/recent").get_json() == {"entries": []}, "no diary: nothing, and none made"
    now = datetime.now(UTC)

    def at(days):
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    kept = [workout(at=at(34)), pain(2, at=at(1)), check(at=at(3)), doctor_visit(at=at(2))]
    gone = [workout(at=at(36)), session(startedAt=at(1), endedAt=at(1))]
    sync(client, kept + gone)
    response = client.get("/api/diary/recent")
    assert sorted(e["id"] for e in response.get_json()["entries"]) == sorted(e["id"] for e in kept)
    assert "no-store" in response.headers["Cache-Control"]
