"""The per-address limits shared in a real Redis (docs/operations.md, "Scaling out"): two
app processes on one Redis count one limit; with Redis down, each process
keeps counting on its own, says so once in its log, and shares again once
Redis is back."""

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts import app_process
from scripts.redis_server import RedisServer

SAME_ORIGIN = {"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
FALLING_BACK = "Rate limit storage unreachable - falling back to in-memory storage"
pytestmark = pytest.mark.processes  # app processes on a real redis-server


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    yield server
    server.close()


@pytest.fixture
def redis_url(redis_server):
    if not redis_server.answers():
        redis_server.start()
    redis_server.flush()
    return redis_server.url


def post(url, path, body):
    """(status, headers, JSON answer) of a POST from a page of KneeAid's own."""
    request = urllib.request.Request(url + path, method="POST", data=json.dumps(body).encode(), headers=SAME_ORIGIN)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def new_diary(url):
    """A first entry from a phone with no diary yet: it makes a new diary."""
    entry = {"id": str(uuid.uuid4()), "kind": "pain", "at": "2026-11-20T10:00:00Z", "pain": 3, "knee": "left"}
    return post(url, "/api/diary/sync", {"entries": [entry]})


def bad_alarm(url):
    """An alarm request (refused as incomplete, 400, but counted all the same)."""
    return post(url, "/api/timer/alarms", {"at": "soon"})


@pytest.fixture
def two_servers(tmp_path, redis_url):
    """Two app processes, their own data folders, one Redis for the limits."""
    settings = {
        "KNEEAID_RATELIMIT_STORAGE_URI": redis_url,
        "KNEEAID_NEW_PROFILES_PER_HOUR": "3",
        "KNEEAID_ALARM_REQUESTS_PER_MINUTE": "4",
    }
    processes = [app_process.start(tmp_path / f"data{n}", **settings) for n in range(2)]
    yield [url for _, url in processes]
    for process, _ in processes:
        app_process.stop(process)


def test_two_processes_on_one_redis_share_the_new_diaries_limit(two_servers):
    first, second = two_servers
    made = [new_diary(url)[0] for url in (first, second, first)]
    assert made == [200, 200, 200]
    status, headers, answer = new_diary(second)
    assert status == 429, "the second process counts the diaries the first one made"
    assert "Too many new diaries" in answer["error"] and int(headers["Retry-After"]) > 0
    assert new_diary(first)[0] == 429


def test_new_diaries_asked_at_the_same_moment_from_two_processes_stop_exactly_at_the_limit(two_servers):
    """Counted before the write and given back after one that made nothing: 12 requests at once
    against a limit of 3 make 3 diaries, not 4 to 8 (as when the count came after the write)."""
    barrier = threading.Barrier(12)

    def at_once(url):
        barrier.wait()
        return new_diary(url)[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(at_once, two_servers * 6))
    assert sorted(statuses) == [200] * 3 + [429] * 9


def test_two_processes_on_one_redis_share_the_alarm_requests_limit(two_servers):
    first, second = two_servers
    assert [bad_alarm(url)[0] for url in (first, second, first, second)] == [400] * 4
    status, headers, answer = bad_alarm(first)
    assert status == 429 and "too many alarm requests" in answer["error"]
    assert int(headers["Retry-After"]) > 0


def start_logging(tmp_path, name, **settings):
    log = open(tmp_path / name, "w")
    process, url = app_process.start(tmp_path / f"data-{name}", output=log, **settings)
    return process, url, log


def test_with_redis_down_each_process_counts_alone_says_so_once_and_shares_again_when_it_is_back(
    tmp_path, redis_server, redis_url
):
    redis_server.stop()
    process, url, log = start_logging(
        tmp_path, "down.log", KNEEAID_RATELIMIT_STORAGE_URI=redis_url, KNEEAID_ALARM_REQUESTS_PER_MINUTE="4"
    )
    try:
        assert [bad_alarm(url)[0] for _ in range(4)] == [400] * 4, "served, never a 500"
        assert bad_alarm(url)[0] == 429, "the limit still holds, counted in this process"
        assert new_diary(url)[0] == 200
        redis_server.start()
        deadline = time.monotonic() + 20  # Flask-Limiter looks at Redis again after 1, 2, 4 … s
        while not redis_server.keys():
            assert time.monotonic() < deadline, "the limits never went back to Redis"
            bad_alarm(url)
            time.sleep(0.2)
    finally:
        app_process.stop(process)
        log.close()
    output = (tmp_path / "down.log").read_text()
    assert output.count(FALLING_BACK) == 1, output
    assert "Rate limit storage recovered" in output


def test_a_hung_redis_costs_a_request_at_most_the_documented_second(tmp_path):
    """A Redis that takes the connection and says nothing is given up within a second, the
    request answered with the in-memory count (docs/operations.md, "Settings")."""
    import socket

    from kneeaid import create_app
    from kneeaid.extensions import REDIS_ANSWER_SECONDS, REDIS_CONNECT_SECONDS

    assert REDIS_CONNECT_SECONDS + REDIS_ANSWER_SECONDS <= 1
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        app = create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp_path / "data"),
                "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{silent.getsockname()[1]}",
            }
        )
        client = app.test_client()
        client.get("/api/push/key")  # the app's first request (its lazy set-up) is not what is measured
        started = time.monotonic()
        answer = client.post("/api/timer/alarms", json={"at": "soon"}, headers={"Sec-Fetch-Site": "same-origin"})
        waited = time.monotonic() - started
    finally:
        silent.close()
    assert answer.status_code == 400, "served, never a 500"
    assert 0.3 <= waited < 1.0, f"waited {waited:.2f} s for a Redis that does not answer (at least its 0.3 s timeout)"
