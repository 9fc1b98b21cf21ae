"""What only the PostgreSQL backend has (kneeaid/storage/postgres.py): its schema and
`flask db upgrade`, a database that cannot be reached, and `flask diary
export-to`, the move from TinyDB files. The rules themselves are tested on
both backends (tests/storage/test_store.py, tests/app/test_diary.py, tests/storage/test_alarms.py)."""

import threading
import time
import uuid
from unittest import mock

import psycopg
import pytest

from kneeaid import backends
from kneeaid.diary.pg_store import PgDiaryStore
from kneeaid.diary.store import DiaryStore
from kneeaid.storage import postgres
from scripts.postgres_server import PostgresServer
from tests.support import make_test_app

ORIGIN = {"Origin": "http://localhost"}


def table_names(url):
    with psycopg.connect(url) as connection:
        return sorted(
            name
            for [name] in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        )


def versions(url):
    with psycopg.connect(url) as connection:
        return [version for [version] in connection.execute("SELECT version FROM schema_version ORDER BY version")]


def test_flask_db_upgrade_makes_the_schema_once_and_again_changes_nothing(tmp_path, database_url):
    app = make_test_app(tmp_path, DATABASE_URL=database_url, DATABASE_UPGRADE_AT_START=False)
    try:
        assert table_names(database_url) == []  # nothing made behind the deploy's back
        first = app.test_cli_runner().invoke(args=["db", "upgrade"])
        again = app.test_cli_runner().invoke(args=["db", "upgrade"])
    finally:
        backends.close(app)
    assert first.exit_code == 0 and f"version {len(postgres.MIGRATIONS)} (was 0)" in first.output
    assert again.exit_code == 0 and "(was" not in again.output
    assert table_names(database_url) == ["alarms", "entries", "profiles", "schema_version", "tombstones"]
    assert versions(database_url) == list(range(1, len(postgres.MIGRATIONS) + 1))


def test_flask_db_upgrade_without_a_database_says_so(runner):
    answer = runner.invoke(args=["db", "upgrade"])
    assert answer.exit_code != 0 and "KNEEAID_DATABASE_URL is not set" in answer.output


def test_servers_starting_at_once_apply_each_migration_once(database_url):
    pools = [postgres.open_pool(database_url, 2) for _ in range(4)]
    failures = []

    def upgrade(pool):
        try:
            postgres.upgrade(pool)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=upgrade, args=(pool,)) for pool in pools]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for pool in pools:
            pool.close()
    assert failures == []
    assert versions(database_url) == list(range(1, len(postgres.MIGRATIONS) + 1))


def test_a_database_url_that_is_not_postgresql_stops_the_app_at_start(tmp_path):
    with pytest.raises(ValueError, match="postgresql://"):
        make_test_app(tmp_path, DATABASE_URL="mysql://localhost/kneeaid")


def test_a_database_that_cannot_be_reached_answers_503_never_500(tmp_path, postgres_server):
    url = postgres_server.create_database()
    app = make_test_app(tmp_path, DATABASE_URL=url)
    try:
        client = app.test_client()
        entry = {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "left"}
        assert client.post("/api/diary/sync", json={"entries": [entry]}, headers=ORIGIN).status_code == 200
        postgres_server.drop_database(url)  # the database goes away under the running app

        write = client.post("/api/diary/sync", json={"entries": [{**entry, "id": str(uuid.uuid4())}]}, headers=ORIGIN)
        page = client.get("/en/diary/view")
        alarm_cancel = client.delete(f"/api/timer/alarms/{'0' * 32}", headers={"Sec-Fetch-Site": "same-origin"})
    finally:
        backends.close(app)
    assert write.status_code == 503 and write.headers["Retry-After"] == "300"
    assert "stay on this phone" in write.get_json()["error"]
    assert page.status_code == 503 and "stay on this phone" in page.get_data(as_text=True)
    assert alarm_cancel.status_code == 503


def pain_entry():
    return {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "left"}


def timed(request):
    """(the answer, the seconds it took)."""
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def healed(request, seconds=15):
    """The first answer that is not a 503, asking as a phone's outbox would
    (again after each 503): the pool reconnects after 1, 2 and 4 s, and on the
    next request once it has given up (10 s), so well within ``seconds``."""
    deadline = time.monotonic() + seconds
    while (response := request()).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    return response


@pytest.mark.postgres
def test_with_the_server_down_requests_answer_503_within_2_s_and_the_pool_heals_when_it_is_back(tmp_path):
    server = PostgresServer()  # its own: it goes down mid-run
    app = make_test_app(tmp_path, DATABASE_URL=server.create_database())
    try:
        client = app.test_client()
        kept = [pain_entry() for _ in range(3)]
        sync = lambda entries: client.post("/api/diary/sync", json={"entries": entries}, headers=ORIGIN)  # noqa: E731
        assert sync(kept).get_json()["acknowledged"] == [entry["id"] for entry in kept]
        server.down()

        late = pain_entry()
        for request in (lambda: sync([late]), lambda: client.get("/en/diary/view"), lambda: sync([late])):
            response, seconds = timed(request)
            assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
            assert seconds < 2, f"{seconds:.1f} s before the 503"

        server.up()  # the same server again: no restart of the app
        assert healed(lambda: sync([late])).get_json()["acknowledged"] == [late["id"]], "a sync succeeds again"
        held = client.get("/diary/export.json").get_json()["entries"]
        assert [entry["id"] for entry in held] == [entry["id"] for entry in [*kept, late]], "nothing lost"
    finally:
        backends.close(app)
        server.stop()


