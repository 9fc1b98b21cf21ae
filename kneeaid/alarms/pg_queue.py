"""The alarms waiting to be pushed, in PostgreSQL (docs/operations.md, "Scaling out"):
the same interface as queue.py, for any number of app servers.

Why each alarm is sent once, by several servers, across crashes:

* An alarm is acknowledged (201) only once its row is committed.
* A sender claims alarms by locking their rows (``SELECT … FOR UPDATE SKIP
  LOCKED``, a batch in one statement) in a transaction it holds while it sends
  them; another server skips a locked row at once. The rows sent are deleted in
  that transaction, committed when the batch is dealt with, so the next sender
  finds them gone. A server killed mid-send drops its connection, the database
  rolls the claim back, and the batch is sent by the next sender.
* Cancelling deletes the row, and so waits for a send under way.
* The one duplicate possible, as with files: a server killed after a push
  service took a message of a batch and before the batch's removal committed
  (the phone shows one: a notification's tag is fixed).
"""

import contextlib
import threading
import time

from psycopg.types.json import Json

from ..storage.postgres import unavailable_as_storage_error
from .queue import TOTAL_COUNTED_FOR_SECONDS, Limits, TooManyAlarms, client_key, new_alarm_id, subscriber_key

WAIT_FOR_A_SEND_MS = 15_000  # a cancel waits for a send under way (web_push.SEND_TIMEOUT_SECONDS is 10 s)

WAITING_AT_ONCE = 1000  # the soonest ones; the sender looks again once they are sent


class PgAlarmQueue:
    """Alarms kept in the ``alarms`` table; every method is safe between servers."""

    def __init__(self, pool):
        self.pool = pool
        self._claims = threading.local()  # {alarm id: the connection whose transaction holds its lock}
        self._total = (float("-inf"), 0)  # (when counted, how many): counted at most once a second
        self._total_lock = threading.Lock()

    def _held(self):
        if not hasattr(self._claims, "held"):
            self._claims.held = {}
        return self._claims.held

    def add(self, alarm, due, max_per_subscriber, client="", limits=None):
        """Keep ``alarm`` to send at ``due`` (seconds since the epoch) for a
        client address; returns its id once committed. Raises TooManyAlarms, or StorageUnavailable."""
        limits = limits or Limits(max_per_subscriber, float("inf"), float("inf"))
        subscriber = subscriber_key(alarm["subscription"]["endpoint"])
        client = client_key(client)
        alarm_id = new_alarm_id()
        with unavailable_as_storage_error(), self.pool.connection() as connection, connection.transaction():
            # The counts (by the indexes) and the new row go together; locks taken in one order.
            for key in sorted({f"s:{subscriber}", f"c:{client}"}):
                connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            for column, key, most, which in (
                ("subscriber", subscriber, limits.per_subscriber, "subscriber"),
                ("client", client, limits.per_client, "client"),
            ):
                [count] = connection.execute(f"SELECT count(*) FROM alarms WHERE {column} = %s", (key,)).fetchone()
                if count >= most:
                    raise TooManyAlarms(which)
            if self._counted_total(connection) >= limits.total:
                raise TooManyAlarms("total")
            connection.execute(
                "INSERT INTO alarms (id, subscriber, client, due, alarm) VALUES (%s, %s, %s, %s, %s)",
                (alarm_id, subscriber, client, due, Json({**alarm, "id": alarm_id})),
            )
        with self._total_lock:
            self._total = (self._total[0], self._total[1] + 1)
        return alarm_id

    def _counted_total(self, connection):
        """How many alarms wait on every server, counted at most once a second (plus this process's adds since)."""
        with self._total_lock:
            if time.monotonic() - self._total[0] > TOTAL_COUNTED_FOR_SECONDS:
                [count] = connection.execute("SELECT count(*) FROM alarms").fetchone()
                self._total = (time.monotonic(), count)
            return self._total[1]

    def waiting(self):
        """[(due in seconds, alarm id)] of the waiting alarms, soonest first."""
        with unavailable_as_storage_error(), self.pool.connection() as connection:
            return [
                (due, alarm_id)
                for due, alarm_id in connection.execute(
                    "SELECT due, id FROM alarms ORDER BY due, id LIMIT %s", (WAITING_AT_ONCE,)
                )
            ]

    @contextlib.contextmanager
    def claimed(self, name):
        """The alarm ``name``, locked for this caller alone until the block ends,
        or None: another server is sending it, or it is gone. The caller
        removes (``remove``) or postpones it within the block."""
        with self.claimed_together([name]) as alarms:
            yield alarms.get(name)

    @contextlib.contextmanager
    def claimed_together(self, names):
        """{name: alarm} of those of ``names`` no other sender holds, locked for this caller alone
        in one transaction until the block ends, which commits the changes made within it."""
        with unavailable_as_storage_error(), self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT id, alarm FROM alarms WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED", (list(names),)
            ).fetchall()
            held = self._held()
            for alarm_id, _ in rows:
                held[alarm_id] = connection
            try:
                yield dict(rows)
            finally:
                for alarm_id, _ in rows:
                    del held[alarm_id]

    def _change(self, name, statement, parameters):
        """Run a change of alarm ``name``: in the claim's transaction (committed as the claim
        ends, which lets go of it), or on its own."""
        claim = self._held().get(name)
        with unavailable_as_storage_error():
            if claim is not None:
                claim.execute(statement, parameters)
                return
            with self.pool.connection() as connection:
                connection.execute(statement, parameters)

    def remove(self, name):
        """Remove an alarm the caller has claimed."""
        self.remove_all([name])

    def remove_all(self, names):
        """Remove alarms the caller has claimed (their names, or {name: alarm} as
        ``claimed_together`` gave them): one statement for those of one claim."""
        by_claim = {}
        for name in names:
            by_claim.setdefault(self._held().get(name), []).append(name)
        with unavailable_as_storage_error():
            for claim, ids in by_claim.items():
                if claim is not None:
                    claim.execute("DELETE FROM alarms WHERE id = ANY(%s)", (ids,))
                    continue
                with self.pool.connection() as connection:
                    connection.execute("DELETE FROM alarms WHERE id = ANY(%s)", (ids,))

    def tidy(self):
        """Nothing is left to tidy: an alarm's row goes whole (the files' queue has index names)."""

    def postpone(self, name, alarm, due):
        """Send a claimed alarm later instead (a push service that failed for now)."""
        self._change(name, "UPDATE alarms SET due = %s, alarm = %s WHERE id = %s", (due, Json(alarm), name))

    def cancel(self, alarm_id):
        """Remove a waiting alarm; a send under way finishes first (the row's
        lock), and one postponed by it goes too. Gone already is not an error."""
        if alarm_id in self._held():
            return self._change(alarm_id, "DELETE FROM alarms WHERE id = %s", (alarm_id,))
        with unavailable_as_storage_error(), self.pool.connection() as connection, connection.transaction():
            # Longer than a request's statement: the send under way may take the sender's whole timeout.
            connection.execute(f"SET LOCAL statement_timeout = {WAIT_FOR_A_SEND_MS}")
            connection.execute("DELETE FROM alarms WHERE id = %s", (alarm_id,))

    def forget_subscriber(self, endpoint):
        """Remove every waiting alarm of a subscription the push service says is gone."""
        with unavailable_as_storage_error(), self.pool.connection() as connection:
            connection.execute("DELETE FROM alarms WHERE subscriber = %s", (subscriber_key(endpoint),))
