"""The knee diary: pain scores, first-aid sessions and check results.

The device writes first (static/js/outbox.js) and syncs through
``POST /api/diary/sync`` (api.py); the pages (pages.py) show what the server
holds. What an entry may be is entries.py; how entries merge, merge.py (pure);
where they are kept, store.py; whose they are, profiles.py; exports, export.py.
"""

from .api import api
from .export import export
from .pages import bp
from .profiles import init_store

__all__ = ["bp", "init_app"]


def init_app(app):
    init_store(app)
    app.register_blueprint(api)
    app.register_blueprint(export)
