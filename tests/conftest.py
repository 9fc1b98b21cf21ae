"""Shared fixtures: the app and its clients, a live server, headless Chromium."""

import threading
from datetime import UTC, datetime

import jinja2
import pytest
from playwright.sync_api import sync_playwright
from py_vapid import Vapid
from werkzeug.serving import WSGIRequestHandler, make_server

from kneeaid import backends, create_app
from kneeaid.i18n.languages import LANGUAGES
from scripts.postgres_server import PostgresServer
from tests.fake_push import FakePushService
from tests.pages import PAGES

CHROMIUM = "/usr/bin/chromium"
# Chromium's own calls home only fail on this closed network and slow it down.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    # Software compositing rather than an emulated GPU: the same pages, some 6 % less CPU
    # (Chromium is two thirds of the suite's CPU).
    "--disable-gpu",
]


def pytest_collection_modifyitems(items):
    """Every test in a test_browser_*.py file drives Chromium: `pytest -m "not browser"`
    runs the rest in seconds."""
    for item in items:
        if item.path.name.startswith("test_browser_"):
            item.add_marker(pytest.mark.browser)


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every app of a test run: each test
    makes an app of its own, which would compile every template it renders
    again (a tenth of a second for a page). A template's source is part of the key."""

    def __init__(self):
        self.kept = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket):
        self.kept[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


def a_zone_where_it_is_midday():
    """A fixed-offset time zone where the real time now is about noon: a browser test whose clock
    must end at the real now (the server refuses times ahead) still has its follow-up asked in the
    daytime (09:00-21:00), whenever the suite runs."""
    offset = 12 - datetime.now(UTC).hour
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def make_test_app(tmp_path, **settings):
    """The app with its data in tmp_path. Every test client comes from one
    address, so the limits per address on new diaries, summaries and exports
    are lifted unless a test sets them."""
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "NEW_PROFILES_PER_HOUR": 1_000_000,
                      "SUMMARIES_PER_MINUTE": 1_000_000, "EXPORTS_PER_MINUTE": 1_000_000, **settings})
    app.jinja_env.bytecode_cache = SHARED_BYTECODE
    return app


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the whole run, in a temporary folder (scripts/postgres_server.py)."""
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def run_database(postgres_server):
    """One database for the run (for each test worker), emptied for each test."""
    return postgres_server.create_database()


@pytest.fixture
def database_url(postgres_server, run_database):
    """The address of a database that is empty for this test, as a new one is:
    the run's database, emptied (a new database per test took a tenth of a
    second or more, times some 200 tests). Connections the test left open are
    ended afterwards."""
    postgres_server.empty_database(run_database)
    yield run_database
    postgres_server.end_connections(run_database)


@pytest.fixture(params=["files", "postgres"])
def each_backend(request):
    """The storage settings of each backend in turn: {} (files in DATA_DIR), then
    a fresh PostgreSQL database. A test module runs on both by overriding
    storage_settings with it (tests/test_store.py)."""
    return {"DATABASE_URL": request.getfixturevalue("database_url")} if request.param == "postgres" else {}


@pytest.fixture
def server_storage(storage_settings, tmp_path):
    """(KNEEAID_* settings, data_dir(n)) for `python app.py` processes sharing a
    store: with files, one data folder; with PostgreSQL, nothing but the
    database: a data folder each, and the push key that every server must share."""
    if not storage_settings:
        return {}, lambda n: tmp_path / "data"
    key = Vapid()
    key.generate_keys()
    return ({"KNEEAID_DATABASE_URL": storage_settings["DATABASE_URL"],
             "KNEEAID_VAPID_PRIVATE_KEY": key.private_pem().decode()}, lambda n: tmp_path / f"data-{n}")


@pytest.fixture
def storage_settings():
    """The storage settings of the app fixtures: files in tmp_path, unless a module runs on each backend."""
    return {}


@pytest.fixture
def app(tmp_path, storage_settings):
    app = make_test_app(tmp_path, **storage_settings)
    yield app
    backends.close(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args):
        pass


class LiveServer:
    """The app served over real HTTP on a free port of 127.0.0.1."""

    def __init__(self, app, port=0):
        self.app = app
        self._server = make_server(
            "127.0.0.1", port, app, threaded=True, request_handler=QuietRequestHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # stop() waits for the loop's next look: every 0.5 s by default.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()

    def stop(self):
        """Take the server down: from now on the network is really gone."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def restart(self):
        """Serve again on the same address (the same origin for the browser)."""
        self.stop()
        self.__init__(self.app, self._server.server_port)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(make_test_app(tmp_path_factory.mktemp("live")))
    yield server
    server.stop()


@pytest.fixture
def own_live_server(tmp_path):
    """A server for one test, which that test may stop to go offline."""
    server = LiveServer(make_test_app(tmp_path))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def persistent_context(playwright, tmp_path):
    """A non-incognito profile, as an installed app has."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844},
    )
    yield context
    context.close()


def wait_until_offline_ready(page):
    """Wait until the service worker has installed (every precache write done)
    and controls the page."""
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null"
        " && navigator.serviceWorker.controller.state === 'activated'",
        timeout=20_000,
    )


def all_page_urls():
    """Every page of every language, as the service worker must precache them."""
    return [f"/{lang}/{page}" for lang in sorted(LANGUAGES) for page in PAGES]


@pytest.fixture
def page_urls():
    """Every page of every language (tests/pages.py, written out independently of the app)."""
    return all_page_urls()


@pytest.fixture
def make_app(tmp_path, storage_settings):
    """make_app(**settings): the app with other settings, its data in tmp_path
    (or in the test's database, when the module runs on each backend)."""
    made = []

    def make(**settings):
        made.append(make_test_app(tmp_path, **{**storage_settings, **settings}))
        return made[-1]

    yield make
    for app in made:
        backends.close(app)


@pytest.fixture
def serve_app():
    """serve_app(app): a LiveServer for an app of the test's own; stopped afterwards."""
    servers = []

    def serve(app):
        servers.append(LiveServer(app))
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()


@pytest.fixture
def offline_ready():
    """offline_ready(page): wait until the service worker controls the page."""
    return wait_until_offline_ready


@pytest.fixture
def go_offline(context):
    """go_offline(server, path): a page opened once, then the network really gone."""
    return lambda server, path: open_then_go_offline(context, server, path)


@pytest.fixture
def diary_of(context):
    """diary_of(server): the entries the server holds for this context, once its outbox is empty."""
    return lambda server, timeout=10: diary_on_server(context, server, timeout)


@pytest.fixture(params=sorted(LANGUAGES))
def lang(request):
    return request.param


def diary_on_server(context, server, timeout=10):
    """The diary entries the server holds for this browser context, once its
    outbox is empty (polled for at most `timeout` seconds)."""
    import time

    deadline = time.monotonic() + timeout
    store = server.app.extensions["kneeaid.store"]
    while True:
        profile = next((c["value"] for c in context.cookies() if c["name"] == "kneeaid_profile"), None)
        pending = context.pages[0].evaluate("window.KneeAidOutbox.all().then((items) => items.length)")
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


@pytest.fixture
def push_service():
    """A push service on 127.0.0.1 that keeps what the server posts (tests/fake_push.py)."""
    service = FakePushService()
    yield service
    service.stop()
