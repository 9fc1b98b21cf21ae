"""PostgreSQL, when ``DATABASE_URL`` names one (docs/operations.md, "Scaling out"): the
connection pool, the schema and its migrations, ``flask db upgrade``, and
which database errors mean "the storage cannot answer now". The diary's store
(diary/pg_store.py) and the alarm queue (alarms/pg_queue.py) work through it;
nothing else in KneeAid imports psycopg.

The schema is a list of numbered migrations, each a list of SQL statements,
applied in order and recorded in ``schema_version``. A migration that has
shipped is never edited: a change is the next one. Every upgrade holds an
advisory lock, so app servers starting at once apply each migration once.
"""

import contextlib
import logging

import click
import psycopg
from flask import current_app, g, has_request_context
from flask.cli import with_appcontext
from psycopg_pool import ConnectionPool, PoolTimeout

from .atomic_files import StorageUnavailable

log = logging.getLogger("kneeaid.postgres")

UPGRADE_LOCK = 0x6B6E6565  # pg_advisory_xact_lock's key for schema changes ("knee")
# A database that is down must cost a request well under 2 s, then a 503 (the phone keeps its outbox):
WAIT_FOR_A_CONNECTION_SECONDS = 1  # for a connection from the pool, then 503
CONNECT_TIMEOUT_SECONDS = 2  # for a new connection (libpq's least); the pool connects in the background
STATEMENT_TIMEOUT_MS = 1000  # a request's statements take milliseconds; one stuck on a lock gives up
RECONNECT_GIVE_UP_SECONDS = 10  # retrying a lost connection (after 1, 2, 4 s), then again on the next request

MIGRATIONS = [
    # 1: profiles (with their recent write times, for the write limit, and their
    # number of entries, for the cap), entries
    # (each with its UTC month, for the diary's month pages), tombstones, alarms.
    [
        """CREATE TABLE profiles (
               id text PRIMARY KEY,
               writes double precision[] NOT NULL DEFAULT '{}',
               entry_count integer NOT NULL DEFAULT 0)""",
        """CREATE TABLE entries (
               profile_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
               id text NOT NULL,
               added bigint GENERATED ALWAYS AS IDENTITY,  -- the order entries were first stored
               month text NOT NULL,  -- "YYYY-MM", the UTC month of the entry's moment
               entry json NOT NULL,  -- as the phone sent it, its keys in order
               PRIMARY KEY (profile_id, id))""",
        "CREATE INDEX entries_by_month ON entries (profile_id, month)",
        """CREATE TABLE tombstones (
               profile_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
               id text NOT NULL,
               PRIMARY KEY (profile_id, id))""",
        """CREATE TABLE alarms (
               id text PRIMARY KEY,
               subscriber text NOT NULL,
               due double precision NOT NULL,
               alarm json NOT NULL)""",
        "CREATE INDEX alarms_by_due ON alarms (due)",
        "CREATE INDEX alarms_by_subscriber ON alarms (subscriber)",
    ],
    # 2: whose alarm it is (a key of the client's address), for the limit per address.
    [
        "ALTER TABLE alarms ADD COLUMN client text NOT NULL DEFAULT ''",
        "CREATE INDEX alarms_by_client ON alarms (client)",
    ],
]


def open_pool(url, size):
    """A pool of at most ``size`` connections to ``url``; each checked before use,
    so a restarted database costs one failed check, not a failed request. A lost
    connection is retried for a few seconds; after that the next request that
    needs one connects again, so the pool heals by itself when the server is back."""
    return ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        open=True,
        name="kneeaid",
        timeout=WAIT_FOR_A_CONNECTION_SECONDS,
        check=ConnectionPool.check_connection,
        reconnect_timeout=RECONNECT_GIVE_UP_SECONDS,
        kwargs={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"},
    )


@contextlib.contextmanager
def unavailable_as_storage_error():
    """A database that cannot be reached (down, restarting, no free connection)
    raises StorageUnavailable, as a disk that cannot be written does: a 503,
    and nothing was changed (the transaction is rolled back). Once a request
    has found it so, its further queries fail at once: one wait per request."""
    if has_request_context() and g.get("database_unreachable"):
        raise StorageUnavailable()
    try:
        yield
    except (psycopg.OperationalError, PoolTimeout) as error:
        if has_request_context():
            g.database_unreachable = True
        raise StorageUnavailable() from error


def schema_version(connection):
    """The number of the last migration applied (0: none, not even the version table)."""
    if connection.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    return connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def upgrade(pool):
    """Apply every migration the database has not had; returns (before, after)."""
    with pool.connection() as connection, connection.transaction():
        connection.execute("SET LOCAL statement_timeout = 0")  # a migration, or waiting for another's, may be long
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY)")
        before = schema_version(connection)
        for number, statements in enumerate(MIGRATIONS[before:], start=before + 1):
            for statement in statements:
                connection.execute(statement)
            connection.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
            log.info("KneeAid's database: migration %d applied", number)
    return before, len(MIGRATIONS)


def warn_if_behind(pool):
    """Log, without stopping the app, a schema older than this code (or a
    database that cannot be reached yet: requests answer 503 until it can)."""
    try:
        with pool.connection() as connection:
            version = schema_version(connection)
    except (psycopg.OperationalError, PoolTimeout) as error:
        log.error("KneeAid cannot reach its database yet: %s", error)
        return
    if version < len(MIGRATIONS):
        log.error(
            "KneeAid's database schema is at version %d, this code needs %d: run `flask db upgrade`",
            version,
            len(MIGRATIONS),
        )


def start(app):
    """The app's pool, its schema brought up to date at start
    (DATABASE_UPGRADE_AT_START, the default: development and small set-ups), or
    only checked (production, where the deploy runs `flask db upgrade`)."""
    pool = open_pool(app.config["DATABASE_URL"], int(app.config["DATABASE_POOL_SIZE"]))
    try:
        if app.config["DATABASE_UPGRADE_AT_START"]:
            upgrade(pool)
        else:
            warn_if_behind(pool)
    except BaseException:
        pool.close()
        raise
    return pool


@click.group()
def db():
    """The PostgreSQL database (KNEEAID_DATABASE_URL)."""


@db.command("upgrade")
@with_appcontext
def upgrade_command():
    """Create the schema, or bring it up to date; safe to run again."""
    pool = current_app.extensions.get("kneeaid.database")
    if pool is None:
        raise click.ClickException("KNEEAID_DATABASE_URL is not set: the diary is kept in files, which need no upgrade")
    before, after = upgrade(pool)
    click.echo(f"The database's schema is at version {after}" + (f" (was {before})" if before != after else ""))
