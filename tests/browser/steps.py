"""What a person does in the browser, as steps the browser tests share."""

from datetime import datetime, timedelta

# What waits in the phone's outbox (static/js/outbox.js): a promise of its items, for page.evaluate.
OUTBOX_ITEMS = "import('/static/js/outbox.js').then((outbox) => outbox.all())"


def open_timer(page, base_url, lang="en", paused=True):
    page.clock.install(time=START)
    if paused:
        page.clock.pause_at(PAUSED)
    page.goto(f"{base_url}/{lang}/timer")
    return page


def start(page, name="Start cooling"):
    page.get_by_role("button", name=name).click()


def drawn_phase(page, tries=50):
    """The phase once a page reached by a boosted link has run its script (the
    template's own data-phase is "ready" until then); the clock moves 0.1 s a try."""
    for _ in range(tries):
        drawn = page.evaluate(
            "() => { const timer = document.getElementById('timer');"
            " return timer && timer.dataset.drawn === 'yes' ? timer.dataset.phase : null; }"
        )
        if drawn:
            return drawn
        page.clock.run_for(100)
    raise AssertionError("the timer page was never drawn")


def forward(page, duration):
    page.clock.fast_forward(duration)
    page.clock.run_for(300)  # one tick of the display


def add_pain(page, level, knee, note=""):
    page.get_by_role("radio", name=str(level), exact=True).check()
    page.get_by_label(knee, exact=True).check()
    page.get_by_label("Note (optional, at most 500 characters)").fill(note)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved on this phone.", exact=True).wait_for()


def wait_until_offline_ready(page):
    """Wait until the service worker has installed (every precache write done)
    and controls the page."""
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === 'activated'",
        timeout=20_000,
    )


def diary_on_server(context, server, timeout=10):
    """The diary entries the server holds for this browser context, once its
    outbox is empty (polled for at most `timeout` seconds)."""
    import time

    deadline = time.monotonic() + timeout
    store = server.app.extensions["kneeaid.store"]
    while True:
        profile = next((c["value"] for c in context.cookies() if c["name"] == "kneeaid_profile"), None)
        pending = context.pages[0].evaluate(f"{OUTBOX_ITEMS}.then((items) => items.length)")
        if profile and pending == 0:
            return store.entries(profile)
        assert time.monotonic() < deadline, f"not synced: profile {profile}, {pending} waiting"
        time.sleep(0.1)


def open_then_go_offline(context, server, path):
    """Open a page so the service worker installs, then take the network away
    for real: the server stops and the browser is offline."""
    page = context.new_page()
    page.goto(server.url + path)
    wait_until_offline_ready(page)
    server.stop()
    context.set_offline(True)
    return page


START = datetime.fromisoformat("2026-11-21T10:00:00+03:00")


PAUSED = START + timedelta(seconds=10)
