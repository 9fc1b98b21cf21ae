"""The diary store under load and under crashes: nothing lost, nothing twice,
never an unreadable file. Every test that takes the ``store`` fixture runs on
both backends: TinyDB files, then PostgreSQL (the app processes then share
nothing but the database)."""

import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from kneeaid import PROJECT_ROOT
from kneeaid.diary.merge import edit_time
from kneeaid.diary.store import DiaryStore, ProfileGone, TooManyWrites, read_table
from scripts import app_process


@pytest.fixture
def storage_settings(each_backend):
    return each_backend


@pytest.fixture(params=["small in one file", "a file per month"])
def diary_layout(request, monkeypatch):
    """On files, a diary of a few entries is one file; the tests about months
    run with both layouts (a file per month from the first entry)."""
    if request.param == "a file per month":
        monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", 0)
    return request.param


@pytest.fixture
def store(app):
    """The diary store of the test's backend (files in tmp_path/data, or the test's database)."""
    return app.extensions["kneeaid.store"]


@pytest.fixture
def start_server(server_storage):
    """start_server(n): the n-th `python app.py` process on the test's store; all stopped afterwards."""
    shared, data_dir = server_storage
    started = []

    def start_one(n):
        process, url = app_process.start(data_dir(n), KNEEAID_WRITES_PER_MINUTE="1000000", **shared)
        started.append(process)
        return process, url

    yield start_one
    for process in started:
        app_process.stop(process)


def post_entries(url, entries, profile=None):
    request = urllib.request.Request(
        url + "/api/diary/sync",
        data=json.dumps({"entries": entries}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Origin": url,
            **({"Cookie": f"kneeaid_profile={profile}"} if profile else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response), response.headers.get("Set-Cookie")


def post_as_a_phone(url, entries, profile):
    """post_entries, sent again after a 503 as a phone's outbox does: 16 writers to one diary
    wait on each other's locks, and on a busy machine one may wait past the statement timeout."""
    for _ in range(50):
        try:
            return post_entries(url, entries, profile)
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(0.1)
    raise AssertionError("503 fifty times in a row")


def pain_entry():
    return {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "both"}


@pytest.mark.processes
def test_two_processes_and_sixteen_threads_store_every_entry_exactly_once(store, start_server):
    servers = [start_server(0), start_server(1)]
    _, cookie = post_entries(servers[0][1], [pain_entry()])
    profile = cookie.split(";")[0].split("=")[1]
    sent, failures = [], []

    def writer(url):
        try:
            mine = [pain_entry() for _ in range(100)]
            for start in range(0, 100, 10):
                batch = mine[start : start + 10]
                acknowledged, _ = post_as_a_phone(url, batch, profile)
                assert acknowledged["acknowledged"] == [e["id"] for e in batch]
            post_as_a_phone(url, mine[-10:], profile)  # a resend must not duplicate
            sent.extend(entry["id"] for entry in mine)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(url,)) for _, url in servers for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = [entry["id"] for entry in store.entries(profile)]
    assert len(sent) == 16 * 100
    assert len(stored) == len(set(stored)) == 16 * 100 + 1
    assert set(sent) <= set(stored)


WRITER = """
import json, random, sys, time, uuid
from datetime import UTC, datetime

import kneeaid.diary.store
from kneeaid import create_app
kneeaid.diary.store.SMALL_DIARY = 40  # on files: one file first, then moved to months while being killed
store = create_app().extensions["kneeaid.store"]  # KNEEAID_DATA_DIR, or KNEEAID_DATABASE_URL
profile, chance = sys.argv[1], random.Random(int(sys.argv[2]))
mine = [entry for entry in store.entries(profile)]

def some_month():
    return f"2026-{chance.randint(1, 11):02d}-{chance.choice((1, 15, 28)):02d}T10:00:00Z"

while True:
    change = chance.random()
    if mine and change < 0.1:  # delete one
        entry = mine.pop(chance.randrange(len(mine)))
        print(json.dumps({"deleting": entry["id"]}), flush=True)  # a kill now may or may not delete it
        store.save(profile, [], [entry["id"]], time.time(), new=True)
        print(json.dumps({"deleted": entry["id"]}), flush=True)  # acknowledged: on disk, or committed
        continue
    if mine and change < 0.5:  # edit one, moving it to another month
        index = chance.randrange(len(mine))
        entry = {**mine[index], "at": some_month(), "pain": chance.randint(0, 10),
                 "updatedAt": datetime.now(UTC).isoformat()}
        mine[index] = entry
    else:
        entry = {"id": str(uuid.uuid4()), "kind": "pain", "at": some_month(), "pain": 1, "knee": "left"}
        mine.append(entry)
    store.save(profile, [entry], [], time.time(), new=True)
    print(json.dumps({"entry": entry}), flush=True)  # acknowledged: on disk, or committed
"""


@pytest.mark.processes
def test_a_writer_killed_at_any_moment_loses_nothing_acknowledged(app, store, server_storage):
    """New entries, edits that move an entry to another month, deletions; the
    writer killed at random moments: every acknowledged change is there."""
    shared, _ = server_storage
    environment = {**os.environ, "KNEEAID_DATA_DIR": app.config["DATA_DIR"], **shared}
    profile = store.new_profile_id()
    latest, deleted, deleting = {}, set(), set()
    chance = random.Random(9)
    for round_number in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, profile, str(round_number)],
            env=environment,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        first_write = threading.Event()

        def read_acknowledgements(lines=writer.stdout, first_write=first_write):
            for line in lines:
                change = json.loads(line)
                if "deleting" in change:
                    deleting.add(change["deleting"])
                    continue
                if "deleted" in change:
                    deleted.add(change["deleted"])
                else:
                    latest[change["entry"]["id"]] = change["entry"]
                    deleting.discard(change["entry"]["id"])
                first_write.set()

        reader = threading.Thread(target=read_acknowledgements)
        reader.start()
        # However slow the machine, the kill falls after the first acknowledged write,
        # at a random moment among the writes that follow it.
        assert first_write.wait(timeout=60), "the writer never acknowledged a write"
        time.sleep(chance.random() * 0.3)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        reader.join()
        writer.stdout.close()

        for path in Path(app.config["DATA_DIR"]).rglob("*.json"):
            json.loads(path.read_text())  # never torn (files)
        stored = store.entries(profile)
        by_id = {entry["id"]: entry for entry in stored}
        assert len(by_id) == len(stored), "each entry once"
        assert [entry_id for entry_id in deleted if entry_id in by_id] == []
        for entry_id, entry in latest.items():
            if entry_id not in deleted | deleting:
                assert entry_id in by_id, "an acknowledged entry was lost"
                assert edit_time(by_id[entry_id]) >= edit_time(entry), "an acknowledged edit was undone"
    assert len(latest) >= 12 and deleted, "the writers made new entries, edits and deletions"


