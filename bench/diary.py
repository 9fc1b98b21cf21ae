"""The diary's three measurements (issue 5), against real `python app.py`
processes on this machine, over HTTP on 127.0.0.1.

1. Syncing 1,000 entries in one request.
2. The latency of one write with 10 profiles stored and with 10,000 profiles
   stored (target: the second at most 20 % slower).
3. Entries per second with 2 worker processes and 16 concurrent writers.
4. The diary view (a month a page, issue 9) for a diary of 10 entries and
   one of 10,000, requests alternating between the two, medians.

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
    request = urllib.request.Request(url + "/api/diary/sync", data=json.dumps({"entries": entries}).encode(),
                                     headers=headers, method="POST")
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
    request = urllib.request.Request(url + "/en/diary/view", headers={"Cookie": f"kneeaid_profile={profile}",
                                                                     "HX-Request": "true"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def view_cost(rounds=60):
    """Median view times for diaries of 10 entries, of 200 (one full page) and of
    10,000 (spread over 24 months), requests taking turns between the three."""
    sizes = {10: 1, 200: 1, 10_000: 24}  # entries: months they are spread over
    with tempfile.TemporaryDirectory() as data_dir:
        store, profiles = DiaryStore(data_dir), {}
        for size, months in sizes.items():
            profiles[size] = store.new_profile_id()
            spread = [{**entry(), "at": f"{2024 + n % months // 12}-{n % months % 12 + 1:02d}-{n % 28 + 1:02d}"
                                        "T10:00:00Z"} for n in range(size)]
            store.save(profiles[size], spread, [], time.time(), new=True)
        process, url = start_server(data_dir)
        try:
            times = {size: [] for size in sizes}
            for _ in range(rounds):  # taking turns, so every size sees the same machine
                for size, profile in profiles.items():
                    times[size].append(view_ms(url, profile))
        finally:
            process.terminate()
            process.wait()
    return {size: statistics.median(values[5:]) for size, values in times.items()}


def main():
    with tempfile.TemporaryDirectory() as data_dir:
        process, url = start_server(data_dir)
        try:
            post(url, [entry()])
            times = [post(url, [entry() for _ in range(1000)])[0] for _ in range(5)]
        finally:
            process.terminate()
            process.wait()
    print(f"1. Sync of 1,000 entries in one request: median {statistics.median(times) * 1000:.0f} ms "
          f"(5 runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms)")

    latencies = write_latencies()
    few_median, many_median = statistics.median(latencies[10]), statistics.median(latencies[10_000])
    slower = (many_median / few_median - 1) * 100
    print(f"2. One write, median of {WRITES}: {few_median:.2f} ms with 10 profiles, "
          f"{many_median:.2f} ms with 10,000 profiles ({slower:+.1f} %; target at most +20 %)")

    with tempfile.TemporaryDirectory() as data_dir:
        servers = [start_server(data_dir), start_server(data_dir)]
        counts = []

        def writer(url, seconds=5.0):
            _, profile = post(url, [entry()])
            stored, deadline = 0, time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                post(url, [entry() for _ in range(10)], profile)
                stored += 10
            counts.append(stored)

        try:
            threads = [threading.Thread(target=writer, args=(servers[n % 2][1],)) for n in range(16)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            for process, _ in servers:
                process.terminate()
                process.wait()
    print(f"3. 2 worker processes, 16 concurrent writers (10 entries a request, each its own profile): "
          f"{sum(counts) / elapsed:.0f} entries/s ({sum(counts)} entries in {elapsed:.1f} s)")
    views = view_cost()
    print(f"4. The diary view (one month a page, at most 200 entries), median: {views[10]:.1f} ms with 10 entries, "
          f"{views[200]:.1f} ms with 200 (a full page), {views[10_000]:.1f} ms with 10,000 "
          f"({views[10_000] / views[200]:.2f}x a full page)")
    return 0 if slower <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
