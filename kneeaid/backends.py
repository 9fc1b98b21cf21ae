"""Where KneeAid keeps its state, chosen by ``DATABASE_URL``: unset, files in
``DATA_DIR`` (TinyDB for the diary, a file per alarm; one machine, no set-up);
``postgresql://…``, PostgreSQL (any number of app servers; docs/operations.md, "Scaling
out"). Both backends have the same interface and apply the same rules
(diary/merge.py), and the rest of KneeAid never knows which one it has."""

import atexit
import logging

from .alarms.pg_queue import PgAlarmQueue
from .alarms.queue import AlarmQueue
from .diary.pg_store import PgDiaryStore
from .diary.store import DiaryStore
from .storage import postgres

log = logging.getLogger("kneeaid.storage")


def init_app(app):
    """Put the diary's store and the alarm queue in ``app.extensions``
    ("kneeaid.store", "kneeaid.alarm_queue"); with PostgreSQL, also its pool
    ("kneeaid.database"), closed when the process ends."""
    url = app.config["DATABASE_URL"]
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError("KNEEAID_DATABASE_URL must be a postgresql:// address (unset: files in DATA_DIR)")
    if url:
        warn_about_shared_settings(app.config)
        pool = postgres.start(app)
        atexit.register(pool.close)
        app.extensions.update(
            {"kneeaid.database": pool, "kneeaid.store": PgDiaryStore(pool), "kneeaid.alarm_queue": PgAlarmQueue(pool)}
        )
    else:
        diary_store = DiaryStore(app.config["DATA_DIR"])
        diary_store.remove_leftovers()  # deletions a crash interrupted
        app.extensions.update(
            {
                "kneeaid.database": None,
                "kneeaid.store": diary_store,
                "kneeaid.alarm_queue": AlarmQueue(app.config["DATA_DIR"]),
            }
        )
    app.cli.add_command(postgres.db)


def warn_about_shared_settings(config):
    """With PostgreSQL, several servers may serve: what they must share (docs/operations.md, "Scaling out")."""
    if not config["VAPID_PRIVATE_KEY"]:
        log.warning(
            "KNEEAID_VAPID_PRIVATE_KEY is not set: each server makes its own push key, and alarms "
            "fail when more than one serves (docs/operations.md, Scaling out)"
        )
    if config["RATELIMIT_STORAGE_URI"].startswith(("memory://", "kneeaid-memory://")):
        log.warning(
            "KNEEAID_RATELIMIT_STORAGE_URI is memory://: each server counts the per-address limits "
            "on its own (docs/operations.md, Scaling out)"
        )


def close(app):
    """Close the database pool, if the app has one (tests; a process's end does it by itself)."""
    pool = app.extensions.get("kneeaid.database")
    if pool is not None:
        pool.close()
        atexit.unregister(pool.close)
