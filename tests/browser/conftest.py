"""The browser tests' fixtures: the app served over HTTP, headless Chromium
(/usr/bin/chromium through Playwright), its contexts and pages."""

import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.steps import diary_on_server, open_then_go_offline, wait_until_offline_ready
from tests.support import make_test_app

CHROMIUM = "/usr/bin/chromium"


# Chromium's own calls home only fail on this closed network and slow it down.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # WebUIOmniboxPopup, WebUIOmniboxAimPopup: the address bar's suggestion list, a web page of
    # Chromium's own that headless Chromium keeps in a renderer and redraws for every new tab:
    # without it a context and its first page take 45 % less CPU (the suite is CPU-bound, and
    # Chromium is three quarters of its CPU).
    "--disable-features=Translate,OptimizationHints,MediaRouter,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
    # Software compositing rather than an emulated GPU: the same pages, some 6 % less CPU
    # (Chromium is two thirds of the suite's CPU).
    "--disable-gpu",
]


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args):
        pass


class LiveServer:
    """The app served over real HTTP on a free port of 127.0.0.1."""

    def __init__(self, app, port=0):
        self.app = app
        self._server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietRequestHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # stop() waits for the loop's next look: every 0.5 s by default.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
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


# The fixtures a test cannot use without the service worker: such a test is marked service_worker.
NEED_THE_SERVICE_WORKER = {"offline_ready", "go_offline", "persistent_context"}


def pytest_collection_modifyitems(items):
    for item in items:
        if NEED_THE_SERVICE_WORKER & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.service_worker)


class Chromium:
    """The run's Chromium as one test sees it: its contexts have no service worker unless the test
    is marked ``service_worker``. The worker's install fetches and stores every page and file of
    both languages, about 1 CPU-second a context (the suite is CPU-bound), and only the tests of
    what the worker does need it: offline, push, notifications, updates. Online, a page comes from
    the network with the worker or without it (sw.js: network first)."""

    def __init__(self, browser, service_workers):
        self._browser = browser
        self._service_workers = service_workers

    def new_context(self, **options):
        options.setdefault("service_workers", self._service_workers)
        return self._browser.new_context(**options)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def chromium(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium, request):
    wanted = request.node.get_closest_marker("service_worker") is not None
    return Chromium(chromium, "allow" if wanted else "block")


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
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 390, "height": 844}
    )
    yield context
    context.close()


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
