"""The fixtures every layer's tests share: the app, its clients, the storage
backends (files, a throwaway PostgreSQL), a fake push service. Each folder's
conftest.py adds its own (tests/browser/: a live server and headless Chromium)."""

from pathlib import Path

import pytest
from py_vapid import Vapid

from kneeaid import backends
from kneeaid.i18n.languages import LANGUAGES
from scripts.postgres_server import PostgresServer
from tests.fake_push import FakePushService
from tests.pages import PAGES
from tests.support import make_test_app

BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(items):
    """Markers by what a test needs: every test in tests/browser/ drives Chromium
    (``browser``); a test that asks for the PostgreSQL server, or runs on each
    backend with PostgreSQL's, needs it (``postgres``). ``-m "not browser and not
    postgres"`` is the fast part (scripts/test.sh fast)."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        on_each_backend = getattr(getattr(item, "callspec", None), "params", {}).get("each_backend")
        if "postgres_server" in getattr(item, "fixturenames", ()) or on_each_backend == "postgres":
            item.add_marker(pytest.mark.postgres)


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
    storage_settings with it (tests/storage/test_store.py)."""
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
    return (
        {
            "KNEEAID_DATABASE_URL": storage_settings["DATABASE_URL"],
            "KNEEAID_VAPID_PRIVATE_KEY": key.private_pem().decode(),
        },
        lambda n: tmp_path / f"data-{n}",
    )


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


@pytest.fixture(params=sorted(LANGUAGES))
def lang(request):
    return request.param


@pytest.fixture
def push_service():
    """A push service on 127.0.0.1 that keeps what the server posts (tests/fake_push.py)."""
    service = FakePushService()
    yield service
    service.stop()
