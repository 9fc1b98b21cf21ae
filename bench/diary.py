"""The diary's three measurements (issue 5), against real `python app.py`
processes on this machine, over HTTP on 127.0.0.1.

1. Syncing 1,000 entries in one request.
2. The latency of one write with 10 profiles stored and with 10,000 profiles
   stored (target: the second at most 20 % slower).
3. Entries per second with 2 worker processes and 16 concurrent writers.
4. One write and 5. the diary view (its newest month) for a diary of 100
   entries and one of 10,000 kept at the same pace, requests alternating
   between the two, medians (issue 13: each at most 2x).

    python bench/diary.py
"""

import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kneeaid.diary.store import DiaryStore  # noqa: E402
from scripts.app_process import start  # noqa: E402

WRITES = 200  # for each latency figure


def start_server(data_dir):
    return start(data_dir, KNEEAID_WRITES_PER_MINUTE="100000000", KNEEAID_NEW_PROFILES_PER_HOUR="100000000")


def entry():
    return {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 4, "knee": "left"}


def post(url, entries, profile=None):
    """Seconds the request took, and the profile id it answered with."""
    headers = {"Content-Type": "application/json", "Origin": url}
    if profile:
        headers["Cookie"] = f"kneeaid_profile={profile}"
    request = urllib.request.Request(
        url + "/api/diary/sync", data=json.dumps({"entries": entries}).encode(), headers=headers, method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        cookie = response.headers.get("Set-Cookie") or ""
    took = time.perf_counter() - started
    return took, (cookie.split(";")[0].split("=")[1] if cookie else profile)


def fill_profiles(data_dir, count):
    store = DiaryStore(data_dir)
    for _ in range(count):
        store.save(store.new_profile_id(), [entry() for _ in range(5)], [], time.time(), new=True)


def write_latencies(counts=(10, 10_000)):
    """Milliseconds of one write for each number of stored profiles: a server for
    each, the writes taking turns between them so both see the same machine."""
    with tempfile.TemporaryDirectory() as few_dir, tempfile.TemporaryDirectory() as many_dir:
        servers = {}
        try:
            for count, data_dir in zip(counts, (few_dir, many_dir), strict=True):
                fill_profiles(data_dir, count)
                servers[count] = start_server(data_dir)
            profiles = {count: post(url, [entry()])[1] for count, (_, url) in servers.items()}
            for _ in range(20):  # warm up
                for count, (_, url) in servers.items():
                    post(url, [entry()], profiles[count])
            times = {count: [] for count in counts}
            for _ in range(WRITES):
                for count, (_, url) in servers.items():
                    times[count].append(post(url, [entry()], profiles[count])[0] * 1000)
            return times
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait()


def view_ms(url, profile):
    request = urllib.request.Request(
        url + "/en/diary/view", headers={"Cookie": f"kneeaid_profile={profile}", "HX-Request": "true"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def entries_per_second(urls, seconds, writers=16):
    """Entries stored per second by ``writers`` threads spread over the servers
    at ``urls``, each its own profile, 10 entries a request, for ``seconds``."""
    counts = []

    def writer(url):
        _, profile = post(url, [entry()])
        stored, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            post(url, [entry() for _ in range(10)], profile)
            stored += 10
        counts.append(stored)

    threads = [threading.Thread(target=writer, args=(urls[n % len(urls)],)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def diary_of(size, per_day=3):
    """A diary of ``size`` entries kept at ``per_day`` a day up to now: 100
    entries are the last month, 10,000 are nine years."""
    now = datetime.now(UTC)
    return [{**entry(), "at": (now - timedelta(hours=24 / per_day * n)).isoformat()} for n in range(size)]


def diary_size_costs(rounds=150, sizes=(100, 10_000)):
    """Median milliseconds of one write and of one view of the diary's newest
    month, for a diary of 100 entries and one of 10,000 kept at the same pace
    (so the month shown holds as many entries): requests alternate between
    the two, so both see the same machine."""
    with tempfile.TemporaryDirectory() as data_dir:
        store, profiles = DiaryStore(data_dir), {}
        for size in sizes:
            profiles[size] = store.new_profile_id()
            store.save(profiles[size], diary_of(size), [], time.time(), new=True)
        process, url = start_server(data_dir)
        try:
            writes, views = {size: [] for size in sizes}, {size: [] for size in sizes}
            for turn in range(rounds):  # each goes first every other round
                for size, profile in sorted(profiles.items(), reverse=turn % 2 == 1):
                    writes[size].append(
                        post(url, [{**entry(), "at": datetime.now(UTC).isoformat()}], profile)[0] * 1000
                    )
                    views[size].append(view_ms(url, profile))
        finally:
            process.terminate()
            process.wait()
    return (
        {size: statistics.median(values[10:]) for size, values in writes.items()},
        {size: statistics.median(values[10:]) for size, values in views.items()},
    )


def main():
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = start_server(data_dir)
        try:
            post(url, [entry()])
            times = [post(url, [entry() for _ in range(1000)])[0] for _ in range(5)]
        finally:
            process.terminate()
            process.wait()
    print(
        f"1. Sync of 1,000 entries in one request: median {statistics.median(times) * 1000:.0f} ms "
        f"(5 runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms)"
    )

    latencies = write_latencies()
    few_median, many_median = statistics.median(latencies[10]), statistics.median(latencies[10_000])
    slower = (many_median / few_median - 1) * 100
    print(
        f"2. One write, median of {WRITES}: {few_median:.2f} ms with 10 profiles, "
        f"{many_median:.2f} ms with 10,000 profiles ({slower:+.1f} %; target at most +20 %)"
    )

    with tempfile.TemporaryDirectory() as data_dir:
        servers = [start_server(data_dir), start_server(data_dir)]
        try:
            rate = entries_per_second([url for _, url in servers], seconds=5.0)
        finally:
            for process, _ in servers:
                process.terminate()
                process.wait()
    print(
        f"3. 2 worker processes, 16 concurrent writers (10 entries a request, each its own profile): "
        f"{rate:.0f} entries/s"
    )
    writes, views = diary_size_costs()
    for number, (what, costs) in enumerate((("One write", writes), ("The diary view (its newest month)", views)), 4):
        ratio = costs[10_000] / costs[100]
        print(
            f"{number}. {what}, median: {costs[100]:.2f} ms with 100 entries in the diary, {costs[10_000]:.2f} ms "
            f"with 10,000: {ratio:.2f}x (goal <= 2x: {'met' if ratio <= 2 else 'MISSED'})"
        )
    print(f"   (2.: goal at most +20 %: {'met' if slower <= 20 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
