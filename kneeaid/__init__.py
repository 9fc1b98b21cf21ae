"""KneeAid: first aid for knees that hurt during or after exercise."""

from pathlib import Path

from flask import Flask

from .alarms.keys import DEVELOPMENT_SUBJECT
from .alarms.validation import DEFAULT_PUSH_SERVICES
from .extensions import PROJECT_ROOT, htmx, init_limiter

__all__ = ["PROJECT_ROOT", "create_app"]


def default_settings(app):
    """Every setting and its default; each can be set as KNEEAID_<NAME> (docs/operations.md, "Settings")."""
    return {
        "SECRET_KEY": "dev-only-secret",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        # The date the medical content was last checked against its sources.
        "CONTENT_REVIEWED": "2026-12-03",
        # Set when the app runs behind a reverse proxy (see docs/operations.md, "Deploying").
        "PROXY_HOPS": 0,
        # Where the diary keeps its files (see docs/storage.md).
        "DATA_DIR": str(Path(app.instance_path) / "data"),
        # None: the diary and the alarms in files in DATA_DIR (one machine); a
        # postgresql://… address: in PostgreSQL (docs/operations.md, "Scaling out").
        "DATABASE_URL": None,
        "DATABASE_POOL_SIZE": 10,  # connections per app process; waitress's threads share them
        "DATABASE_UPGRADE_AT_START": True,  # False: the deploy runs `flask db upgrade`
        # The timer's alarms pushed to a locked phone (see docs/push.md).
        "VAPID_PRIVATE_KEY": None,  # None: made on first start, kept in DATA_DIR
        "VAPID_SUBJECT": DEVELOPMENT_SUBJECT,  # a mailto: or https: address of whoever runs the server
        "PUSH_SERVICES": ",".join(DEFAULT_PUSH_SERVICES),  # the only origins alarms are posted to
        # The canonical base of KneeAid's FHIR code systems and identifiers (docs/fhir.md): the same
        # whatever address served an export. .invalid (RFC 2606) never resolves to anyone else's.
        "FHIR_BASE": "https://kneeaid.invalid/fhir",
        **limit_settings(),
    }


def limit_settings():
    """What one client, one diary or one process may ask of the server (docs/operations.md, "Settings")."""
    return {
        "WRITES_PER_MINUTE": 60,  # per diary profile
        "NEW_PROFILES_PER_HOUR": 20,  # per client address
        "MAX_ENTRIES_PER_PROFILE": 10_000,  # edits and deletions of existing entries always work
        # Where the per-address limits count (Flask-Limiter): memory:// for one
        # process; redis://… to share them between processes (docs/operations.md, "Scaling out").
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis down: each process counts on its own, in memory, until Redis is back (logged once).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Flask-Limiter's headers would put Retry-After on every answer of a limited page, successes
        # included; a 429 gets its own (kneeaid/web/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_ALARMS_PER_SUBSCRIPTION": 10,
        "MAX_ALARMS_PER_ADDRESS": 500,  # a club's training night behind one address: 100 phones, 5 alarms each
        "MAX_ALARMS_WAITING": 100_000,  # on the whole server (files or PostgreSQL)
        "ALARM_REQUESTS_PER_MINUTE": 30,  # per client address
        "PDFS_PER_MINUTE": 10,  # per client address: each costs about a second of the server's time
        "SUMMARIES_PER_MINUTE": 30,  # per client address: the summary page reads a period of the diary
        "EXPORTS_PER_MINUTE": 10,  # per client address: JSON, CSV and FHIR together read the whole diary
        "PDFS_AT_ONCE": 1,  # per process: each is a child process on a core of its own (kneeaid/diary/pdf.py)
        "PDF_SECONDS": 20,  # a PDF's child process is killed past this time,
        "PDF_MEMORY_MB": 600,  # or past this much memory of its own
    }


def create_app(test_config=None):
    """Build the KneeAid application.

    ``test_config`` overrides the settings (tests pass their own, with the
    data kept in a temporary folder).
    """
    app = Flask(__name__, instance_relative_config=True, static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(default_settings(app))
    if test_config is None:
        app.config.from_prefixed_env("KNEEAID")
    else:
        app.config.from_mapping(test_config)

    from . import alarms, backends, check, diary, guide, i18n, pwa, timer, web
    from .i18n.languages import LANGUAGE_PREFIX
    from .training import pages as training

    i18n.init_app(app)
    htmx.init_app(app)
    init_limiter(app)
    web.init_app(app)
    pwa.init_app(app)
    backends.init_app(app)
    try:
        diary.init_app(app)
        alarms.init_app(app)  # a push setting that cannot work stops the app here
    except BaseException:
        backends.close(app)  # and leaves no database connection behind
        raise
    for feature in (guide, timer, check, diary, training):
        app.register_blueprint(feature.bp, url_prefix=LANGUAGE_PREFIX)
    return app
