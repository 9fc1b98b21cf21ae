"""The summary for the doctor (HTML and PDF, one template) and the FHIR export.
The PDF is read back with Debian's pdftotext, as a doctor's computer would."""

import json
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle

from kneeaid.diary import pages
from tests.test_diary import check, pain, session, sync

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
    "en": ["29 Nov 2026, 11:05 · left knee · pain 2 of 10 · stairs hurt",
           "1 Dec 2026, 14:21 · both knees · pain 5 of 10 · после бега «колено» & <b>",
           "2 Dec 2026, 20:45 · right knee · pain 4 of 10",
           "20 Nov 2026, 12:00 · right knee · pain 3 of 10 · thirteen days ago"],
    "ru": ["29 нояб. 2026 г., 11:05 · левое колено · боль 2 из 10 · stairs hurt",
           "1 дек. 2026 г., 14:21 · оба колена · боль 5 из 10 · после бега «колено» & <b>",
           "2 дек. 2026 г., 20:45 · правое колено · боль 4 из 10",
           "20 нояб. 2026 г., 12:00 · правое колено · боль 3 из 10 · thirteen days ago"],
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
    assert "Book a doctor in the next few days" in page and "Swelling after training" in page
    assert '<dd id="two-days">Yes' in page
    summary = page.split("<h1>")[1].split("</main>")[0]
    assert "see a doctor" not in summary.lower(), "the summary speaks to the doctor, not the patient"
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
    assert set(patient) == {"resourceType", "id"}, "no name, nothing but an opaque id"
    subject = f"urn:uuid:{patient['id']}"
    assert subject in {item["fullUrl"] for item in document["entry"]}
    observations = resources(document, "Observation")
    scores = [one for one in observations if one["code"]["coding"][0]["code"] == "72514-3"]
    assert sorted(one["valueInteger"] for one in scores) == [2, 3, 4, 5, 7]
    both = next(one for one in scores if one["valueInteger"] == 5)
    assert [coding["code"] for coding in both["bodySite"]["coding"]] == ["72696002", "7771000", "24028007"]
    assert both["note"] == [{"text": "после бега «колено» & <b>"}]
    assert both["effectiveDateTime"] == "2026-12-01T11:21:00Z" and both["subject"]["reference"] == subject
    [procedure] = resources(document, "Procedure")
    assert procedure["code"]["coding"][0]["code"] == "26782000"
    assert procedure["performedPeriod"] == {"start": "2026-12-01T12:00:00Z", "end": "2026-12-01T12:30:00Z"}
    [checked] = [one for one in observations if one["code"]["coding"][0]["code"] == "knee-check"]
    assert checked["valueCodeableConcept"]["coding"][0]["code"] == "doctor"
    assert checked["code"]["coding"][0]["system"] == "http://localhost/fhir/CodeSystem/observation"
    parts = [(part["code"]["coding"][0]["code"],
              part.get("valueInteger") or part["valueCodeableConcept"]["coding"][0]["code"])
             for part in checked["component"]]
    assert parts == [("symptom", "swelling"), ("rule", "D3"), ("rules-version", 4)]


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
    long_diary = [pain(n % 11, at=(start + timedelta(minutes=52 * n)).isoformat(), note=f"entry {n}")
                  for n in range(9_999)]
    store.save(profile, long_diary, [], NOW.timestamp())
    asked = []
    real_entries_in = store.entries_in
    monkeypatch.setattr(store, "entries_in", lambda who, months: asked.append(list(months))
                        or real_entries_in(who, months))
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
