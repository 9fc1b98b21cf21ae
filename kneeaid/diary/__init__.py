"""The knee diary: pain scores, first-aid sessions and check results.

The device writes first (static/js/outbox.js) and syncs through
``POST /api/diary/sync`` (api.py); the pages (pages.py) show what the server
holds. What an entry may be is entries.py, each kind's own rules in kinds/;
how entries merge, merge.py (pure), and how often a diary may be written,
limits.py (pure); where they are kept,
store.py (files) or pg_store.py (PostgreSQL); whose they are, profiles.py;
exports, export.py; the move from files to PostgreSQL, move.py.
"""

import threading

from ..storage.atomic_files import StorageUnavailable
from ..web.errors import error_page
from .api import api
from .export import export
from .move import diary as diary_commands
from .pages import bp
from .profiles import give_back_unused_reservation, storage_unavailable

__all__ = ["bp", "init_app"]


def init_app(app):
    """The diary's pages and API over the store that kneeaid/backends.py chose."""
    # A database that cannot be reached (PostgreSQL) fails reads too: a 503, never a 500.
    app.register_error_handler(StorageUnavailable, lambda error: error_page(storage_unavailable()))
    # The PDFs this process renders at once (kneeaid/diary/pdf.py); the others wait outside, with a 503.
    app.extensions["kneeaid.pdf_slots"] = threading.BoundedSemaphore(app.config["PDFS_AT_ONCE"])
    app.after_request(give_back_unused_reservation)
    app.register_blueprint(api)
    app.register_blueprint(export)
    app.cli.add_command(diary_commands)  # flask diary export-to
