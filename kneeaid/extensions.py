"""The Flask extensions, made here and bound to the app in create_app() with
init_app, so any module can import them without importing the package itself."""

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
