"""The summary for the doctor (HTML and PDF, one template) and the FHIR export.
The PDF is read back with Debian's pdftotext, as a doctor's computer would."""

import contextlib
import csv
import html
import io
import json
import multiprocessing
import re
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import pytz
from fhir.resources.R4B.bundle import Bundle
from flask_babel import force_locale

from kneeaid.check import triage
from kneeaid.diary import fhir_terms, pages, report
from tests.entries import check, pain, session, stored, sync

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # the summaries end here
MOSCOW = "Europe/Moscow"  # UTC+3: every time below is shown 3 hours later

DIARY = [
    pain(2, at="2026-11-29T08:05:00Z", note="stairs hurt"),  # November, in a December summary
    pain(5, at="2026-12-01T11:21:00Z", knee="both", note="после бега «колено» & <b>"),
    pain(4, at="2026-12-02T17:45:00Z", knee="right"),
    pain(3, at="2026-11-20T09:00:00Z", knee="right", note="thirteen days ago"),
    pain(7, at="2026-10-01T10:00:00Z", note="too old for 30 days"),
    session(startedAt="2026-12-01T12:00:00Z", endedAt="2026-12-01T12:30:00Z"),
    check(["swelling"], "doctor", ["D3"], at="2026-12-01T12:40:00Z"),
]


@pytest.fixture
def diary(client, monkeypatch):
    monkeypatch.setattr(pages, "summary_end", lambda: NOW)
    assert sync(client, DIARY).status_code == 200
    client.set_cookie("tz", MOSCOW)
    return client


def text_of_pdf(data, tmp_path):
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def pdf_info(data, tmp_path, program="pdfinfo"):
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run([program, str(path)], capture_output=True, text=True, check=True).stdout


LINES = {
    "en": [
        "29 Nov 2026, 11:05 · left knee · pain 2 of 10 · stairs hurt",
        "1 Dec 2026, 14:21 · both knees · pain 5 of 10 · после бега «колено» & <b>",
        "2 Dec 2026, 20:45 · right knee · pain 4 of 10",
        "20 Nov 2026, 12:00 · right knee · pain 3 of 10 · thirteen days ago",
    ],
    "ru": [
        "29 нояб. 2026 г., 11:05 · левое колено · боль 2 из 10 · stairs hurt",
        "1 дек. 2026 г., 14:21 · оба колена · боль 5 из 10 · после бега «колено» & <b>",
        "2 дек. 2026 г., 20:45 · правое колено · боль 4 из 10",
        "20 нояб. 2026 г., 12:00 · правое колено · боль 3 из 10 · thirteen days ago",
    ],
}
QUOTES = {"en": "“”", "ru": "«»"}


def as_shown(line, lang, pdf=False):
    """A line of LINES as the page (the note in <q>, escaped) or the PDF (the note in the language's quotes) has it."""
    *told, note = line.split(" · ", 3) if line.count(" · ") == 3 else (*line.split(" · "), None)
    if pdf:
        return " · ".join([*told, f"{QUOTES[lang][0]}{note}{QUOTES[lang][1]}"] if note else told)
    escaped = note and note.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " · ".join([*told, f"<q>{escaped}</q>"] if note else told)


def test_the_summary_shows_every_entry_of_30_days_with_its_knee_and_a_time_no_one_misreads(diary):
    page = diary.get("/en/diary/summary").get_data(as_text=True)
    for line in LINES["en"]:
        assert as_shown(line, "en") in page
    assert "too old for 30 days" not in page
    assert "from 3 Nov 2026, 15:00 to 3 Dec 2026, 15:00" in page
    assert page.count('class="knee-line knee-') == 3, "one line per knee"
    assert "1 Dec 2026, 15:00" in page and "15 minutes" in page, "the session, its ice pack"
    assert "KneeAid advised: see a doctor within a few days." in page
    assert "Swelling after training" not in page, "a check is one line: its reasons are on the result page"
    assert "No score of 0 was noted in the 2 days since" in page.split('id="knee-left">')[1].split("</dd>")[0]
    summary = page.split("<h1>")[1].split("</main>")[0]
    assert "Book a doctor" not in summary, "the summary reports the advice; it orders no one"
    russian = diary.get("/ru/diary/summary").get_data(as_text=True)
    assert as_shown(LINES["ru"][0], "ru") in russian and "1\xa0сеанс" in russian


