"""The diary store under load and under crashes: nothing lost, nothing twice,
never an unreadable file."""

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
def start_server(tmp_path):
    """`python app.py` processes sharing one data folder; all stopped afterwards."""
    started = []

    def start_one(data_dir):
        process, url = app_process.start(data_dir, KNEEAID_WRITES_PER_MINUTE="1000000")
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


def test_two_processes_and_sixteen_threads_store_every_entry_exactly_once(tmp_path, start_server):
    servers = [start_server(tmp_path), start_server(tmp_path)]
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
    stored = [entry["id"] for entry in DiaryStore(tmp_path).entries(profile)]
    assert len(sent) == 16 * 200
    assert len(stored) == len(set(stored)) == 16 * 200 + 1
    assert set(sent) <= set(stored)


WRITER = """
import sys, time, uuid

from kneeaid.diary.store import DiaryStore
store = DiaryStore(sys.argv[1])
while True:
    entry = {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 1, "knee": "left"}
    store.save(sys.argv[2], [entry], [], time.time(), new=True)
    print(entry["id"], flush=True)  # acknowledged: on disk
"""


def test_a_writer_killed_at_any_moment_loses_nothing_acknowledged(tmp_path):
    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    acknowledged = []
    chance = random.Random(9)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), profile],
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

        profile_file = next(Path(tmp_path).rglob(f"{profile}.json"))
        json.loads(profile_file.read_text())  # never torn
        stored = {entry["id"] for entry in store.entries(profile)}
        missing = [entry_id for entry_id in acknowledged if entry_id not in stored]
        assert missing == []
    assert len(acknowledged) >= 12


def test_a_change_that_waited_for_a_deleted_profile_does_not_bring_it_back(tmp_path):
    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    store.save(profile, [pain_entry()], [], time.time(), new=True)
    store.delete_profile(profile)
    with pytest.raises(ProfileGone):
        store.save(profile, [pain_entry()], [], time.time())
    assert not store.exists(profile)
    assert not list(Path(tmp_path).rglob(f"{profile}*"))


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


def test_the_write_limit_counts_the_last_sixty_seconds(tmp_path):
    from kneeaid.diary.store import TooManyWrites

    store = DiaryStore(tmp_path)
    profile = store.new_profile_id()
    start = 1_800_000_000.0
    store.save(profile, [pain_entry()], [], start, writes_per_minute=2, new=True)
    store.save(profile, [pain_entry()], [], start + 1, writes_per_minute=2)
    for later in (7, 30, 59):
        with pytest.raises(TooManyWrites):
            store.save(profile, [pain_entry()], [], start + later, writes_per_minute=2)
    store.save(profile, [pain_entry()], [], start + 60.5, writes_per_minute=2)
    assert len(store.entries(profile)) == 3
