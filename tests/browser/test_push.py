"""The push alarm in headless Chromium: the page keeps the server's alarms in
step with the timer, and the service worker shows a pushed alarm.

Chromium here cannot reach a browser vendor's push service (a closed
network), so PushManager.subscribe() is replaced by one that returns a
subscription on the test's own push service (tests/fake_push.py), with keys
the test holds. Everything else is real: the page, the server, its queue."""

import base64
import contextlib
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kneeaid.alarms.sender import Sender
from tests.browser.steps import wait_until_offline_ready
from tests.support import a_zone_where_it_is_midday

# A push subscription belongs to the service worker's registration.
pytestmark = pytest.mark.service_worker

MINUTE = 60


@pytest.fixture
def push_server(make_app, serve_app, push_service):
    return serve_app(make_app(PUSH_SERVICES=push_service.origin))


def subscribe_with(page, subscription):
    """PushManager answers with this subscription, as a browser would after asking its push service."""
    page.add_init_script(f"""(() => {{
        const json = {json.dumps(subscription.json)};
        const subscribed = {{
            endpoint: json.endpoint, options: null, toJSON: () => json,
            unsubscribe: async () => {{ localStorage.removeItem("test.subscribed"); return true; }},
        }};
        PushManager.prototype.getSubscription = async function () {{
            const key = localStorage.getItem("test.subscribed");
            if (key === null) return null;
            subscribed.options = {{ applicationServerKey: Uint8Array.from(JSON.parse(key)).buffer }};
            return subscribed;
        }};
        PushManager.prototype.subscribe = async function (options) {{
            localStorage.setItem("test.subscribed", JSON.stringify([...options.applicationServerKey]));
            localStorage.setItem("test.userVisibleOnly", String(options.userVisibleOnly));
            return this.getSubscription();
        }};
    }})();""")


@contextlib.contextmanager
def subscribed_page(browser, server, push_service, path, **context_options):
    """A page of `path` in a new context with notifications allowed and a push
    subscription, once the service worker controls it; the context closed after."""
    context = browser.new_context(**context_options)
    context.grant_permissions(["notifications"])
    try:
        page = context.new_page()
        subscribe_with(page, push_service.subscribe())
        page.goto(f"{server.url}{path}")
        wait_until_offline_ready(page)
        yield page
    finally:
        context.close()


def alarms_on_server(server, kinds, timeout=10, until=lambda held: True):
    """The alarms the server holds, once they are of these kinds and ``until``
    holds for them (the page cancels and asks one request at a time):
    [(kind, seconds from now, title)]."""
    folder = Path(server.app.config["DATA_DIR"]) / "alarms"
    deadline = time.monotonic() + timeout
    while True:
        alarms = []
        for name in folder.glob("*.json") if folder.exists() else []:
            try:
                alarms.append(json.loads(name.read_text()))
            except FileNotFoundError:  # cancelled since the listing: look again
                continue
        held = sorted(
            (alarm["message"]["kind"], round(alarm["due"] - time.time()), alarm["message"]["title"]) for alarm in alarms
        )
        if ([kind for kind, _, _ in held] == sorted(kinds) and until(held)) or time.monotonic() > deadline:
            return held
        time.sleep(0.05)


def near(seconds, expected, slack=5):
    return abs(seconds - expected) <= slack


