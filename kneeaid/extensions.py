"""The Flask extensions, made here and bound to the app in create_app() with
init_app, so any module can import them without importing the package itself."""

import threading
import time
from pathlib import Path

from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage

PROJECT_ROOT = Path(__file__).resolve().parent.parent

babel = Babel()
htmx = HTMX()
# Per client address (behind the proxy, ProxyFix makes it the person's, not the proxy's).
limiter = Limiter(key_func=get_remote_address)


# A Redis that does not answer costs a request at most a second (a request may wait twice: 0.6 s).
REDIS_CONNECT_SECONDS = REDIS_ANSWER_SECONDS = 0.3


class LockedMemoryStorage(MemoryStorage):
    """limits' in-memory counters (memory://), each read and change under one lock. limits 5.8's
    reads its counters without its lock, and a read that comes between a counter's first hit and
    the hit setting its expiry drops the counter (and its lock): twenty new diaries asked from one
    address at the same moment passed a limit of five as nine. init_limiter uses it for memory://."""

    STORAGE_SCHEME = ["kneeaid-memory"]
    LOCKED = ("incr", "decr", "get", "clear", "acquire_entry", "get_expiry", "get_moving_window")
    LOCKED += ("acquire_sliding_window_entry", "get_sliding_window", "clear_sliding_window", "reset")

    def __init__(self, *args, **options):
        super().__init__(*args, **options)
        self._one_lock = threading.RLock()
        for name in self.LOCKED:
            setattr(self, name, self._locked(getattr(self, name)))

    def _locked(self, method):
        def locked(*args, **kwargs):
            with self._one_lock:
                return method(*args, **kwargs)

        return locked


def init_limiter(app):
    """Bind the limiter. On Redis, a server that does not answer within a
    second (connecting and answering together) counts as down: the request goes
    on with the in-memory fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of waiting."""
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "redis+unix://")):
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": REDIS_CONNECT_SECONDS, "socket_timeout": REDIS_ANSWER_SECONDS},
        )
    if app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = "kneeaid-memory://"  # the same counters, race-free
    limiter.init_app(app)
    _fallback_counts_under_one_lock()


def _fallback_counts_under_one_lock():
    """The in-memory fallback while Redis is down is limits' MemoryStorage too (Flask-Limiter 4.1
    makes it in init_app, with nothing to choose another): the locked one takes its place."""
    fallback = getattr(limiter, "_fallback_limiter", None)
    if fallback is not None and not isinstance(limiter._fallback_storage, LockedMemoryStorage):
        limiter._fallback_storage = LockedMemoryStorage()
        limiter._fallback_limiter = type(fallback)(limiter._fallback_storage)


def seconds_until_the_limit_resets():
    """For a 429's Retry-After: when the limit this request passed lets it in again."""
    passed = limiter.current_limit
    return max(1, int(passed.reset_at - time.time())) if passed else 60
