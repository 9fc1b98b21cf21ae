"""The diary store under load and under crashes: nothing lost, nothing twice,
never an unreadable file. Every test that takes the ``store`` fixture runs on
both backends: TinyDB files, then PostgreSQL (the app processes then share
nothing but the database)."""

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from kneeaid import PROJECT_ROOT
from kneeaid.diary.store import DiaryStore, ProfileGone
from scripts import app_process


@pytest.fixture
def storage_settings(each_backend):
    return each_backend


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
        url + "/api/diary/sync", data=json.dumps({"entries": entries}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Origin": url,
                 **({"Cookie": f"kneeaid_profile={profile}"} if profile else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response), response.headers.get("Set-Cookie")


def pain_entry():
    return {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "both"}


def test_two_processes_and_sixteen_threads_store_every_entry_exactly_once(store, start_server):
    servers = [start_server(0), start_server(1)]
    _, cookie = post_entries(servers[0][1], [pain_entry()])
    profile = cookie.split(";")[0].split("=")[1]
    sent, failures = [], []

    def writer(url):
        try:
            mine = [pain_entry() for _ in range(200)]
            for start in range(0, 200, 10):
                batch = mine[start:start + 10]
                acknowledged, _ = post_entries(url, batch, profile)
                assert acknowledged["acknowledged"] == [e["id"] for e in batch]
            post_entries(url, mine[-10:], profile)  # a resend must not duplicate
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
    assert len(sent) == 16 * 200
    assert len(stored) == len(set(stored)) == 16 * 200 + 1
    assert set(sent) <= set(stored)


WRITER = """
import sys, time, uuid

from kneeaid import create_app
store = create_app().extensions["kneeaid.store"]  # KNEEAID_DATA_DIR, or KNEEAID_DATABASE_URL
while True:
    entry = {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 1, "knee": "left"}
    store.save(sys.argv[1], [entry], [], time.time(), new=True)
    print(entry["id"], flush=True)  # acknowledged: on disk, or committed
"""


def test_a_writer_killed_at_any_moment_loses_nothing_acknowledged(app, store, server_storage):
    shared, data_dir = server_storage
    environment = {**os.environ, "KNEEAID_DATA_DIR": app.config["DATA_DIR"], **shared}
    profile = store.new_profile_id()
    acknowledged = []
    chance = random.Random(9)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, profile], env=environment,
                                  cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        first_write = threading.Event()

        def read_acknowledgements(lines=writer.stdout, first_write=first_write):
            for line in lines:
                acknowledged.append(line.strip())
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

        stored = {entry["id"] for entry in store.entries(profile)}  # never torn: it reads
        missing = [entry_id for entry_id in acknowledged if entry_id not in stored]
        assert missing == []
    assert len(acknowledged) >= 12


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
    assert sorted(path.suffix for path in Path(tmp_path).rglob("*") if path.is_file()) == [".json", ".lock"]
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
    assert synced == ["file", "folder"]


def test_the_write_limit_counts_the_last_sixty_seconds(store):
    from kneeaid.diary.store import TooManyWrites

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
        self.threads = [threading.Thread(target=self._write, args=(n % len(urls),))
                        for n in range(per_server * len(urls))]

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