def test_the_server_holds_an_alarm_for_each_step_ahead_and_every_change_moves_them(
    browser, push_server, push_service, offline_ready
):
    # The phone's clock says yesterday: the page corrects it with the server's.
    context = browser.new_context(viewport={"width": 412, "height": 915})
    context.grant_permissions(["notifications"])
    subscription = push_service.subscribe()
    try:
        page = context.new_page()
        subscribe_with(page, subscription)
        page.clock.install(time=datetime.now(UTC) - timedelta(days=1))
        page.clock.pause_at(datetime.now(UTC) - timedelta(days=1) + timedelta(seconds=5))
        page.goto(f"{push_server.url}/en/timer")
        offline_ready(page)  # a push subscription needs the service worker (a first install takes a while)
        assert page.locator("#push-status").is_hidden(), "nothing promised before the server holds the alarms"

        page.get_by_role("button", name="Start cooling").click()
        [cold_over, skin] = alarms_on_server(push_server, ["cold-over", "skin-check"])
        assert lock_status(page) == "The alarm will reach your locked phone."
        assert cold_over[0] == "cold-over" and near(cold_over[1], 15 * MINUTE)
        assert skin[0] == "skin-check" and near(skin[1], 5 * MINUTE)
        key = push_server.app.test_client().get("/api/push/key").get_json()["publicKey"]
        asked_with = page.evaluate("JSON.parse(localStorage.getItem('test.subscribed'))")
        assert bytes(asked_with) == base64.urlsafe_b64decode(key + "=")
        assert page.evaluate("localStorage.getItem('test.userVisibleOnly')") == "true"

        # Paused: no skin check to come, but the ice pack still comes off at 15 minutes.
        page.get_by_role("button", name="Pause").click()
        assert [(kind, near(left, 15 * MINUTE)) for kind, left, _ in alarms_on_server(push_server, ["cold-over"])] == [
            ("cold-over", True)
        ]

        # A minute paused (the page's clock moves; the server's clock is the truth
        # it corrects with, so "now" on the server has not moved).
        page.clock.fast_forward("01:00")
        page.get_by_role("button", name="Resume").click()
        [cold_over, skin] = alarms_on_server(push_server, ["cold-over", "skin-check"])
        assert near(cold_over[1], 15 * MINUTE), "a pause does not move the 15-minute cap"
        assert near(skin[1], 5 * MINUTE), "still 5 minutes of cooling to the skin check: pauses do not count"

        page.get_by_role("button", name="Skip to leg up").click()
        [elevation] = alarms_on_server(push_server, ["elevation-over"])
        assert elevation[0] == "elevation-over" and near(elevation[1], 15 * MINUTE)
        assert elevation[2] == "You can lower the leg"

        page.goto(f"{push_server.url}/ru/timer")  # the other language: the alarm speaks it too
        deadline = time.monotonic() + 10
        while (
            alarms_on_server(push_server, ["elevation-over"])[0][2] == "You can lower the leg"
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        [elevation] = alarms_on_server(push_server, ["elevation-over"])
        assert elevation[0] == "elevation-over" and elevation[2] == "Можно опустить ногу"

        page.get_by_role("button", name="Остановить").click()
        page.get_by_role("button", name="Да, остановить").click()
        assert alarms_on_server(push_server, []) == []
    finally:
        context.close()


def lock_status(page, expected="The alarm will reach your locked phone.", tries=40):
    """The one line under the countdown, once it says `expected` (the page draws it every 250 ms of its
    paused clock; the server's answers arrive in real time)."""
    for _ in range(tries):
        page.clock.run_for(250)
        said = page.locator("#lock-status").inner_text()
        if said == expected:
            break
        time.sleep(0.05)
    return said


def test_with_notifications_allowed_but_no_subscription_the_page_never_promises_the_locked_screen(browser, push_server):
    """Allowed is not enough: the line says "on" only once the server has accepted this timer's alarms."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["notifications"])
    try:
        page = context.new_page()
        page.add_init_script("""PushManager.prototype.getSubscription = async () => null;
            PushManager.prototype.subscribe = async () => {
                throw new DOMException("no push service", "AbortError"); };""")
        page.clock.install(time=datetime.now(UTC))
        page.goto(f"{push_server.url}/en/timer")
        page.get_by_role("button", name="Start cooling").click()
        time.sleep(1)
        assert lock_status(page, tries=4) == "Keep this page open: the alarm cannot reach a locked phone."
        assert alarms_on_server(push_server, [], timeout=0) == []
        assert not page.locator("#alarm-limits").is_visible(), "permission is answered: the long explanation went"
    finally:
        context.close()


def test_with_notifications_refused_no_alarm_is_asked_for_and_the_page_says_so(browser, push_server, push_service):
    context = browser.new_context()
    try:
        page = context.new_page()
        subscribe_with(page, push_service.subscribe())
        page.add_init_script("Object.defineProperty(Notification, 'permission', {get: () => 'denied'});")
        page.goto(f"{push_server.url}/en/timer")
        page.get_by_role("button", name="Start cooling").click()
        assert page.locator("#push-status").inner_text().startswith("Notifications are refused on this phone")
        time.sleep(1)
        assert alarms_on_server(push_server, [], timeout=0) == []
    finally:
        context.close()


def expected_notification(kind, due):
    """What the phone shows for a pushed alarm of this kind, in Russian, with its tag."""
    if kind == "follow-up":  # the question two days after first aid: its own tag, the home page
        return "kneeaid-follow-up", {
            "title": "Как ваше колено?",
            "body": "Нажмите, чтобы оценить боль.",
            "url": "/ru/",
            "requireInteraction": False,
        }
    clock = due.astimezone(ZoneInfo("Europe/Moscow")).strftime("%H:%M")
    return "kneeaid-timer", {
        "title": "Время вышло\u00a0— снимите пакет со\xa0льдом",
        "body": f"{clock}: время вышло\xa0— снимите пакет со\xa0льдом. Затем поднимите ногу.",
        "url": "/ru/timer",
        "requireInteraction": True,
    }


@pytest.mark.parametrize("kind", ["cold-over", "follow-up"])
def test_a_pushed_alarm_shows_as_a_notification_in_the_persons_language(browser, push_server, push_service, kind):
    """The server sends; the test decrypts what the push service got and hands
    it to the service worker as the push service would."""
    context = browser.new_context()
    context.grant_permissions(["notifications"])
    subscription = push_service.subscribe()
    sender = None
    try:
        page = context.new_page()
        page.goto(f"{push_server.url}/ru/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
        client = push_server.app.test_client()
        client.set_cookie("tz", "Europe%2FMoscow")
        due = datetime.now(UTC) + timedelta(seconds=1)
        tag, expected = expected_notification(kind, due)
        assert (
            client.post(
                "/api/timer/alarms",
                headers={"Sec-Fetch-Site": "same-origin"},
                json={"subscription": subscription.json, "at": due.isoformat(), "kind": kind, "lang": "ru"},
            ).status_code
            == 201
        )
        parts = push_server.app.extensions["kneeaid.alarms"]
        sender = Sender(parts["queue"], parts["key"], parts["subject"], parts["services"]).start()
        [message] = push_service.wait_for(1)
        payload = subscription.decrypt(message["body"])

        devtools = context.new_cdp_session(page)
        active = []  # the registration whose worker is activated, as DevTools reports it
        devtools.on(
            "ServiceWorker.workerVersionUpdated",
            lambda event: active.extend(
                version["registrationId"] for version in event["versions"] if version["status"] == "activated"
            ),
        )
        devtools.send("ServiceWorker.enable")
        deadline = time.monotonic() + 5
        while not active and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        shown = []
        # As a push service does when a delivery is not acknowledged, DevTools' delivery is tried
        # again once if nothing showed (seen once in twenty runs on a busy machine); the tag
        # makes a second copy replace the first, so exactly one notification must show.
        for _ in range(2):
            devtools.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": push_server.url, "registrationId": active[0], "data": json.dumps(payload)},
            )
            deadline = time.monotonic() + 4
            while not shown and time.monotonic() < deadline:
                shown = page.evaluate(
                    """(tag) => navigator.serviceWorker.ready
                    .then((registration) => registration.getNotifications({ tag }))
                    .then((all) => all.map((one) => ({title: one.title, body: one.body, url: one.data.url,
                                                      requireInteraction: one.requireInteraction})))""",
                    tag,
                )
            if shown:
                break
        assert len(shown) == 1, (
            "no notification",
            active,
            page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.active.state)"),
        )
        assert shown[0] == expected
    finally:
        if sender:
            sender.stop()
        context.close()


def test_a_paused_ice_pack_is_still_called_off_at_15_minutes_from_its_start(browser, push_server, push_service):
    with subscribed_page(browser, push_server, push_service, "/en/timer") as page:
        page.get_by_label("10 minutes").check()
        page.get_by_role("button", name="Start cooling").click()
        [cold_over, _] = alarms_on_server(push_server, ["cold-over", "skin-check"])
        assert near(cold_over[1], 10 * MINUTE), "running: at the end chosen"
        page.get_by_role("button", name="Pause").click()
        [cold_over] = alarms_on_server(push_server, ["cold-over"], until=lambda held: not near(held[0][1], 10 * MINUTE))
        assert near(cold_over[1], 15 * MINUTE), "paused: the pack may still be on, so at the 15-minute cap"


def test_offline_the_timer_page_says_the_alarm_rings_only_while_a_page_is_open(browser, push_server, push_service):
    with subscribed_page(browser, push_server, push_service, "/ru/timer") as page:
        push_server.stop()
        page.context.set_offline(True)
        page.reload()
        assert page.locator("#push-status").inner_text().startswith("Сейчас нет сети: сигнал прозвучит")
        page.get_by_role("button", name="Запустить таймер").click()
        assert page.locator("#timer").get_attribute("data-phase") == "cold", "the timer runs offline"


def test_a_chosen_follow_up_is_held_by_the_server_until_cancelled_answered_or_deleted(
    browser, push_server, push_service, offline_ready
):
    """Two days ahead, in the person's language; choosing it off, or "Delete all my data", cancels it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id=a_zone_where_it_is_midday())
    context.grant_permissions(["notifications"])
    two_days = 2 * 24 * 60 * MINUTE
    try:
        page = context.new_page()
        subscribe_with(page, push_service.subscribe())
        page.goto(f"{push_server.url}/en/check/result?s=first_time_load")
        offline_ready(page)
        remind = page.get_by_role("button", name="Remind me in 2 days")
        remind.click()
        [(kind, left, title)] = alarms_on_server(push_server, ["follow-up"])
        assert (kind, near(left, two_days), title) == ("follow-up", True, "How is your knee?")
        assert page.locator("#followup-after-check [data-followup-when]").inner_text().startswith("We will ask you")
        assert "Notifications are off" not in page.locator("#followup-after-check").inner_text()

        remind.click()  # off again
        assert alarms_on_server(push_server, []) == []

        page.goto(f"{push_server.url}/ru/check/result?s=first_time_load")
        page.get_by_role("button", name="Напомнить через 2 дня").click()
        [(kind, left, title)] = alarms_on_server(push_server, ["follow-up"])
        assert (near(left, two_days), title) == (True, "Как ваше колено?")
        # The phone has the server's answer (the alarm's id) before it leaves the page: an id it
        # never got cannot be cancelled (see the closing note of issue 41's session).
        page.wait_for_function(
            "() => import('/static/js/push.js').then((push) => (localStorage.getItem(push.PUSH_ALARMS_KEY) || '')"
            ".includes('follow-up'))"
        )

        page.goto(f"{push_server.url}/ru/diary/delete")
        page.get_by_role("button", name="Да, удалить всё").click()
        page.get_by_text("На этом телефоне тоже ничего не осталось.").wait_for()
        assert alarms_on_server(push_server, []) == []
        assert page.evaluate("localStorage.getItem('kneeaid.followUp')") is None

        # The same page, on (a boosted link): a new timer's alarms are asked for again.
        page.locator(".tabbar").get_by_role("link", name="Таймер").click()
        page.get_by_role("button", name="Запустить таймер").click()
        assert [kind for kind, _, _ in alarms_on_server(push_server, ["cold-over", "skin-check"])] == [
            "cold-over",
            "skin-check",
        ]
    finally:
        context.close()


def test_the_morning_question_after_a_workout_is_held_once_at_its_time_and_never_for_a_deleted_diary(
    browser, push_server, push_service, offline_ready
):
    """Two knees trained the same evening: one push the next morning, at the hour chosen, in the
    person's language, opening the train page; "Delete all my data" cancels it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Europe/Moscow")
    context.grant_permissions(["notifications"])
    try:
        page = context.new_page()
        subscribe_with(page, push_service.subscribe())
        page.goto(f"{push_server.url}/ru/train")
        offline_ready(page)
        form = page.locator("#workout-form")
        for knee in ("левое колено", "правое колено"):
            form.get_by_label("Бег").check()
            form.get_by_label("Сколько минут").fill("30")
            form.locator('input[name="painDuring"][value="1"]').check()
            form.locator('input[name="painAfter"][value="1"]').check()
            form.get_by_label(knee, exact=True).check()
            form.get_by_label("Спросить о\xa0колене на\xa0следующее утро в").fill("07:45")
            form.get_by_role("button", name="Сохранить тренировку").click()
            page.locator(f'[data-zone][data-knee="{"left" if knee.startswith("лев") else "right"}"]').wait_for()
        [(kind, left, title)] = alarms_on_server(push_server, ["morning"])
        moscow = ZoneInfo("Europe/Moscow")
        asked = datetime.combine(datetime.now(moscow).date() + timedelta(days=1), datetime.min.time(), moscow)
        asked += timedelta(hours=7, minutes=45)
        assert (kind, near(left, (asked - datetime.now(moscow)).total_seconds()), title) == (
            "morning",
            True,
            "Как ваше колено сегодня утром?",
        )
        [alarm] = [
            json.loads(p.read_text()) for p in (Path(push_server.app.config["DATA_DIR"]) / "alarms").glob("*.json")
        ]
        assert alarm["message"]["url"] == "/ru/train"

        page.goto(f"{push_server.url}/ru/diary/delete")
        page.get_by_role("button", name="Да, удалить всё").click()
        page.get_by_text("На этом телефоне тоже ничего не осталось.").wait_for()
        assert alarms_on_server(push_server, []) == []
    finally:
        context.close()
