"""The training log in the record for the doctor: the summary and its PDF list the
period's workouts with their scores and zones and the patterns found, and the chart
marks the workouts (kneeaid/diary/report.py, templates/diary/summary.html)."""

import subprocess
from datetime import UTC, datetime

import pytest

from kneeaid.diary import pages
from tests.entries import morning_answer, pain, sync, workout

END = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
RUN = workout(2, 3, at="2026-12-01T16:00:00Z", note="intervals")
SQUATS = {**workout(6, 6, at="2026-11-29T16:00:00Z"), "activity": "gym_legs", "minutes": 50}
# The left knee hurt 3 or more after each of its last 3 workouts: a pattern.
DIARY = [
    workout(1, 4, at="2026-11-27T16:00:00Z"),
    SQUATS,
    RUN,
    morning_answer(RUN, 0, at="2026-12-02T06:00:00Z"),
    pain(1, at="2026-11-26T08:00:00Z"),
]


@pytest.fixture
def summary(client, monkeypatch):
    monkeypatch.setattr(pages, "summary_end", lambda: END)
    assert sync(client, DIARY).status_code == 200
    client.set_cookie("tz", "Europe%2FMoscow")
    return client


def test_the_summary_lists_each_workout_with_its_scores_and_zone_and_the_patterns_found(summary):
    html = summary.get("/en/diary/summary").get_data(as_text=True)
    assert "<h2>Workouts</h2>" in html
    assert "Running, 40 minutes · left knee · pain during 2, after 3, next morning 0 · Ease off" in html
    assert (
        "Gym, legs (squats, lunges, leg press), 50 minutes · left knee · pain during 6, after 6, next morning none · "
        "Stop this activity" in html
    )
    assert "Left knee: The knee hurts after every workout: 3 or more after each of the last 3." in html
    assert html.count('class="chart-workout"') == 3, "each workout of the period marked on the chart"
    russian = summary.get("/ru/diary/summary").get_data(as_text=True)
    assert (
        "Бег, 40\xa0минут · левое колено · боль во\xa0время тренировки\xa0— 2, после\xa0— 3, наутро\xa0— 0 · "
        "Снизьте нагрузку" in russian
    )


def test_the_pdf_holds_the_workouts(summary, tmp_path):
    response = summary.get("/en/diary/summary.pdf")
    assert response.status_code == 200
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.data)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "Workouts" in text and "pain during 2, after 3, next morning 0" in text
    assert "The knee hurts after every workout" in text
