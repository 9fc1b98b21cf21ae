"""A throwaway PostgreSQL server in a temporary folder, for the tests and the
benchmarks: Debian's `postgresql` package (scripts/test.sh installs it),
`initdb` and `pg_ctl`, listening only on a unix socket in that folder.

    from scripts.postgres_server import PostgresServer
    server = PostgresServer()            # started
    url = server.create_database()       # postgresql://… of an empty database
    server.empty_database(url)           # empty again, as new (for the next test)
    server.down(); server.up()           # the server goes away, and comes back
    server.drop_database(url); server.stop()

As root (CI, this machine), initdb and postgres refuse to run: they run as
the `postgres` user the package creates (else `nobody`), who owns the folder.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from urllib.parse import urlsplit

import psycopg

SUPERUSER = "kneeaid"


def binary(name):
    """A PostgreSQL program: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name) or next(
        iter(
            sorted(
                glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[4]), reverse=True
            )
        ),
        None,
    )
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: apt-get install postgresql (scripts/test.sh does)")
    return found


def server_user():
    """Whom the server runs as: this user, or an unprivileged one when this is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL")


class PostgresServer:
    """A running server; stop() ends it and removes its folder."""

    def __init__(self):
        self.user = server_user()
        self.folder = tempfile.mkdtemp(prefix="kneeaid-pg-")
        if self.user is not None:
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self._run(
            binary("initdb"),
            "-D",
            f"{self.folder}/data",
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.up()

    def up(self):
        """Start serving (again, after down(): the same address, the same databases)."""
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' -c max_connections=300"
        self._run(
            binary("pg_ctl"),
            "-D",
            f"{self.folder}/data",
            "-l",
            f"{self.folder}/log",
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def down(self):
        """Stop serving, as a database server that goes down does (its connections are cut); up() restarts it."""
        self._run(binary("pg_ctl"), "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop")

    def _run(self, *command, check=True):
        if self.user is not None:
            command = ("runuser", "-u", self.user.pw_name, "--", *command)
        return subprocess.run(
            command, check=check, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ).returncode

    def url(self, database="postgres"):
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}"

    def create_database(self):
        """The address of a new, empty database."""
        name = f"kneeaid_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def empty_database(self, url):
        """Make a database made by create_database empty again, as new, ending every
        connection to it first: a hundredth of a second, where a new database takes a tenth or more."""
        with psycopg.connect(url, autocommit=True) as connection:
            self._end_other_connections(connection)
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")

    def end_connections(self, url):
        """End every connection to a database (what a test left open)."""
        with psycopg.connect(url, autocommit=True) as connection:
            self._end_other_connections(connection)

    @staticmethod
    def _end_other_connections(connection):
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    def drop_database(self, url):
        """Drop a database made by create_database, ending any connection left to it."""
        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self):
        try:
            if self._run(binary("pg_ctl"), "-D", f"{self.folder}/data", "status", check=False) == 0:
                self.down()  # not when a test left it down
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