STEP_WRITER = """
import json, os, signal, sys
import kneeaid.diary.store as diary_store

data_dir, profile, small_diary, kill_at, change = sys.argv[1:]
steps = []

def step_done(path):
    steps.append(str(path))
    if len(steps) == int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)  # right after this step is on disk

diary_store.step_done = step_done
diary_store.SMALL_DIARY = int(small_diary)
change = json.loads(change)
diary_store.DiaryStore(data_dir).save(profile, change["entries"], change["deleted"], 0)
print(json.dumps(steps), flush=True)  # acknowledged
"""


def write_killed_at(data_dir, profile, small_diary, step, change):
    """Make ``change`` in a separate process killed with SIGKILL right after its
    ``step``-th durable step (0: never). The steps it made, if it finished."""
    done = subprocess.run(
        [sys.executable, "-c", STEP_WRITER, str(data_dir), profile, str(small_diary), str(step), json.dumps(change)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode == -signal.SIGKILL:
        return None
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


LAYOUTS = {"a change in a file per month": (0, 0), "the move from one file to a file per month": (500, 2)}


@pytest.mark.processes
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_writer_killed_after_each_step_of_a_write_in_turn_loses_nothing_acknowledged(tmp_path, layout, monkeypatch):
    """A deterministic kill -9 at every step of one change (the store's
    step_done point), not at a random moment: a wrong order of the writes
    loses an entry at one of these steps, every run."""
    # A diary as a phone left it, and a change to it: an edit moving an entry from
    # September to October, a deletion, a new entry (December). Acknowledged before
    # the change: the September entry (in either version) and the untouched one.
    STEADY, MOVED, GONE, NEW = pain_in("2026-11", 20), pain_in("2026-09"), pain_in("2026-11"), pain_in("2026-12")
    EDIT = {**MOVED, "at": "2026-10-01T08:00:00Z", "pain": 8, "updatedAt": "2026-12-02T10:00:00Z"}
    CHANGE = {"entries": [EDIT, NEW], "deleted": [GONE["id"]]}
    small_before, small_during = LAYOUTS[layout]
    monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", small_before)
    first = tmp_path / "first"
    profile = DiaryStore(first).new_profile_id()
    DiaryStore(first).save(profile, [STEADY, MOVED, GONE], [], 0, new=True)
    steps = write_killed_at(shutil.copytree(first, tmp_path / "whole"), profile, small_during, 0, CHANGE)
    assert len(steps) >= 5, steps  # shards, months gained and lost, shards again, profile.json
    for step in range(1, len(steps) + 1):
        data_dir = shutil.copytree(first, tmp_path / f"killed-{step}")
        assert write_killed_at(data_dir, profile, small_during, step, CHANGE) is None, "killed"
        for path in data_dir.rglob("*.json"):
            json.loads(path.read_text())  # never torn
        monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", small_during)
        store = DiaryStore(data_dir)
        kept = {entry["id"]: entry for entry in store.entries(profile)}
        assert len(kept) == len(store.entries(profile)), f"step {step}: an entry twice"
        assert kept.get(STEADY["id"]) == STEADY, f"killed after {steps[step - 1]}: an untouched entry lost"
        assert kept.get(MOVED["id"]) in (MOVED, EDIT), f"killed after {steps[step - 1]}: an acknowledged entry lost"
        store.save(profile, CHANGE["entries"], CHANGE["deleted"], 0)  # the phone sends it again
        assert sorted(store.entries(profile), key=lambda e: e["at"]) == [EDIT, STEADY, NEW], f"step {step}"
        [count] = read_table(store._paths(profile)[0] / "profile.json", "count")
        assert count == {"entries": 3, "pending": False}, f"killed after {steps[step - 1]}: the cap's count is off"
        assert store.months(profile) == ["2026-10", "2026-11", "2026-12"], f"step {step}"
        assert GONE["id"] in store.tombstones(profile), f"step {step}"
        monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", small_before)


def test_a_change_that_waited_for_a_deleted_profile_does_not_bring_it_back(app, store):
    profile = store.new_profile_id()
    store.save(profile, [pain_entry()], [], time.time(), new=True)
    store.delete_profile(profile)
    with pytest.raises(ProfileGone):
        store.save(profile, [pain_entry()], [], time.time())
    assert not store.exists(profile)
    assert store.entries(profile) == []
    assert not list(Path(app.config["DATA_DIR"]).rglob(f"{profile}*"))  # no file left either


def test_a_write_that_fails_leaves_no_temporary_or_lock_files(tmp_path):
    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    unwritable = {**pain_entry(), "note": "\ud800"}  # cannot be written as UTF-8
    with pytest.raises(UnicodeEncodeError):
        store.save(profile, [unwritable], [], time.time(), new=True)
    assert [path for path in Path(tmp_path).rglob("*") if path.is_file()] == []
    store.save(profile, [pain_entry()], [], time.time(), new=True)
    with pytest.raises(UnicodeEncodeError):
        store.save(profile, [unwritable], [], time.time())
    assert {path.suffix for path in Path(tmp_path).rglob("*") if path.is_file()} == {".json", ".lock"}
    assert len(store.entries(profile)) == 1


def test_a_write_is_fsynced_file_and_folder_before_it_is_acknowledged(tmp_path, monkeypatch):
    import stat

    synced = []
    real_fsync = os.fsync

    def recording_fsync(descriptor):
        mode = os.fstat(descriptor).st_mode
        synced.append("folder" if stat.S_ISDIR(mode) else "file")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    store = DiaryStore(tmp_path)
    store.save(store.new_profile_id(), [pain_entry()], [], time.time(), new=True)
    assert synced == ["file", "folder"], "a small diary: its one file"
    synced.clear()
    monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", 0)
    store.save(store.new_profile_id(), [pain_entry()], [], time.time(), new=True)
    # Each file the write touches (the profile marking its count as changing, its id shard, its month,
    # the profile with the new count), then its folder.
    assert synced == ["file", "folder"] * 4


def test_the_write_limit_counts_the_last_sixty_seconds(store):
    profile = store.new_profile_id()
    start = 1_800_000_000.0
    store.save(profile, [pain_entry()], [], start, writes_per_minute=2, new=True)
    store.save(profile, [pain_entry()], [], start + 1, writes_per_minute=2)
    for later in (7, 30, 59):
        with pytest.raises(TooManyWrites):
            store.save(profile, [pain_entry()], [], start + later, writes_per_minute=2)
    store.save(profile, [pain_entry()], [], start + 60.5, writes_per_minute=2)
    assert len(store.entries(profile)) == 3


class Writers:
    """Threads that sync into one profile as phones do: a batch is sent until a
    server acknowledges it (a server killed meanwhile answers nothing, and the
    batch is sent again, to whichever server is up), then the next batch."""

    def __init__(self, urls, profile, per_server=4):
        self.urls, self.profile = urls, profile
        self.acknowledged, self.lock = [], threading.Lock()
        self.progress = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, args=(n % len(urls),)) for n in range(per_server * len(urls))
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _write(self, server):
        batch = [pain_entry() for _ in range(5)]
        while not self.stopping.is_set():
            try:
                answer, _ = post_entries(self.urls[server], batch, self.profile)
            except (OSError, http.client.HTTPException):  # the server was killed: the phone sends the batch again
                self.stopping.wait(0.05)
                continue
            with self.progress:
                self.acknowledged.extend(answer["acknowledged"])
                self.progress.notify_all()
            batch = [pain_entry() for _ in range(5)]

    def wait_for_more(self, than):
        """Block until more than ``than`` entries are acknowledged (however slow the machine)."""
        with self.progress:
            assert self.progress.wait_for(lambda: len(self.acknowledged) > than, timeout=120)
            return len(self.acknowledged)


@pytest.mark.processes
def test_two_app_processes_killed_again_and_again_lose_no_acknowledged_entry(store, server_storage):
    shared, data_dir = server_storage
    settings = {"KNEEAID_WRITES_PER_MINUTE": "1000000", **shared}
    servers = [app_process.start(data_dir(n), **settings) for n in range(2)]
    urls = [url for _, url in servers]
    _, cookie = post_entries(urls[0], [pain_entry()])
    profile = cookie.split(";")[0].split("=")[1]
    chance = random.Random(14)
    try:
        with Writers(urls, profile) as writers:
            seen = 0
            for kill in range(6):
                seen = writers.wait_for_more(seen + 20)
                time.sleep(chance.random() * 0.3)  # a random moment among the writes under way
                victim = kill % 2
                servers[victim][0].kill()  # kill -9
                servers[victim][0].wait()
                servers[victim] = app_process.start(data_dir(victim), **settings)
                urls[victim] = servers[victim][1]
            writers.wait_for_more(seen + 20)  # both servers are back and writing
    finally:
        for process, _ in servers:
            app_process.stop(process)

    stored = [entry["id"] for entry in store.entries(profile)]
    assert len(stored) == len(set(stored)), "an entry sent again is stored once"
    assert [entry_id for entry_id in writers.acknowledged if entry_id not in set(stored)] == []
    assert len(writers.acknowledged) >= 7 * 20


def test_delete_all_racing_with_writes_leaves_nothing_and_no_write_brings_the_diary_back(store):
    profile = store.new_profile_id()
    store.save(profile, [pain_entry()], [], time.time(), new=True)
    outcomes = {n: [] for n in range(8)}
    together = threading.Barrier(9)

    def write(n):
        together.wait()
        for _ in range(20):
            try:
                store.save(profile, [pain_entry()], [], time.time())
                outcomes[n].append("saved")
            except ProfileGone:
                outcomes[n].append("gone")

    def delete_all():
        together.wait()
        store.delete_profile(profile)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)] + [threading.Thread(target=delete_all)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not store.exists(profile)
    assert store.entries(profile) == []
    for mine in outcomes.values():
        assert len(mine) == 20
        first_gone = mine.index("gone") if "gone" in mine else len(mine)
        assert set(mine[first_gone:]) <= {"gone"}, "once gone, gone for good"


def pain_in(month, day=15, **fields):
    return {**pain_entry(), "at": f"{month}-{day:02d}T10:00:00Z", **fields}


def test_entries_are_filed_by_month_and_an_edit_of_the_time_moves_one(store, diary_layout):
    profile = store.new_profile_id()
    september, november = pain_in("2026-09"), pain_in("2026-11")
    store.save(profile, [september, november, pain_in("2026-11", 20)], [], time.time(), new=True)
    assert store.months(profile) == ["2026-09", "2026-11"]
    assert {e["id"] for e in store.entries_in(profile, ["2026-09"])} == {september["id"]}
    moved = {**september, "at": "2026-10-01T08:00:00+03:00", "updatedAt": "2026-11-21T10:00:00Z"}  # 05:00Z
    store.save(profile, [moved], [], time.time())
    assert store.months(profile) == ["2026-10", "2026-11"], "September's file went with its last entry"
    assert store.entries_in(profile, ["2026-10"]) == [moved]
    assert len(store.entries(profile)) == 3
    store.save(profile, [], [november["id"]], time.time())
    assert november["id"] in store.tombstones(profile)
    store.save(profile, [{**november, "updatedAt": "2030-01-01T00:00:00Z"}], [], time.time())
    assert november["id"] not in {e["id"] for e in store.entries(profile)}, "a deleted entry never comes back"


def test_an_entry_is_filed_under_the_utc_month_of_its_moment(store, diary_layout):
    """01:00 on 1 December in Moscow is 22:00 on 30 November in UTC: November's.
    The month an entry is filed under is its moment's UTC month, never the month
    its time was written in."""
    profile = store.new_profile_id()
    moscow = {**pain_entry(), "at": "2026-12-01T01:00:00+03:00"}  # 2026-11-30T22:00Z
    brazil = {**pain_entry(), "at": "2026-11-30T23:30:00-03:00"}  # 2026-12-01T02:30Z
    session = {
        "id": str(uuid.uuid4()),
        "kind": "session",
        "startedAt": "2026-12-01T00:30:00+01:00",
        "endedAt": "2026-12-01T01:00:00+01:00",
        "outcome": "completed",
        "cold": {"plannedMinutes": 15, "actualSeconds": 900},
        "elevation": None,
    }  # began 2026-11-30T23:30Z
    store.save(profile, [moscow, brazil, session], [], time.time(), new=True)
    assert store.months(profile) == ["2026-11", "2026-12"]
    assert {e["id"] for e in store.entries_in(profile, ["2026-11"])} == {moscow["id"], session["id"]}
    assert store.entries_in(profile, ["2026-12"]) == [brazil]


def test_a_write_rewrites_its_month_not_the_whole_diary(tmp_path, monkeypatch):
    from kneeaid.diary import store as store_module

    monkeypatch.setattr(store_module, "SMALL_DIARY", 40)
    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    store.save(
        profile,
        [pain_in(f"{2024 + n // 12}-{n % 12 + 1:02d}", day) for n in range(24) for day in (3, 17)],
        [],
        time.time(),
        new=True,
    )
    written = []
    real_write = store_module.write_atomically
    monkeypatch.setattr(
        store_module, "write_atomically", lambda path, text: (written.append(path.name), real_write(path, text))
    )
    edited = {**store.entries_in(profile, ["2025-06"])[0], "pain": 8, "updatedAt": "2026-11-21T10:00:00Z"}
    store.save(profile, [pain_in("2025-12", 1), edited], [], time.time())
    month_files = sorted(name for name in written if name[0].isdigit())
    assert month_files == ["2025-06.json", "2025-12.json"]
    assert [name for name in written if name.startswith("ids-")] and len(written) <= 5
    assert len(store.entries(profile)) == 49


def test_a_small_diary_is_one_file_until_it_grows_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", 3)
    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    folder = tmp_path / "profiles" / profile[:2]
    first = [pain_in("2026-09"), pain_in("2026-11")]
    store.save(profile, first, ["gone-before"], time.time(), new=True, writes_per_minute=3)
    third = pain_in("2026-11", 20)
    store.save(profile, [third], [], time.time(), writes_per_minute=3)
    assert (folder / f"{profile}.json").exists() and not (folder / profile).exists(), "3 entries: one file"
    assert store.months(profile) == ["2026-09", "2026-11"] and len(store.entries(profile)) == 3
    fourth = pain_in("2026-10")
    with pytest.raises(TooManyWrites):
        store.save(profile, [fourth], [], time.time(), writes_per_minute=2)  # the one file's writes counted
    store.save(profile, [fourth, {**pain_entry(), "id": "gone-before"}], [], time.time(), writes_per_minute=3)
    assert not (folder / f"{profile}.json").exists() and (folder / profile / "2026-10.json").exists()
    assert sorted(e["id"] for e in store.entries(profile)) == sorted(e["id"] for e in [*first, third, fourth])
    assert store.tombstones(profile) == {"gone-before"}, "a deletion is never undone by the move"
    with pytest.raises(TooManyWrites):
        store.save(profile, [pain_entry()], [], time.time(), writes_per_minute=3)  # the writes moved too


def test_the_cap_counts_entries_through_edits_moves_and_deletions(store, diary_layout):
    profile = store.new_profile_id()
    first, second = pain_in("2026-10"), pain_in("2026-11")
    store.save(profile, [first, second], [], time.time(), new=True, max_entries=3)
    store.save(
        profile,
        [{**first, "at": "2026-11-02T10:00:00Z", "updatedAt": "2026-11-21T10:00:00Z"}],
        [],
        time.time(),
        max_entries=3,
    )
    store.save(profile, [second], [], time.time(), max_entries=3)  # sent again: not a new entry
    _, full = store.save(profile, [pain_in("2026-11", 3)], [], time.time(), max_entries=3)
    assert full == []
    third_new = pain_in("2026-11", 4)
    _, full = store.save(profile, [third_new], [], time.time(), max_entries=3)
    assert full == [third_new["id"]]
    _, full = store.save(profile, [third_new], [first["id"]], time.time(), max_entries=3)
    assert full == [] and len(store.entries(profile)) == 3


def test_a_profile_written_by_an_earlier_version_is_read_and_moved_when_it_grows(tmp_path, monkeypatch):
    from tinydb import TinyDB

    monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", 2)

    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    folder = tmp_path / "profiles" / profile[:2]
    folder.mkdir(parents=True)
    (folder / f"{profile}.lock").touch()
    old_entries = [pain_in("2026-09"), pain_in("2026-11")]
    with TinyDB(folder / f"{profile}.json") as old:
        old.table("entries").insert_multiple(old_entries)
        old.table("deleted").insert({"id": "gone-before"})
        old.table("writes").insert({"at": time.time()})
    assert store.exists(profile) and list(store.profile_ids()) == [profile]
    assert store.months(profile) == ["2026-09", "2026-11"]
    assert sorted(e["id"] for e in store.entries(profile)) == sorted(e["id"] for e in old_entries)
    new = pain_in("2026-11", 20)
    store.save(profile, [new, {**pain_entry(), "id": "gone-before"}], [], time.time(), writes_per_minute=2)
    assert not (folder / f"{profile}.json").exists()
    assert sorted(e["id"] for e in store.entries(profile)) == sorted(e["id"] for e in [*old_entries, new])
    assert store.tombstones(profile) == {"gone-before"}
    with pytest.raises(TooManyWrites):
        store.save(profile, [pain_entry()], [], time.time(), writes_per_minute=2)  # the old file's write counted


def test_deleting_a_profile_leaves_nothing_and_a_start_finishes_an_interrupted_deletion(tmp_path, monkeypatch):
    monkeypatch.setattr("kneeaid.diary.store.SMALL_DIARY", 0)
    store = DiaryStore(tmp_path)
    profile, other = store.new_profile_id(), store.new_profile_id()
    for each in (profile, other):
        store.save(each, [pain_in("2026-10"), pain_in("2026-11")], [], time.time(), new=True)
    store.delete_profile(profile)
    assert not store.exists(profile) and store.entries(profile) == []
    assert not list((tmp_path / "profiles").rglob(f"*{profile}*"))
    folder = tmp_path / "profiles" / other[:2]
    (folder / other).rename(folder / f".deleted-{other}")  # a deletion killed after its first step
    assert not store.exists(other)
    DiaryStore(tmp_path).remove_leftovers()
    assert not (folder / f".deleted-{other}").exists()
