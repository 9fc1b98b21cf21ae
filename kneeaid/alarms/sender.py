"""Sends the waiting alarms when they are due: a thread in each server process lists the queue,
hands out each alarm of the listing as it comes due and sleeps until the next one (woken at
once when this process adds one, and listing again every RESCAN_SECONDS for alarms other
processes added). A few sending threads each claim a batch of due alarms (the queue's
``claimed_together``), post them all at once (web_push: encrypted for each browser, signed with
the server's VAPID key, TTL and Urgency: high) and remove or postpone each as its push service
answers.

A crowd's alarms (issue 40, docs/performance.md): the listing is read once, not again after
every alarm; a post costs an event loop a fraction of what a thread blocked on it did; and a
batch is one claim on PostgreSQL, not one a row.
"""

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .validation import window
from .web_push import NotAllowed, Posts, Signatures, encrypted, load, url_origin

log = logging.getLogger("kneeaid.alarms")

RESCAN_SECONDS = 2  # alarms another process added are seen within this
RETRY_AFTER_SECONDS = 5  # a push service that failed for now is tried again this much later
MAX_ATTEMPTS = 5
BUSY_SECONDS = 0.2  # due alarms another process is sending: look again this soon
GONE = (404, 410)  # the push service says the subscription no longer exists
# Two threads of batches of 100 (200 posts in flight): measured against 4 x 25, 2 x 50, 1 x 100 and
# 1 x 200, the least CPU an alarm with the most a second on files and PostgreSQL (more threads spend
# the CPU taking the interpreter's lock from each other; one alone waits for the disk or the posts).
SENDING_THREADS = 2
BATCH = 100  # alarms a sending thread claims and posts at once
GATHER_SECONDS = 0.01  # alarms coming due within this are handed out together (at most this much later)
HANDED_OUT_AT_MOST = 4 * SENDING_THREADS * BATCH  # due alarms handed out and not yet sent; the rest wait listed
QUIET_SECONDS = 1.0  # the queue is tidied (queue.tidy) when nothing is due for longer and nothing is in flight


