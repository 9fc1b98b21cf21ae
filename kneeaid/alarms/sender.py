"""Sends the waiting alarms when they are due: a thread in each server
process that sleeps until the next alarm (woken at once when this process
adds one, and looking at the folder every RESCAN_SECONDS for alarms other
processes added), then pushes it with pywebpush: RFC 8291 encryption, a VAPID
signature (RFC 8292), TTL and Urgency: high."""

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter

from .validation import endpoint_origin, origin_allowed, window

log = logging.getLogger("kneeaid.alarms")

RESCAN_SECONDS = 2  # alarms another process added are seen within this
SEND_TIMEOUT_SECONDS = 10
RETRY_AFTER_SECONDS = 5  # a push service that failed for now is tried again this much later
MAX_ATTEMPTS = 5
BUSY_SECONDS = 0.2  # due alarms another process is sending: look again this soon
GONE = (404, 410)  # the push service says the subscription no longer exists


class Sender:
    """The sending thread of one process, over an AlarmQueue."""

    def __init__(self, queue, server_key, subject, services, clock=time.time):
        self.queue = queue
        self.services = services
        self.server_key = server_key
        self.subject = subject
        self.clock = clock
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._in_flight = set()
        self._lock = threading.Lock()
        self._sessions = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kneeaid-push")
        self._thread = threading.Thread(target=self._run, name="kneeaid-alarms", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=True)

    def wake(self):
        """A new alarm was added here: look at the queue now."""
        self._wake.set()

    def _run(self):
        while not self._stopping.is_set():
            try:
                wait = self.send_due()
            except Exception:  # the folder unreadable for a moment must not end the thread
                log.exception("KneeAid could not read the alarm queue")
                wait = RESCAN_SECONDS
            self._wake.wait(wait)
            self._wake.clear()

    def send_due(self):
        """Hand every due alarm to a sending thread; returns how long to sleep."""
        now = self.clock()
        wait = RESCAN_SECONDS
        for due, name in self.queue.waiting():
            if due > now:
                return min(wait, due - now)
            with self._lock:
                busy = name in self._in_flight
                self._in_flight.add(name)
            if not busy:
                self._pool.submit(self._deliver, name)
            wait = BUSY_SECONDS  # until the file is gone, look again soon
        return wait

    def _deliver(self, name):
        try:
            with self.queue.claimed(name) as alarm:
                if alarm is not None:
                    self._deliver_claimed(name, alarm)
        except Exception:
            log.exception("KneeAid could not send alarm %s", name)
        finally:
            with self._lock:
                self._in_flight.discard(name)
            self._wake.set()

    def _deliver_claimed(self, name, alarm):
        late = self.clock() - alarm["due"]
        if late > window(alarm["message"].get("kind")).late.total_seconds():
            log.warning("Alarm %s dropped: %d s late, what it says is no longer true", alarm["id"], late)
            self.queue.remove(name)
            return
        outcome = self.push(alarm)
        if outcome == "retry" and alarm.get("attempts", 0) + 1 < MAX_ATTEMPTS:
            alarm["attempts"] = alarm.get("attempts", 0) + 1
            self.queue.postpone(name, alarm, self.clock() + RETRY_AFTER_SECONDS)
            return
        self.queue.remove(name)
        if outcome == "gone":
            self.queue.forget_subscriber(alarm["subscription"]["endpoint"])

    def push(self, alarm):
        """Send one alarm: "sent", "gone" (the subscription no longer exists) or "retry"."""
        # Imported at the first push, not when the app starts: pywebpush brings aiohttp,
        # a fifth of a second of every start (and of every test's app process).
        from pywebpush import WebPushException, webpush

        try:
            webpush(
                alarm["subscription"],
                data=json.dumps(alarm["message"], ensure_ascii=False),
                vapid_private_key=self.server_key.get(),
                vapid_claims={"sub": self.subject},  # pywebpush adds aud and exp
                # The push service keeps it for a phone that is offline as long as it is worth
                # sending at all (10 minutes for the timer's, 12 hours for a follow-up); later it is stale.
                ttl=int(window(alarm["message"].get("kind")).late.total_seconds()),
                headers={"Urgency": "high"},
                timeout=SEND_TIMEOUT_SECONDS,
                requests_session=self._session(),
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
            log.warning("Push service answered %s for alarm %s", status, alarm["id"])
            if status in GONE:
                return "gone"
            return "retry" if status is None or status == 429 or status >= 500 else "failed"
        except requests.exceptions.InvalidURL as error:  # not an allowed push service: never tried again
            log.warning("Alarm %s not sent: %s", alarm["id"], error)
            return "failed"
        except (requests.RequestException, OSError) as error:  # OSError: no key could be made yet
            log.warning("Push service unreachable for alarm %s: %s", alarm["id"], error)
            return "retry"
        return "sent"

    def _session(self):
        # One HTTP session per sending thread (requests' sessions are not shared
        # between threads); never follows a redirect away from the allowed service.
        if not hasattr(self._sessions, "session"):
            session = requests.Session()
            session.max_redirects = 0
            adapter = OnlyTo(self.services)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._sessions.session = session
        return self._sessions.session


class OnlyTo(HTTPAdapter):
    """requests' transport that connects only to an allowed push service: the
    origin of each request it sends is checked again, by the parser it connects with."""

    def __init__(self, services):
        super().__init__()
        self.services = services

    def send(self, request, *args, **kwargs):
        if not origin_allowed(endpoint_origin(request.url), self.services):
            raise requests.exceptions.InvalidURL(f"not an allowed push service: {request.url[:200]}")
        return super().send(request, *args, **kwargs)