def test_seven_days_leave_out_what_is_older(diary):
    page = diary.get("/en/diary/summary?days=7").get_data(as_text=True)
    assert "stairs hurt" in page and "thirteen days ago" not in page
    assert 'aria-current="page">7 days' in page


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_pdf_holds_every_note_score_and_local_time_of_the_period(diary, tmp_path, lang):
    response = diary.get(f"/{lang}/diary/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kneeaid-2026-12-03.pdf"'
    text = text_of_pdf(response.data, tmp_path)
    for line in LINES[lang]:
        assert as_shown(line, lang, pdf=True) in text
    assert "too old for 30 days" not in text
    assert ("KneeAid is not a diagnosis." if lang == "en" else "KneeAid не ставит диагноз.") in text
    assert "A4" in pdf_info(response.data, tmp_path)
    fonts = pdf_info(response.data, tmp_path, "pdffonts").splitlines()[2:]
    assert fonts and all(" yes " in font for font in fonts), "every font embedded"


@pytest.mark.parametrize("days", ["6", "366", "0", "-1", "abc", "", "30.5", "1e2", "٣٠", " 30"])
@pytest.mark.parametrize("page", ["summary", "summary.pdf"])
def test_a_period_that_is_not_7_to_365_days_is_a_clear_400(diary, days, page):
    response = diary.get(f"/en/diary/{page}", query_string={"days": days})
    assert response.status_code == 400
    assert "7 to 365 days" in response.get_data(as_text=True)


def fhir_of(client):
    response = client.get("/diary/export.fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    Bundle.model_validate_json(response.data)  # raises on anything FHIR R4B does not allow
    return json.loads(response.data)


def resources(document, kind):
    return [item["resource"] for item in document["entry"] if item["resource"]["resourceType"] == kind]


def test_the_fhir_export_is_a_valid_bundle_holding_every_entry(diary):
    document = fhir_of(diary)
    assert document["type"] == "collection"
    [patient] = resources(document, "Patient")
    assert set(patient) == {"resourceType", "id", "identifier"}, "no name, nothing but an opaque id"
    assert patient["identifier"] == [{"system": "https://kneeaid.invalid/fhir/patient", "value": patient["id"]}]
    assert diary.get_cookie("kneeaid_profile").value not in json.dumps(document), "never the diary's secret"
    subject = f"urn:uuid:{patient['id']}"
    assert subject in {item["fullUrl"] for item in document["entry"]}
    observations = resources(document, "Observation")
    scores = [one for one in observations if one["code"]["coding"][0]["code"] == "72514-3"]
    assert sorted(one["valueInteger"] for one in scores) == [2, 3, 4, 5, 7]
    both = next(one for one in scores if one["valueInteger"] == 5)
    assert both["note"] == [{"text": "после бега «колено» & <b>"}, {"text": SELF_REPORTED}]
    assert both["effectiveDateTime"] == "2026-12-01T11:21:00Z" and both["subject"]["reference"] == subject
    [procedure] = resources(document, "Procedure")
    assert procedure["code"]["coding"][0]["code"] == "26782000"
    assert procedure["performedPeriod"] == {"start": "2026-12-01T12:00:00Z", "end": "2026-12-01T12:30:00Z"}
    [checked] = [one for one in observations if one["code"]["coding"][0]["code"] == "knee-check"]
    assert checked["valueCodeableConcept"]["coding"][0]["code"] == "doctor"
    assert checked["code"]["coding"][0]["system"] == "https://kneeaid.invalid/fhir/CodeSystem/observation"
    assert checked["method"]["coding"][0]["code"] == "kneeaid-rules-4", "the app's rules made it: its method"
    parts = [
        (
            part["code"]["coding"][0]["code"],
            part.get("valueInteger") or part["valueCodeableConcept"]["coding"][0]["code"],
        )
        for part in checked["component"]
    ]
    assert parts == [("symptom", "swelling"), ("rule", "D3"), ("rules-version", 4)]


SELF_REPORTED = "Self-reported in the KneeAid app; not a diagnosis."


def test_every_fhir_resource_is_marked_as_the_persons_own_report_with_one_code_per_knee(diary, app):
    diary.post(
        "/api/diary/sync",
        headers={"Origin": "http://localhost"},
        json={
            "entries": [
                pain(6, at="2026-12-02T08:00:00Z", knee="left"),
                session(
                    startedAt="2026-12-02T09:00:00Z",
                    endedAt="2026-12-02T09:08:00Z",
                    outcome="stopped",
                    cold={"plannedMinutes": 15, "actualSeconds": 480},
                    elevation=None,
                ),
            ]
        },
    )
    document = fhir_of(diary)
    subject = f"urn:uuid:{resources(document, 'Patient')[0]['id']}"
    sides = {}
    for observation in resources(document, "Observation"):
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["performer"] == [{"reference": subject}], "the person, not a clinician"
        assert observation["note"][-1] == {"text": SELF_REPORTED}
        if "bodySite" in observation:
            assert len(observation["bodySite"]["coding"]) == 1, "one concept, never a second coding for the side"
            sides[observation["bodySite"]["text"]] = observation["bodySite"]["coding"][0]["code"]
    assert sides == {"left knee": "82169009", "right knee": "6757004", "both knees": "36701003"}
    procedures = {procedure["performedPeriod"]["end"]: procedure for procedure in resources(document, "Procedure")}
    assert procedures["2026-12-01T12:30:00Z"]["status"] == "completed"
    stopped = procedures["2026-12-02T09:08:00Z"]
    assert stopped["status"] == "stopped", "stopped after 8 minutes is not completed"
    assert stopped["code"]["text"] == "Ice pack (the leg not raised)", "only the phases that happened"
    assert stopped["performer"] == [{"actor": {"reference": subject}}] and stopped["note"][-1]["text"] == SELF_REPORTED


def test_two_exports_of_one_diary_through_two_host_names_have_the_same_code_systems(diary, app):
    profile = diary.get_cookie("kneeaid_profile").value
    phone = app.test_client(use_cookies=False)  # the same diary, reached through another address

    def systems(host):
        answer = phone.get(
            "/diary/export.fhir.json", base_url=f"https://{host}", headers={"Cookie": f"kneeaid_profile={profile}"}
        )
        document = json.loads(answer.data)
        return sorted({coding["system"] for coding in _codings(document)}), resources(document, "Patient")[0][
            "identifier"
        ]

    first, second = systems("kneeaid.example.org"), systems("127.0.0.1:8766")
    assert first == second
    assert not [system for system in first[0] if "example.org" in system or "127.0.0.1" in system]


def _codings(value):
    """Every coding anywhere in a FHIR document."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for inner in value.values():
            yield from _codings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _codings(inner)


@pytest.mark.parametrize("who", ["no cookie", "a made-up profile"])
def test_both_exports_read_only_the_persons_own_diary(diary, app, tmp_path, who):
    stranger = app.test_client()
    stranger.set_cookie("tz", MOSCOW)
    if who == "a made-up profile":
        stranger.set_cookie("kneeaid_profile", str(uuid.uuid4()))
    assert fhir_of(stranger)["entry"] == []
    text = text_of_pdf(stranger.get("/en/diary/summary.pdf").data, tmp_path)
    assert "No entries in this period." in text and "stairs hurt" not in text


def test_a_diary_of_10000_entries_gives_the_period_and_reads_only_its_months(app, client, monkeypatch, tmp_path):
    monkeypatch.setattr(pages, "summary_end", lambda: NOW)
    store = app.extensions["kneeaid.store"]
    sync(client, [pain(1, at="2026-12-02T10:00:00Z", note="the newest")])
    profile = client.get_cookie("kneeaid_profile").value
    start = NOW - timedelta(days=365)
    long_diary = [
        pain(n % 11, at=(start + timedelta(minutes=52 * n)).isoformat(), note=f"entry {n}") for n in range(9_999)
    ]
    store.save(profile, long_diary, [], NOW.timestamp())
    asked = []
    real_entries_in = store.entries_in
    monkeypatch.setattr(
        store, "entries_in", lambda who, months: asked.append(list(months)) or real_entries_in(who, months)
    )
    monkeypatch.setattr(store, "entries", lambda who: pytest.fail("the summary read the whole diary"))
    text = text_of_pdf(client.get("/en/diary/summary.pdf?days=7").data, tmp_path)
    assert "the newest" in text and "entry 9998" in text and "entry 100 " not in text
    assert asked == [["2026-11", "2026-12"]]
    monkeypatch.undo()
    document = json.loads(client.get("/diary/export.fhir.json").data)
    assert len(resources(document, "Observation")) == 10_000, "the whole diary, still answered"


def test_pdfs_from_one_address_are_limited_with_a_clear_429(diary, app):
    app.config["PDFS_PER_MINUTE"] = 3  # the limit is read at each request; 10 by default
    answers = [diary.get("/en/diary/summary.pdf?days=7") for _ in range(4)]
    assert [answer.status_code for answer in answers[:-1]] == [200] * 3
    assert answers[-1].status_code == 429 and "Retry-After" in answers[-1].headers
    assert "Too many PDFs from this address: wait a minute." in answers[-1].get_data(as_text=True)
    assert diary.get("/en/diary/summary?days=7").status_code == 200, "the page itself is not limited"


# Bounded work, whatever a diary holds (issue 39) --------------------------------------------------


def a_large_diary(client, app, entries=1_200):
    """Entries over the year before NOW, more than a summary lists of each kind: a third pain scores,
    a third sessions, a third checks with every sign ticked (written straight to the store).
    bench/summary_limits.py summarises the largest the limits allow, 10,000 with long notes."""
    from kneeaid.check import triage

    sync(client, [pain(1, at="2026-12-02T10:00:00Z", note="the newest")])
    profile = client.get_cookie("kneeaid_profile").value
    start = NOW - timedelta(days=364)
    at = [(start + timedelta(minutes=364 * 24 * 60 // entries * n)).isoformat() for n in range(entries - 1)]
    every_sign = triage.evaluate([s for s in triage.SYMPTOMS if s != triage.NONE])
    kept = [
        pain(n % 11, at=at[n], knee=("left", "right", "both")[n % 3], note=f"{n} after the stairs")
        for n in range(0, entries - 1, 3)
    ]
    kept += [session(startedAt=at[n], endedAt=at[n + 1]) for n in range(1, entries - 2, 3)]
    kept += [check(every_sign.symptoms, every_sign.tier, every_sign.rules, at=at[n]) for n in range(2, entries - 1, 3)]
    app.extensions["kneeaid.store"].save(profile, kept, [], NOW.timestamp())
    return client


def test_a_large_diary_is_summarised_in_a_bounded_number_of_lines(app, client, monkeypatch, tmp_path):
    monkeypatch.setattr(pages, "summary_end", lambda: NOW)
    app.config["PDF_SECONDS"] = 120  # the bound on lines is the point here, not the time (the benchmark's)
    diary = a_large_diary(client, app)
    page = diary.get("/en/diary/summary?days=365").get_data(as_text=True)
    listed = page.split('id="pain-entries">')[1].split("</ul>")[0]
    assert listed.count("<li>") == 300 and "the newest" in listed and "<q>0 " not in listed, "the newest 300"
    assert "The newest 300 of 401 are listed; the diary&#39;s CSV export holds every entry." in page
    assert page.split('id="session-table">')[1].split("</table>")[0].count("<tr><td>") == 100
    assert "The newest 100 of 399 are listed" in page
    checks = page.split('id="check-entries">')[1].split("</ul>\n")[0]
    assert checks.count("<li>") == 100 and 'class="check-reasons"' not in checks, "a check is one line"
    assert "399 sessions" in page and "399 checks in all" in page, "the counts are whole"
    for line in page.split('class="knee-line knee-')[1:]:
        assert 0 < line.split('points="')[1].split('"')[0].count(",") <= 300, "at most 300 points a knee"
    text = text_of_pdf(diary.get("/en/diary/summary.pdf?days=365").data, tmp_path)
    assert len(re.findall(r"pain \d+ of 10", text)) == 300
    assert "The newest 300 of 401 are listed" in text and "the newest" in text


def test_a_pdf_past_the_ones_being_made_is_a_503_with_retry_after(diary, app):
    slots = app.extensions["kneeaid.pdf_slots"]
    assert slots.acquire(blocking=False), "one PDF at a time (PDFS_AT_ONCE)"
    try:
        busy = diary.get("/en/diary/summary.pdf?days=7")
    finally:
        slots.release()
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "Another PDF is being made: try again in a few seconds, or print this page." in busy.get_data(as_text=True)
    made = diary.get("/en/diary/summary.pdf?days=7")
    assert made.status_code == 200 and made.data.startswith(b"%PDF-")
    assert "Retry-After" not in made.headers, "a success says nothing about retrying"


@pytest.mark.parametrize("limit", [{"PDF_SECONDS": 0.05}, {"PDF_MEMORY_MB": 1}])
def test_a_pdf_past_its_time_or_memory_is_stopped_with_a_clear_503(diary, app, limit, caplog):
    app.config.update(limit)
    answer = diary.get("/ru/diary/summary.pdf?days=7")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "60"
    assert "Не удалось создать PDF: распечатайте эту страницу или выберите период короче." in answer.get_data(
        as_text=True
    )
    assert [record.getMessage() for record in caplog.records if record.name == "kneeaid"], "the reason is logged"
    assert multiprocessing.active_children() == [], "its process is gone"
    app.config.update(PDF_SECONDS=20, PDF_MEMORY_MB=600)
    assert diary.get("/ru/diary/summary.pdf?days=7").status_code == 200, "the slot is free again"


def test_a_pdf_whose_client_has_gone_is_stopped(diary):
    started = time.monotonic()
    answer = diary.get("/en/diary/summary.pdf?days=7", environ_base={"waitress.client_disconnected": lambda: True})
    assert answer.status_code == 503 and time.monotonic() - started < 5
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    "note, boxes",
    [
        ("膝が痛い 膝盖疼 무릎이 아파요 घुटने में दर्द", 0),  # Japanese, Chinese, Korean, Hindi: fonts of their own
        ("เข่าเจ็บ", 8),  # Thai: no font here, eight boxes, one line in the log
    ],
)
def test_characters_no_font_has_are_one_log_line_per_pdf(client, monkeypatch, tmp_path, caplog, note, boxes):
    monkeypatch.setattr(pages, "summary_end", lambda: NOW)
    sync(client, [pain(3, at="2026-12-01T10:00:00Z", note=note)])
    answer = client.get("/en/diary/summary.pdf?days=7")
    assert answer.status_code == 200
    said = [record.getMessage() for record in caplog.records if record.name == "kneeaid.diary.pdf"]
    assert said == ([f"A PDF has {boxes} characters that no font could draw (they print as boxes)."] if boxes else [])
    if not boxes:
        assert note.split()[0] in text_of_pdf(answer.data, tmp_path)


def test_the_summary_page_and_the_exports_have_per_address_limits(diary, app):
    app.config.update(SUMMARIES_PER_MINUTE=2, EXPORTS_PER_MINUTE=2)
    assert [diary.get("/en/diary/summary").status_code for _ in range(3)] == [200, 200, 429]
    # The three exports share one limit: each reads the whole diary.
    answers = [diary.get(url) for url in ("/diary/export.json", "/diary/export.fhir.json", "/diary/export.csv")]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Too many exports from this address: wait a minute." in answers[-1].get_data(as_text=True)
    assert "Retry-After" in answers[-1].headers and "Retry-After" not in answers[0].headers


def test_the_fhir_export_is_streamed(diary):
    answer = diary.get("/diary/export.fhir.json", buffered=False)
    assert answer.is_streamed
    Bundle.model_validate_json(b"".join(answer.iter_encoded()))


# Issue 37: page one. The left knee hurts for two weeks (a follow-up answer among its scores, one of them
# an answer kept before the source field, with the question as its note); the right knee is well.
EPISODE_END = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
OLD_FOLLOW_UP_NOTE = "Answer to “How is your knee?”"
EPISODE = [
    pain(3, at="2026-11-23T08:00:00Z", note="after the run"),
    pain(6, at="2026-11-25T08:00:00Z", source="follow-up"),
    pain(5, at="2026-11-28T08:00:00Z", note=OLD_FOLLOW_UP_NOTE),
    pain(5, at="2026-12-01T08:00:00Z"),
    pain(4, at="2026-12-06T08:00:00Z"),
    pain(0, at="2026-11-24T08:00:00Z", knee="right"),
    pain(0, at="2026-12-02T08:00:00Z", knee="right"),
    session(startedAt="2026-11-23T09:00:00Z", endedAt="2026-11-23T09:30:00Z"),
    session(
        startedAt="2026-11-25T09:00:00Z",
        endedAt="2026-11-25T09:08:00Z",
        outcome="stopped",
        cold={"plannedMinutes": 15, "actualSeconds": 480},
        elevation=None,
    ),
    check(["gives_way"], "urgent", ["U14"], at="2026-11-29T08:00:00Z"),
    check(["swelling"], "doctor", ["D3"], at="2026-12-01T08:30:00Z"),
]
PAGE_ONE = {  # Moscow time: UTC+3
    "en": {
        "record-kind": "What I noted myself, and KneeAid's first-aid advice; not a diagnosis.",
        "patient-line": "Name / date of birth:",
        "episode": "23 Nov 2026 to 6 Dec 2026: 14 days",
        "knee-left": "5 scores; pain since 23\xa0Nov; highest 6 on 25\xa0Nov; latest 4 on 6\xa0Dec, "
        "down from 5 on 1\xa0Dec. "
        "No score of 0 was noted in the 13 days since the painful scores began.",
        "knee-right": "no pain noted (2 scores, all 0)",
        "highest-advice": "see a doctor today, 29 Nov 2026, 11:00. Ticked: the knee gives way or feels unstable. "
        "2 checks in all.",
        "sessions-brief": "2 sessions, 23\xa0Nov to 25\xa0Nov · with an ice pack: 2 (8 to 15 minutes) · "
        "with the leg raised: 1 · stopped early: 1",
        "made-with": "Made on 6 Dec 2026 with KneeAid, rules version 4.",
    },
    "ru": {
        "record-kind": "Мои собственные записи и советы KneeAid по первой помощи; это не диагноз.",
        "patient-line": "ФИО / дата рождения:",
        "episode": "с 23 нояб. 2026 г. по 6 дек. 2026 г.: 14\xa0дней",
        "knee-left": "5\xa0оценок; болит с 23\xa0нояб.; максимум 6 (25\xa0нояб.); последняя оценка 4 (6\xa0дек.), "
        "снизилась с 5 (1\xa0дек.). За 13\xa0дней с появления оценок выше 0 не было ни одной оценки 0.",
        "knee-right": "боли не отмечено (2\xa0оценки, все 0)",
        "highest-advice": "обратиться к врачу сегодня, 29 нояб. 2026 г., 11:00. Отмечено: колено подкашивается, "
        "или в нём ощущается нестабильность. Всего 2\xa0проверки.",
        "sessions-brief": "2\xa0сеанса, с 23\xa0нояб. по 25\xa0нояб. · со льдом: 2 (от 8 до 15\xa0минут) · "
        "с ногой на возвышении: 1 · остановлено досрочно: 1",
        "made-with": "Составлено 6 дек. 2026 г. в KneeAid, правила версии 4.",
    },
}
ADVICE_LINES = {
    "en": [
        "29 Nov 2026, 11:00 — KneeAid advised: see a doctor today. Ticked: the knee gives way or feels unstable.",
        "1 Dec 2026, 11:30 — KneeAid advised: see a doctor within a few days. Ticked: the knee is a little swollen.",
    ],
    "ru": [
        "29 нояб. 2026 г., 11:00 — Совет KneeAid: обратиться к врачу сегодня. Отмечено: колено подкашивается, "
        "или в нём ощущается нестабильность.",
        "1 дек. 2026 г., 11:30 — Совет KneeAid: обратиться к врачу в ближайшие дни. Отмечено: колено немного опухло.",
    ],
}
FOLLOW_UP_LABEL = {"en": "answer to KneeAid's follow-up question", "ru": "ответ на вопрос KneeAid «Как ваше колено?»"}


def flat(text):
    """Text with its line breaks and runs of spaces as one space (a no-break space stays one)."""
    return re.sub(r"[ \n\t]+", " ", text).strip()


def shown_text(page, element_id):
    """What a reader sees of the element with this id: its text, tags and markup gone."""
    inner = page.split(f'id="{element_id}">')[1]
    inner = inner.split("</dd>")[0].split("</p>")[0]
    return flat(html.unescape(re.sub(r"<[^>]+>", "", inner)))


@pytest.fixture
def episode(client, monkeypatch):
    monkeypatch.setattr(pages, "summary_end", lambda: EPISODE_END)
    assert sync(client, EPISODE).get_json()["rejected"] == []
    client.set_cookie("tz", MOSCOW)
    return client


def pdf_pages(data, tmp_path):
    """The PDF's text, page by page (pdftotext), each page's lines as one line."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [flat(re.sub(r" {2,}", " ", page)) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_page_one_gives_the_picture_in_the_page_and_on_the_pdfs_first_page(episode, tmp_path, lang):
    page = episode.get(f"/{lang}/diary/summary").get_data(as_text=True)
    for element_id, expected in PAGE_ONE[lang].items():
        assert shown_text(page, element_id) == expected, element_id
    one = page.split('id="page-one"')[1].split('class="summary-details"')[0]
    assert "knee-line knee-left" in one and "knee-line knee-right" in one, "the chart is on page one"
    first_page, *others = pdf_pages(episode.get(f"/{lang}/diary/summary.pdf").data, tmp_path)
    for element_id, expected in PAGE_ONE[lang].items():
        assert flat(expected.replace("\xa0", " ")) in first_page.replace("\xa0", " "), element_id
    pain_scores = {"en": "Pain scores", "ru": "Оценки боли"}[lang]
    assert pain_scores not in first_page and others[0].startswith(pain_scores), "the entries begin on page two"
    assert all(PAGE_ONE[lang]["made-with"] in other for other in others), "the footer on every page"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_chart_spans_the_episode_with_a_tick_a_week(episode, lang):
    page = episode.get(f"/{lang}/diary/summary").get_data(as_text=True)
    chart = page.split('class="pain-chart knee-chart"')[1].split("</figure>")[0]
    # 23 Nov 00:00 to 7 Dec 00:00 in Moscow, 588 px wide from x=40: 30 Nov is its middle.
    assert re.findall(r'<line class="chart-week" x1="([\d.]+)"', chart) == ["334.0"]
    assert re.findall(r'chart-week-label"[^>]*>([^<]+)<', chart) == [{"en": "30\xa0Nov", "ru": "30\xa0нояб."}[lang]]
    first = {"en": ">23 Nov 2026<", "ru": ">23 нояб. 2026 г.<"}[lang]
    last = {"en": ">6 Dec 2026<", "ru": ">6 дек. 2026 г.<"}[lang]
    assert first in chart and last in chart
    left = re.search(r'class="knee-line knee-left"[^>]*points="([^"]+)"', chart)[1].split()
    # 23 Nov 11:00 Moscow is 11/336 of the way along; 6 Dec 11:00 is 323/336.
    assert [float(point.split(",")[0]) for point in (left[0], left[-1])] == [
        round(40 + 588 * 11 / 336, 1),
        round(40 + 588 * 323 / 336, 1),
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_record_holds_notes_not_findings(episode, tmp_path, lang):
    """A check is what KneeAid advised and what was ticked, its reasons on the person's own result page;
    no advice is an order to the reader; a follow-up answer is labelled by its field."""
    page = episode.get(f"/{lang}/diary/summary").get_data(as_text=True)
    main = html.unescape(page.split("<h1>")[1].split("</main>")[0])
    checks = flat(re.sub(r"<[^>]+>", "", main.split('id="check-entries">')[1].split("</ul>")[0]))
    assert checks == " ".join(ADVICE_LINES[lang])
    with app_locale(episode, lang):
        orders = [str(headline) for headline in triage.TIER_HEADLINES.values()]
        reasons = [str(reason) for reason in triage.RULE_REASONS.values()]
    assert [order for order in orders if order in main] == [], "no imperative addressed to the patient"
    assert [reason for reason in reasons if reason in main] == [], "no reasons, no findings"
    pains = main.split('id="pain-entries">')[1].split("</ul>")[0]
    assert pains.count(FOLLOW_UP_LABEL[lang]) == 2, "the answer with the field, and the one kept before it"
    assert OLD_FOLLOW_UP_NOTE not in main and "Ответ на вопрос „Как" not in main
    assert "<q>after the run</q>" in pains, "the person's own words stay a quote"
    text = " ".join(pdf_pages(episode.get(f"/{lang}/diary/summary.pdf").data, tmp_path))
    for line in ADVICE_LINES[lang]:
        assert line in text
    assert [order for order in orders if order in text] == []


@contextlib.contextmanager
def app_locale(client, lang):
    """The client's app in a language, for lazy texts."""
    with client.application.test_request_context(), force_locale(lang):
        yield


def brief_of(entries, knee, in_pain_for_more_than_two_days=False):
    return report.knee_in_brief(entries, knee, in_pain_for_more_than_two_days)


def test_a_knees_line_counts_both_knees_for_each_and_reads_its_trend_at_the_edges():
    both = [
        pain(4, at="2026-11-20T10:00:00Z", knee="both"),
        pain(6, at="2026-11-21T10:00:00Z", knee="right"),
        pain(6, at="2026-11-22T10:00:00Z", knee="right"),
        pain(2, at="2026-11-23T10:00:00Z", knee="left"),
    ]
    left, right = brief_of(both, "left"), brief_of(both, "right")
    assert (left["scores"], left["highest"], left["latest"], left["trend_from"][1]) == (2, 4, 2, 4)  # down
    assert (right["scores"], right["highest"], right["latest"], right["trend_from"][1]) == (3, 6, 6, 4)  # up
    assert right["highest_at"] == datetime(2026, 11, 21, 10, tzinfo=UTC), "the first time it was reached"
    assert right["since"] == datetime(2026, 11, 20, 10, tzinfo=UTC), "the run began with the score for both"
    same = [pain(5, at="2026-11-20T10:00:00Z"), pain(5, at="2026-11-27T10:00:00Z")]  # exactly 7 days: in
    assert brief_of(same, "left")["trend_from"] == (datetime(2026, 11, 20, 10, tzinfo=UTC), 5)
    week_and_a_minute = [pain(5, at="2026-11-20T09:59:00Z"), pain(5, at="2026-11-27T10:00:00Z")]
    assert brief_of(week_and_a_minute, "left")["trend_from"] is None, "no score in the week before: no trend"
    assert brief_of(both[:1], "left")["trend_from"] is None and brief_of([], "left") is None


def test_a_knees_line_says_since_when_it_hurts_or_not_and_the_days_without_a_0():
    healed = [
        pain(5, at="2026-11-18T10:00:00Z"),
        pain(0, at="2026-11-20T10:00:00Z"),
        pain(0, at="2026-11-22T10:00:00Z"),
    ]
    brief = brief_of(healed, "left")
    healed_since = datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert (brief["hurts"], brief["ever_hurt"], brief["since"]) == (False, True, healed_since)
    again = [*healed, pain(3, at="2026-11-23T10:00:00Z"), pain(4, at="2026-11-26T10:01:00Z")]
    brief = brief_of(again, "left", True)
    hurts_since = datetime(2026, 11, 23, 10, tzinfo=UTC)
    assert (brief["hurts"], brief["since"], brief["days_without_0"]) == (True, hurts_since, 3)
    assert brief_of(again, "left", False)["days_without_0"] is None, "said only when the 2-day rule holds"
    assert brief_of([pain(0), pain(0, at="2026-11-21T10:00:00Z")], "left")["ever_hurt"] is False


def test_the_highest_advice_is_the_most_urgent_and_the_newest_of_equals():
    first = check(["gives_way"], "urgent", ["U14"], at="2026-11-20T10:00:00Z")
    later = check(["gives_way"], "urgent", ["U14"], at="2026-11-22T10:00:00Z")
    mild = check(at="2026-11-23T10:00:00Z")
    assert report.highest_check([first, later, mild]) is later
    assert report.highest_check([mild]) is mild and report.highest_check([]) is None


@pytest.mark.parametrize(
    "zone, moments, days",
    [
        ("Europe/Moscow", ["2026-11-20T20:59:00Z", "2026-11-20T21:00:00Z"], 2),  # 23:59 and 00:00 the next day
        ("Europe/Moscow", ["2026-11-20T21:00:00Z", "2026-11-21T20:59:00Z"], 1),  # one Moscow day
        ("UTC", ["2026-11-20T21:00:00Z", "2026-11-21T20:59:00Z"], 2),
    ],
)
def test_the_episode_is_counted_in_the_persons_calendar_days(zone, moments, days):
    entries = [pain(1, at=moment) for moment in moments]
    assert report.episode_of(entries, pytz.timezone(zone))["days"] == days


def test_the_weeks_ticks_keep_local_midnight_across_a_change_of_the_clocks():
    berlin = pytz.timezone("Europe/Berlin")  # the clocks went back on 25 Oct 2026
    episode = report.episode_of([pain(1, at="2026-10-19T10:00:00Z"), pain(1, at="2026-11-08T10:00:00Z")], berlin)
    chart = report.knee_chart([pain(1, at="2026-10-19T10:00:00Z")], episode["start"], episode["end"])
    ticks = [tick["at"].astimezone(berlin) for tick in chart["ticks"]]
    assert [(tick.day, tick.hour) for tick in ticks] == [(26, 0), (2, 0)], "7 and 14 days on; 9 Nov is the end"
    assert [tick["labelled"] for tick in chart["ticks"]] == [True, True]


def test_a_follow_up_answer_is_a_field_the_exports_keep(client):
    answer = pain(4, at="2026-11-25T08:00:00Z", source="follow-up")
    kept_before = pain(5, at="2026-11-26T08:00:00Z", note=OLD_FOLLOW_UP_NOTE)
    refused = [pain(3, source="diary"), pain(3, source=["follow-up"]), pain(3, source=None)]
    answer_ids = [entry["id"] for entry in (answer, kept_before)]
    result = sync(client, [answer, kept_before, *refused]).get_json()
    assert result["acknowledged"] == answer_ids
    assert [rejected["code"] for rejected in result["rejected"]] == ["shape"] * 3
    rows = list(csv.DictReader(io.StringIO(client.get("/diary/export.csv").get_data(as_text=True))))
    assert [(row["source"], row["note"]) for row in rows] == [("follow-up", ""), ("follow-up", "")]
    observations = resources(fhir_of(client), "Observation")
    assert [[note["text"] for note in observation["note"]] for observation in observations] == [
        [fhir_terms.FOLLOW_UP_ANSWER, fhir_terms.SELF_REPORTED]
    ] * 2
    assert [entry.get("note") for entry in stored(client)] == [None, OLD_FOLLOW_UP_NOTE], "the JSON keeps what was sent"