# flask diary export-to ---------------------------------------------------------


def a_thousand_profiles(data_dir, count=1000):
    """A data folder of TinyDB files as a busy server leaves it: ``count``
    profiles, each with entries in two months, one edited, one deleted.
    Returns {profile id: (its entries, its tombstones)}."""
    files, made = DiaryStore(data_dir), {}
    with mock.patch("os.fsync"):  # making the folder only: what is tested is the move
        for n in range(count):
            made.update(one_profile(files, n))
    return made


def one_profile(files, n):
    """A profile with four entries in two months, one of them edited, one deleted."""
    profile = files.new_profile_id()
    entries = [
        {
            "id": str(uuid.uuid4()),
            "kind": "pain",
            "at": f"2026-{10 + k % 2}-0{k + 1}T10:00:00Z",
            "pain": (n + k) % 11,
            "knee": "left",
            "note": f"profile {n} entry {k}",
        }
        for k in range(4)
    ]
    files.save(profile, entries, [], time.time(), new=True)
    edited = {**entries[0], "pain": 10, "updatedAt": "2026-11-21T08:00:00+03:00"}
    files.save(profile, [edited], [entries[1]["id"]], time.time())
    return {profile: ([edited, entries[2], entries[3]], {entries[1]["id"]})}


@pytest.fixture
def database_store(database_url, tmp_path):
    """The PostgreSQL store of an app on the test's database."""
    app = make_test_app(tmp_path / "elsewhere", DATABASE_URL=database_url)
    yield app.extensions["kneeaid.store"]
    backends.close(app)


def whole_database(store):
    """{profile: (its entries by id, its tombstones)} of every profile in the database."""
    return {
        profile: (sorted_entries(store.entries(profile)), store.tombstones(profile)) for profile in store.profile_ids()
    }


def test_export_to_moves_a_thousand_profiles_whole_and_again_changes_nothing(tmp_path, database_url, database_store):
    made = a_thousand_profiles(tmp_path / "data")
    runner = make_test_app(tmp_path).test_cli_runner()

    first = runner.invoke(args=["diary", "export-to", database_url])
    after_first = whole_database(database_store)
    again = runner.invoke(args=["diary", "export-to", database_url])

    assert first.exit_code == 0, first.output
    assert "1000 profiles, 3000 entries and 1000 deletions are in the database" in first.output
    assert after_first == {
        profile: (sorted_entries(entries), tombstones) for profile, (entries, tombstones) in made.items()
    }
    assert again.exit_code == 0, again.output
    assert whole_database(database_store) == after_first


def test_an_entry_edited_or_deleted_in_the_database_since_the_move_keeps_that_change(
    tmp_path, database_url, database_store
):
    [(profile, (entries, _))] = a_thousand_profiles(tmp_path / "data", count=1).items()
    runner = make_test_app(tmp_path).test_cli_runner()
    first = runner.invoke(args=["diary", "export-to", database_url])
    assert first.exit_code == 0
    assert "1 profile, 3 entries and 1 deletion are in the database" in first.output
    later = {**entries[0], "pain": 2, "updatedAt": "2026-11-22T09:00:00Z"}
    database_store.save(profile, [later], [entries[1]["id"]], time.time())

    assert runner.invoke(args=["diary", "export-to", database_url]).exit_code == 0

    assert sorted_entries(database_store.entries(profile)) == sorted_entries([later, entries[2]])


def test_a_profile_the_database_did_not_keep_whole_is_named_and_the_move_fails(tmp_path, database_url):
    made = a_thousand_profiles(tmp_path / "data", count=3)
    lost = sorted(made)[1]
    runner = make_test_app(tmp_path).test_cli_runner()
    real_save = PgDiaryStore.save

    def save_that_loses_one_profile(store, profile_id, entries, *rest, **options):
        return real_save(store, profile_id, [] if profile_id == lost else entries, *rest, **options)

    with mock.patch.object(PgDiaryStore, "save", save_that_loses_one_profile):
        result = runner.invoke(args=["diary", "export-to", database_url])

    assert result.exit_code == 1
    assert f"1 profile is not whole in the database: {lost}" in result.output


def sorted_entries(entries):
    return sorted(entries, key=lambda entry: entry["id"])


def test_only_the_storage_modules_import_psycopg():
    import ast

    from kneeaid.extensions import PROJECT_ROOT

    importers = set()
    for path in (PROJECT_ROOT / "kneeaid").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            if any(name.split(".")[0] in ("psycopg", "psycopg_pool") for name in names):
                importers.add(path.relative_to(PROJECT_ROOT).as_posix())
    assert importers == {"kneeaid/storage/postgres.py", "kneeaid/diary/pg_store.py", "kneeaid/alarms/pg_queue.py"}