class Sender:
    """The sending thread of one process, over an AlarmQueue (files) or a PgAlarmQueue."""

    def __init__(self, queue, server_key, subject, services, clock=time.time):
        self.queue = queue
        self.clock = clock
        self._signatures = Signatures(server_key, subject, clock)
        self._posts = Posts(services, most_at_once=SENDING_THREADS * BATCH)
        self._wake = threading.Event()  # an alarm added here, or a batch done
        self._added = threading.Event()  # an alarm added here: list again now
        self._stopping = threading.Event()
        self._in_flight = set()  # names handed out and not yet dealt with
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=SENDING_THREADS, thread_name_prefix="kneeaid-push")
        self._thread = threading.Thread(target=self._run, name="kneeaid-alarms", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=True)
        self._posts.close()

    def wake(self):
        """A new alarm was added here: look at the queue now."""
        self._added.set()
        self._wake.set()

    # Handing out ----------------------------------------------------------------------------

    def _run(self):
        while not self._stopping.is_set():
            self._added.clear()
            try:
                wait = self._send_listed(self.queue.waiting())
            except Exception:  # the folder or database unreadable for a moment must not end the thread
                log.exception("KneeAid could not read the alarm queue")
                wait = RESCAN_SECONDS
            self._sleep(wait)

    def _send_listed(self, listing):
        """Hand out each alarm of a listing ([(due, name)], soonest first) as it comes due; returns
        how long to wait before listing again."""
        listed_at = time.monotonic()
        position = 0
        handed_out = False
        if listing:
            load()
        while not self._stopping.is_set():
            position, names = self._due_from(listing, position)
            self._hand_out(names)
            handed_out = handed_out or bool(names)
            if position == len(listing):  # all handed out: list again once some are sent
                if handed_out:
                    return BUSY_SECONDS
                self._tidy_when_quiet(RESCAN_SECONDS)
                return RESCAN_SECONDS
            left = RESCAN_SECONDS - (time.monotonic() - listed_at)
            if left <= 0:
                return 0
            coming_due = listing[position][0] - self.clock()
            self._tidy_when_quiet(coming_due)
            room_needed = coming_due <= 0  # due now, but as many as may be are handed out
            if self._sleep(min(left, max(coming_due, GATHER_SECONDS)), until_room=room_needed):
                return 0  # an alarm was added here
        return 0

    def _due_from(self, listing, position):
        """(the position after, the names due by now from ``position`` on that are not in flight),
        as many as may be handed out."""
        now = self.clock()
        names = []
        with self._lock:
            room = HANDED_OUT_AT_MOST - len(self._in_flight)
            while position < len(listing) and listing[position][0] <= now and len(names) < room:
                name = listing[position][1]
                position += 1
                if name not in self._in_flight:
                    names.append(name)
            self._in_flight.update(names)
        return position, names

    def _tidy_when_quiet(self, free_seconds):
        """Let the queue tidy up (files: the index names of the alarms sent) when nothing is being
        sent and nothing is due for ``free_seconds``, more than QUIET_SECONDS."""
        if free_seconds <= QUIET_SECONDS or self._in_flight:
            return
        try:
            self.queue.tidy()
        except Exception:  # untidy is only names read again: sending goes on
            log.exception("KneeAid could not tidy the alarm queue")

    def _hand_out(self, names):
        for start in range(0, len(names), BATCH):
            self._pool.submit(self._deliver, names[start : start + BATCH])

    def _sleep(self, seconds, until_room=False):
        """Wait up to ``seconds``; True as soon as an alarm is added here. A batch done ends the
        wait only ``until_room``."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or not self._wake.wait(left):
                return False
            self._wake.clear()
            if self._added.is_set():
                return True
            if until_room:
                return False
        return False

    # Sending --------------------------------------------------------------------------------

    def _deliver(self, names):
        try:
            with self.queue.claimed_together(names) as alarms:
                gone = self._deliver_claimed(alarms)
            # Once the claims are let go of: their other alarms may be in this batch (PostgreSQL
            # holds the claimed rows until the batch's transaction ends).
            for endpoint in gone:
                self.queue.forget_subscriber(endpoint)
        except Exception:
            log.exception("KneeAid could not send alarms %s", ", ".join(names))
        finally:
            with self._lock:
                self._in_flight.difference_update(names)
            self._wake.set()

    def _deliver_claimed(self, alarms):
        """Send the alarms a sending thread has claimed ({name: alarm}), then settle each; returns
        the endpoints the push service says are gone."""
        now = self.clock()
        to_send, done = {}, {}
        for name, alarm in alarms.items():
            late = now - alarm["due"]
            if late > window(alarm["message"].get("kind")).late.total_seconds():
                log.warning("Alarm %s dropped: %d s late, what it says is no longer true", alarm["id"], late)
                done[name] = alarm
            else:
                to_send[name] = alarm
        outcomes = self.push_all(list(to_send.values()))
        gone = set()
        for (name, alarm), outcome in zip(to_send.items(), outcomes, strict=True):
            if outcome == "retry" and alarm.get("attempts", 0) + 1 < MAX_ATTEMPTS:
                self._postpone(name, alarm)
                continue
            done[name] = alarm
            if outcome == "gone":
                gone.add(alarm["subscription"]["endpoint"])
        self.queue.remove_all(done)
        return gone

    def _postpone(self, name, alarm):
        try:
            self.queue.postpone(
                name, {**alarm, "attempts": alarm.get("attempts", 0) + 1}, self.clock() + RETRY_AFTER_SECONDS
            )
        except Exception:  # kept as it was: sent again from the next listing
            log.exception("KneeAid could not postpone alarm %s", name)

    def push(self, alarm):
        """Send one alarm: "sent", "gone" (the subscription no longer exists), "retry" or "failed"."""
        return self.push_all([alarm])[0]

    def push_all(self, alarms):
        """Send alarms at once: an outcome for each, as ``push``."""
        outcomes = [None] * len(alarms)
        posts = []
        for n, alarm in enumerate(alarms):
            try:
                posts.append((n, self._post_of(alarm)))
            except OSError as error:  # no server key could be made yet
                log.warning("Alarm %s not signed: %s", alarm["id"], error)
                outcomes[n] = "retry"
        answers = self._posts.post_all([post for _, post in posts]) if posts else []
        for (n, _), answer in zip(posts, answers, strict=True):
            outcomes[n] = outcome_of(answer, alarms[n]["id"])
        return outcomes

    def _post_of(self, alarm):
        """(url, body, headers) of an alarm's push."""
        endpoint = alarm["subscription"]["endpoint"]
        body = encrypted(alarm["subscription"], json.dumps(alarm["message"], ensure_ascii=False).encode())
        headers = {
            **self._signatures.header(url_origin(endpoint)),
            "Content-Encoding": "aes128gcm",
            # The push service keeps it for a phone that is offline as long as it is worth
            # sending at all (10 minutes for the timer's, 12 hours for a follow-up); later it is stale.
            "TTL": str(int(window(alarm["message"].get("kind")).late.total_seconds())),
            "Urgency": "high",
        }
        return endpoint, body, headers


def outcome_of(answer, alarm_id):
    """ "sent", "gone", "retry" or "failed" for a push service's HTTP status (or the error instead)."""
    if isinstance(answer, NotAllowed):  # not an allowed push service: never tried again
        log.warning("Alarm %s not sent: %s", alarm_id, answer)
        return "failed"
    if isinstance(answer, BaseException):  # unreachable, timed out, the connection dropped
        log.warning("Push service unreachable for alarm %s: %r", alarm_id, answer)
        return "retry"
    if 200 <= answer <= 202:
        return "sent"
    log.warning("Push service answered %s for alarm %s", answer, alarm_id)
    if answer in GONE:
        return "gone"
    return "retry" if answer == 429 or answer >= 500 else "failed"
