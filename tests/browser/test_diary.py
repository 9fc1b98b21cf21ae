"""The diary in headless Chromium: offline first, synced exactly once, deleted
completely, joined from a second device."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from kneeaid.diary import pages
from tests.browser.steps import OUTBOX_ITEMS, add_pain, diary_on_server

MOSCOW = ZoneInfo("Europe/Moscow")


def pending(page):
    return page.locator("#pending li").all_inner_texts()


def test_offline_entries_and_a_timer_session_reach_the_server_exactly_once(
    context, own_live_server, diary_of, offline_ready
):
    server = own_live_server
    page = context.new_page()
    # Half an hour ago: the session ends before the server's now, which refuses times ahead of it.
    page.clock.install(time=datetime.now(UTC) - timedelta(minutes=30))
    page.goto(server.url + "/en/diary")
    offline_ready(page)
    page.get_by_text("No entries yet.").wait_for()

    server.stop()
    context.set_offline(True)
    add_pain(page, 2, "left knee", "stairs")
    add_pain(page, 5, "right knee")
    add_pain(page, 7, "both knees", "after the run")
    expect(page.locator("#pending li")).to_have_count(3)  # each entry appears at once (the status stays "Saved")
    assert pending(page)[0].endswith("Pain 2 of 10, left knee: “stairs”"), "the note in its language's quotes"

    page.goto(server.url + "/en/timer")
    page.get_by_role("button", name="Start cooling").click()
    page.get_by_role("button", name="Skip to leg up").click()
    page.clock.fast_forward("15:00")
    page.locator('#timer[data-phase="done"]').wait_for()

    page.goto(server.url + "/en/diary")
    page.reload()
    page.locator("#pending li").nth(3).wait_for()
    assert len(pending(page)) == 4
    assert "First-aid session" in pending(page)[3]
    expect(page.locator("#diary-offline")).to_be_visible()

    server.restart()
    context.set_offline(False)
    page.clock.fast_forward("01:01")  # the minute's sync, if the online event was missed
    entries = diary_of(server)
    assert sorted(e["kind"] for e in entries) == ["pain", "pain", "pain", "session"]
    assert len({e["id"] for e in entries}) == 4
    assert sorted(e["pain"] for e in entries if e["kind"] == "pain") == [2, 5, 7]
    [session] = [e for e in entries if e["kind"] == "session"]
    assert session["elevation"] == {"plannedMinutes": 15, "actualSeconds": 900}
    page.locator("#diary-view").get_by_text("Pain 7 of 10", exact=True).wait_for()
    assert pending(page) == []


def test_an_edit_syncs_and_replaces_the_entry(context, live_server, diary_of):
    page = context.new_page()
    page.goto(live_server.url + "/en/diary")
    add_pain(page, 6, "left knee", "first")
    [entry] = diary_of(live_server)
    page.locator("#diary-view").get_by_text("Pain 6 of 10", exact=True).wait_for()
    page.get_by_role("button", name="Edit").click()
    page.get_by_role("radio", name="3", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#diary-view").get_by_text("Pain 3 of 10", exact=True).wait_for()
    [edited] = diary_of(live_server)
    assert edited["id"] == entry["id"]
    assert (edited["pain"], edited["note"]) == (3, "first")
    assert edited["updatedAt"]


def test_delete_all_leaves_nothing_on_either_side(context, live_server, diary_of):
    page = context.new_page()
    page.goto(live_server.url + "/en/diary")
    add_pain(page, 4, "left knee")
    diary_of(live_server)
    profile = next(c["value"] for c in context.cookies() if c["name"] == "kneeaid_profile")

    page.get_by_role("link", name="Delete all my data").click()
    page.get_by_role("button", name="Yes, delete everything").click()
    page.get_by_text("Nothing is left on this phone either.").wait_for()
    assert not live_server.app.extensions["kneeaid.store"].exists(profile)
    assert "kneeaid_profile" not in {c["name"] for c in context.cookies()}
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('kneeaid.'))") == []
    assert page.evaluate(f"{OUTBOX_ITEMS}.then((items) => items.length)") == 0


def test_the_recovery_code_opens_the_same_diary_in_another_browser(browser, context, live_server, diary_of):
    page = context.new_page()
    page.goto(live_server.url + "/en/diary")
    add_pain(page, 8, "right knee", "old phone")
    diary_of(live_server)
    code = page.locator("#recovery-code-value").inner_text()

    other = browser.new_context()
    try:
        new_phone = other.new_page()
        new_phone.goto(live_server.url + "/ru/diary")
        new_phone.get_by_label("Введите код восстановления").fill(code)
        new_phone.get_by_role("button", name="Открыть этот дневник здесь").click()
        new_phone.wait_for_url("**/ru/diary")
        new_phone.locator("#diary-view").get_by_text("Боль 8 из 10", exact=True).wait_for()
        assert "old phone" in new_phone.locator("#diary-view").inner_text()
    finally:
        other.close()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_axe_finds_nothing_on_a_full_diary_and_its_summary(context, live_server, lang, diary_of):
    page = context.new_page()
    page.goto(f"{live_server.url}/en/diary")
    add_pain(page, 5, "left knee", "note")
    diary_of(live_server)
    page.goto(f"{live_server.url}/{lang}/diary")
    page.locator("#diary-view .pain-chart").wait_for()
    axe = Axe()
    assert axe.run(page).violations_count == 0
    page.goto(f"{live_server.url}/{lang}/diary/summary")
    assert axe.run(page).violations_count == 0


def test_two_tabs_writing_at_once_share_one_diary(context, own_live_server, diary_of):
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(own_live_server.url + "/en/diary")
    # Both send their first entry at the same moment, before any profile exists.
    for tab, level in zip(tabs, (3, 6), strict=True):
        tab.evaluate(
            """(level) => import("/static/js/shell.js").then((shell) => { shell.keepInDiary({id: shell.newId(),
            kind: "pain", at: new Date().toISOString(), pain: level, knee: "left"}); })""",
            level,
        )
    entries = diary_of(own_live_server)
    for _ in range(50):
        if len(entries) == 2:
            break
        tabs[0].wait_for_timeout(100)
        entries = diary_of(own_live_server)
    assert sorted(e["pain"] for e in entries) == [3, 6]
    profiles = list(own_live_server.app.extensions["kneeaid.store"].profile_ids())
    assert len(profiles) == 1, "one diary, not two"


WAITED_CHECKS = {  # a check as a phone's outbox kept it under an earlier rules version, and a reason it shows
    1: (
        {"symptoms": ["injury", "cannot_bear_weight"], "tier": "emergency", "rules": ["E3", "U6", "D10"]},
        "E3",
        "An X-ray is needed now.",
    ),
    2: (
        {"symptoms": ["gives_way", "crunch_pain"], "tier": "doctor", "rules": ["D2", "D5"], "rulesVersion": 2},
        "D2",
        "A knee that gives way may have a torn ligament.",
    ),
    3: (
        {"symptoms": ["fever"], "tier": "doctor", "rules": ["D12"], "rulesVersion": 3},
        "D12",
        "A temperature with knee pain can mean an infection: tell a doctor.",
    ),
}


@pytest.mark.parametrize("version", sorted(WAITED_CHECKS))
def test_a_check_that_waited_in_the_outbox_across_the_update_is_kept_with_its_old_reasons(
    context, own_live_server, diary_of, offline_ready, version
):
    """A phone saved a check under an earlier rules version (version 1 had no rulesVersion), went
    offline, and the app updated before it could send it: the check is kept, never refused, with
    the tier and reasons it was shown (version 3 made version 2's D2 and D5 urgent, version 4
    version 3's D12)."""
    fields, rule, reason = WAITED_CHECKS[version]
    server = own_live_server
    page = context.new_page()
    page.goto(server.url + "/en/diary")
    offline_ready(page)
    server.stop()
    context.set_offline(True)
    page.evaluate(
        """(fields) => import("/static/js/shell.js").then((shell) => shell.keepInDiary({
        id: shell.newId(), kind: "check", at: new Date().toISOString(), ...fields}))""",
        fields,
    )
    server.restart()
    context.set_offline(False)
    page.reload()
    [kept] = diary_of(server)
    assert (kept["tier"], kept["rules"]) == (fields["tier"], fields["rules"])
    assert kept.get("rulesVersion") == fields.get("rulesVersion")
    view = page.locator("#diary-view")
    view.get_by_text(reason).wait_for()
    assert view.get_by_text(f"Checked with the rules of version {version}").is_visible()
    assert view.locator(f'[data-rule="{rule}"]').is_visible()


def test_an_entry_the_server_refuses_is_shown_as_not_saved_and_blocks_nothing(context, own_live_server, diary_of):
    server = own_live_server
    page = context.new_page()
    page.goto(server.url + "/en/diary")
    page.get_by_text("No entries yet.").wait_for()
    page.evaluate("""() => import("/static/js/shell.js").then((shell) => shell.keepInDiary({
        id: shell.newId(), kind: "pain", at: "1999-12-31T10:00:00Z", pain: 4, knee: "left"}))""")
    add_pain(page, 3, "right knee", "after the stairs")
    entries = diary_of(server)  # the outbox empties: nothing stays stuck
    assert [(e["pain"], e["knee"]) for e in entries] == [(3, "right")]
    page.reload()
    not_saved = page.locator("#not-saved li")
    not_saved.first.wait_for()
    assert not_saved.count() == 1
    assert "Pain 4 of 10, left knee" in not_saved.inner_text()
    assert "(The time is before the year 2000.)" in not_saved.inner_text()
    assert page.get_by_role("heading", name="Not saved").is_visible()
    page.goto(server.url + "/ru/diary")
    in_russian = page.locator("#not-saved li").inner_text().replace("\xa0", " ")
    assert "(Указана дата раньше 2000 года.)" in in_russian, "the reason in the person's language"
    page.goto(server.url + "/en/diary")
    not_saved.get_by_role("button", name="Remove from this list").click()
    page.locator("#not-saved-section").wait_for(state="hidden")


def test_the_time_field_offers_only_times_the_server_keeps(page, live_server):
    page.goto(live_server.url + "/en/diary")
    field = page.get_by_label("Time", exact=True)
    assert field.get_attribute("min") == "2000-01-01T00:00"
    assert field.get_attribute("max") > field.input_value()
    shown_now = datetime.fromisoformat(field.input_value())
    assert datetime.fromisoformat(field.get_attribute("max")) - shown_now <= timedelta(minutes=5)
    field.fill("1999-05-01T10:00")
    assert page.evaluate("document.getElementById('entry-at').validity.rangeUnderflow")


def test_an_entry_being_written_survives_a_language_switch_and_is_gone_once_saved(context, live_server, diary_of):
    page = context.new_page()
    page.goto(live_server.url + "/en/diary")
    page.get_by_role("radio", name="6", exact=True).check()
    page.get_by_label("left knee", exact=True).check()
    page.get_by_label("Note (optional, at most 500 characters)").fill("after the long run")
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/diary")
    note = page.locator("#entry-note")
    note.wait_for()
    page.wait_for_function("() => document.getElementById('entry-note').value !== ''")
    assert note.input_value() == "after the long run"
    assert page.get_by_role("radio", name="6", exact=True).is_checked()
    assert page.locator('input[name="knee"][value="left"]').is_checked()
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.get_by_text("Сохранено на этом телефоне.", exact=True).wait_for()
    [kept] = diary_of(live_server)
    assert (kept["pain"], kept["knee"], kept["note"]) == (6, "left", "after the long run")
    page.reload()
    assert page.locator("#entry-note").input_value() == ""


def profile_of(context):
    return next(c["value"] for c in context.cookies() if c["name"] == "kneeaid_profile")


def test_without_javascript_the_form_keeps_the_time_typed_in_the_persons_zone(browser, live_server):
    """The form without JavaScript: yesterday 21:30 in Moscow (the tz cookie
    an earlier visit's script set) is stored as 18:30 UTC and shown as 21:30."""
    context = browser.new_context(java_script_enabled=False, timezone_id="Europe/Moscow")
    context.add_cookies([{"name": "tz", "value": "Europe%2FMoscow", "url": live_server.url}])
    yesterday = (datetime.now(MOSCOW) - timedelta(days=1)).date()
    page = context.new_page()
    page.goto(live_server.url + "/en/diary")
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("left knee", exact=True).check()
    page.get_by_label("Time", exact=True).fill(f"{yesterday}T21:30")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Pain 4 of 10", exact=True).wait_for()
    [entry] = live_server.app.extensions["kneeaid.store"].entries(profile_of(context))
    assert datetime.fromisoformat(entry["at"]) == datetime(
        yesterday.year, yesterday.month, yesterday.day, 18, 30, tzinfo=UTC
    )
    assert page.locator(".entries li time").inner_text() == "21:30", "one clock: 24-hour"
    context.close()


def test_without_javascript_an_impossible_time_is_said_and_what_was_typed_stays(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/ru/diary")
    page.get_by_role("radio", name="6", exact=True).check()
    page.get_by_label("Заметка", exact=False).fill("после бега")
    page.get_by_label("Время", exact=True).fill("2999-12-31T23:00")  # no max without JavaScript
    page.get_by_role("button", name="Сохранить", exact=True).click()
    problem = page.locator("#form-problem")
    assert "Указано время в будущем, а в дневник записывают то, что уже произошло." in problem.inner_text()
    assert page.get_by_role("radio", name="6", exact=True).is_checked()
    assert page.get_by_label("Заметка", exact=False).input_value() == "после бега"
    assert page.get_by_label("Время", exact=True).input_value() == "2999-12-31T23:00"
    assert not any(c["name"] == "kneeaid_profile" for c in context.cookies()), "nothing stored"
    context.close()


def a_diary_with(live_server, entries):
    """The profile id of a new diary holding these entries, as another device made it."""
    client = live_server.app.test_client()
    response = client.post(
        "/api/diary/sync", json={"entries": entries, "deleted": []}, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 200
    return client.get_cookie("kneeaid_profile").value


def test_the_first_page_a_new_device_opens_shows_the_persons_times(browser, live_server, monkeypatch):
    """A new phone in Moscow, just joined, opens the summary first: no tz
    cookie yet, yet the person sees Moscow times, not UTC ones."""
    profile = a_diary_with(
        live_server,
        [
            {
                "id": "5c0e8f7c-3d1e-4f55-9a43-1d2b8c1f0a11",
                "kind": "pain",
                "at": "2026-11-20T22:30:00Z",
                "pain": 3,
                "knee": "left",
                "note": "stairs",
            }
        ],
    )
    context = browser.new_context(timezone_id="Europe/Moscow", locale="ru-RU")
    context.add_cookies([{"name": "kneeaid_profile", "value": profile, "url": live_server.url}])
    page = context.new_page()
    monkeypatch.setattr(pages, "summary_end", lambda: datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    page.goto(live_server.url + "/ru/diary/summary")
    page.locator("#pain-entries").get_by_text(
        "21 нояб. 2026 г., 01:30 · левое колено · боль 3 из 10 · stairs"
    ).wait_for()
    assert "UTC" not in page.locator("main").inner_text()
    assert page.locator("#zone-note").count() == 0
    context.close()


SHARE_SHEET = """
    window.shared = [];
    navigator.canShare = (data) => Boolean(data && data.files && data.files.length > 0);
    navigator.share = async (data) => {
        for (const file of data.files) {
            window.shared.push({ name: file.name, type: file.type, head: await file.slice(0, 5).text() });
        }
    };
"""


def test_the_summary_downloads_and_sends_its_pdf_and_offline_says_the_pdf_needs_a_network(browser, live_server):
    """Where the phone can share files (here a share sheet that keeps what it is given), "Send to my
    doctor" hands it the PDF; where it cannot (Chromium on Linux), there is no such button."""
    context = browser.new_context(timezone_id="Europe/Moscow", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/diary")
        add_pain(page, 5, "left knee", "knee after stairs")
        diary_on_server(context, live_server)
        page.goto(f"{live_server.url}/en/diary/summary")
        assert page.get_by_role("button", name="Send to my doctor").is_hidden()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download PDF").click()
        today = datetime.now(MOSCOW).date().isoformat()
        assert download.value.suggested_filename == f"kneeaid-{today}.pdf"

        page.add_init_script(SHARE_SHEET)
        page.reload()
        page.get_by_role("button", name="Send to my doctor").click()
        page.wait_for_function("() => window.shared.length === 1")
        assert page.evaluate("window.shared") == [
            {"name": f"kneeaid-{today}.pdf", "type": "application/pdf", "head": "%PDF-"}
        ]

        context.set_offline(True)
        page.locator("#pdf-offline").wait_for()
        assert page.locator("#pdf-offline").inner_text() == (
            "The PDF needs a network. Printing this page works without one."
        )
        page.get_by_role("link", name="Download PDF").click()
        assert page.url == f"{live_server.url}/en/diary/summary"
        assert page.get_by_role("button", name="Print").is_visible()
    finally:
        context.close()
