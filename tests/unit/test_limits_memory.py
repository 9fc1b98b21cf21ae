"""The per-address limits' in-memory counters (kneeaid/extensions.py): requests at the
same moment from one address stop exactly at the limit."""

import socket
import sys
import threading

import limits
import pytest
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from kneeaid.extensions import LockedMemoryStorage


@pytest.fixture
def threads_switch_often():
    """Threads switched every microsecond: limits' own MemoryStorage passes more than its limit
    in some of these rounds (about 1 in 70 here), a race that otherwise shows under load."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_memory_uris_count_in_the_locked_storage():
    assert isinstance(storage_from_string("kneeaid-memory://"), LockedMemoryStorage)


def test_twenty_hits_at_the_same_moment_pass_exactly_five_every_time(threads_switch_often):
    assert set(passed_in_rounds(lambda: FixedWindowRateLimiter(LockedMemoryStorage()))) == {5}


def test_with_redis_down_the_in_memory_fallback_stops_exactly_at_the_limit(tmp_path, threads_switch_often):
    """Flask-Limiter counts in memory while Redis cannot be reached: in the locked storage too."""
    from kneeaid import create_app
    from kneeaid.extensions import limiter

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nothing answers on
    try:
        create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp_path),
                "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed.getsockname()[1]}",
            }
        )
    finally:
        closed.close()
    assert set(passed_in_rounds(lambda: type(limiter._fallback_limiter)(type(limiter._fallback_storage)()))) == {5}
    assert isinstance(limiter._fallback_storage, LockedMemoryStorage)


def passed_in_rounds(new_limiter, rounds=300):
    """For each round, how many of 20 hits at the same moment a fresh limiter of 5 an hour let pass."""
    limit = limits.parse("5/hour")
    passed_per_round = []
    for _ in range(rounds):
        limiter = new_limiter()
        together = threading.Barrier(20)
        passed = []

        def hit(limiter=limiter, together=together, passed=passed):
            together.wait()
            if limiter.hit(limit, "203.0.113.9"):
                passed.append(True)

        threads = [threading.Thread(target=hit) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        passed_per_round.append(len(passed))
    return passed_per_round
