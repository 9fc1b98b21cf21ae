"""The Flask extensions, made here and bound to the app in create_app() with
init_app, so any module can import them without importing the package itself."""

import time
from pathlib import Path

from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

PROJECT_ROOT = Path(__file__).resolve().parent.parent

babel = Babel()
htmx = HTMX()
# Per client address (behind the proxy, ProxyFix makes it the person's, not the proxy's).
limiter = Limiter(key_func=get_remote_address)


# A Redis that does not answer costs a request at most a second (a request may wait twice: 0.6 s).
REDIS_CONNECT_SECONDS = REDIS_ANSWER_SECONDS = 0.3


def init_limiter(app):
    """Bind the limiter. On Redis, a server that does not answer within a
    second (connecting and answering together) counts as down: the request goes
    on with the in-memory fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of waiting."""
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "redis+unix://")):
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": REDIS_CONNECT_SECONDS, "socket_timeout": REDIS_ANSWER_SECONDS},
        )
    limiter.init_app(app)


def seconds_until_the_limit_resets():
    """For a 429's Retry-After: when the limit this request passed lets it in again."""
    passed = limiter.current_limit
    return max(1, int(passed.reset_at - time.time())) if passed else 60
