"""The per-address limits' in-memory counters (kneeaid/extensions.py): requests at the
same moment from one address stop exactly at the limit."""

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
    limit = limits.parse("5/hour")
    passed_per_round = []
    for _ in range(300):
        limiter = FixedWindowRateLimiter(LockedMemoryStorage())
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
    assert set(passed_per_round) == {5}
