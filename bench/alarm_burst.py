"""A crowd's alarms (issue 40): N alarms due within the same second, sent by 1 or
2 `python app.py` processes to a local push service that answers as a real one
does (201 after a few milliseconds, connections kept open), the processes
sharing a folder of files or a PostgreSQL database. Prints, for each run, how
late the alarms arrived (median, p99, max) and the alarms sent a second per
process. The promise: every alarm within 2 s of its time.

    python bench/alarm_burst.py [--alarms 10000] [--backend files postgres] [--processes 1 2]

The alarms are put in the queue directly (as the API does, message and limits
included), not through HTTP: what is measured is the sending. The push service
runs in a process of its own on the same 2 cores, as a local one would.
"""

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from py_vapid import Vapid  # noqa: E402

from scripts.app_process import free_port, start, stop  # noqa: E402
from scripts.postgres_server import PostgresServer  # noqa: E402

ANSWER_SECONDS = 0.003  # a real push service answers in a few milliseconds
PROMISE_SECONDS = 2.0
KIND = "cold-over"
PILOT_ALARMS = 200  # added to a queue of their own first, to time adding (8-27 ms an alarm on files here)
NO_LIMITS = {"KNEEAID_MAX_ALARMS_PER_ADDRESS": "100000000", "KNEEAID_MAX_ALARMS_WAITING": "100000000"}


# The push service ---------------------------------------------------------------------------


def serve_push(port, ready):
    """A push service on 127.0.0.1:port (aiohttp, one process): POST /push/<n> is kept with its
    arrival time and answered 201; GET /arrivals gives {n: time} so far."""
    from aiohttp import web

    arrivals = {}

    async def push(request):
        await request.read()
        arrivals[request.match_info["n"]] = time.time()
        await asyncio.sleep(ANSWER_SECONDS)
        return web.Response(status=201)

    async def report(request):
        return web.json_response(arrivals)

    app = web.Application()
    app.add_routes([web.post("/push/{n}", push), web.get("/arrivals", report)])
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def arrivals(origin):
    with urllib.request.urlopen(origin + "/arrivals", timeout=30) as answer:
        return {int(n): at for n, at in json.load(answer).items()}


# The alarms ---------------------------------------------------------------------------------


def base64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def phone_keys(count=50):
    """Keys of `count` browsers (each alarm's subscription takes one in turn; the
    endpoints are all different)."""
    keys = []
    for _ in range(count):
        public = (
            ec.generate_private_key(ec.SECP256R1())
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        keys.append({"p256dh": base64url(public), "auth": base64url(os.urandom(16))})
    return keys


def add_alarms(settings, origin, count, due):
    """Put `count` alarms in the queue, the n-th due at due + n/count (one second for all), from 100
    client addresses (one address's alarms are counted at each add: one for all made adding slow)."""
    os.environ.pop("KNEEAID_DATABASE_URL", None)  # a run on files after one on PostgreSQL
    os.environ.update(settings)
    from flask_babel import get_timezone

    from kneeaid import create_app
    from kneeaid.alarms.messages import message
    from kneeaid.alarms.queue import Limits

    app = create_app()
    queue = app.extensions["kneeaid.alarms"]["queue"]
    keys = phone_keys()
    limits = Limits(10, float("inf"), float("inf"))

    def add(n):
        at = due + n / count
        with app.test_request_context():
            record = {
                "subscription": {"endpoint": f"{origin}/push/{n}", "keys": keys[n % len(keys)]},
                "due": at,
                "message": message(KIND, datetime.fromtimestamp(at, UTC), "en", get_timezone()),
            }
            queue.add(record, at, limits.per_subscriber, client=f"phone-{n % 100}", limits=limits)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, range(count)))


def cpu_seconds(pid):
    """CPU seconds a process has used so far (user and system, its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU seconds all cores have been busy since boot (everything but idle and I/O wait)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuUse:
    """The CPU the app processes, the push service and the whole machine use from now to done()."""

    def __init__(self, app_pids, service_pid):
        self.pids = {"app": app_pids, "service": [service_pid]}
        self.started = self._now()

    def _now(self):
        return {
            "machine": machine_busy_seconds(),
            **{part: sum(cpu_seconds(pid) for pid in pids) for part, pids in self.pids.items()},
        }

    def done(self):
        ended = self._now()
        return {part: ended[part] - self.started[part] for part in ended}


def seconds_to_add(shared, origin, folder, database):
    """How long adding one alarm takes now (the disk's speed varies), timed on a queue of its own."""
    settings = {**shared, "KNEEAID_DATA_DIR": str(folder)}
    if database is not None:
        settings["KNEEAID_DATABASE_URL"] = database.create_database()
    began = time.time()
    add_alarms(settings, origin, PILOT_ALARMS, time.time() + 3600)
    return (time.time() - began) / PILOT_ALARMS


def due_times(count, due):
    return {n: due + n / count for n in range(count)}


# One run ------------------------------------------------------------------------------------


def run(backend, processes, count, database):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    ready = multiprocessing.Event()
    service = multiprocessing.Process(target=serve_push, args=(port, ready), daemon=True)
    service.start()
    ready.wait(10)
    key = Vapid()
    key.generate_keys()
    with tempfile.TemporaryDirectory() as folder:
        shared = {
            **NO_LIMITS,
            "KNEEAID_PUSH_SERVICES": origin,
            "KNEEAID_VAPID_PRIVATE_KEY": key.private_pem().decode(),
            "KNEEAID_DATA_DIR": str(Path(folder) / "data-0"),
        }
        if backend == "postgres":
            shared["KNEEAID_DATABASE_URL"] = database.create_database()
        servers = []
        try:
            for n in range(processes):
                data_dir = Path(folder) / ("data-0" if backend == "files" else f"data-{n}")
                servers.append(start(data_dir, **{k: v for k, v in shared.items() if k != "KNEEAID_DATA_DIR"}))
            # Due once they are all in the queue: ahead by the time adding takes now, and a margin.
            each = seconds_to_add(shared, origin, Path(folder) / "pilot", database if backend == "postgres" else None)
            began = time.time()
            due = began + 8 + count * each * 1.3
            add_alarms(shared, origin, count, due)
            added = time.time()
            if added > due - 2:
                return f"{backend}, {processes} process(es): adding took {added - began:.1f} s, past the alarms' time"
            wanted = due_times(count, due)
            time.sleep(due - 1 - time.time())
            cpu = CpuUse([process.pid for process, _ in servers], service.pid)
            got = wait_for_arrivals(origin, count, deadline=due + 60 + count / 50)
            used = cpu.done()
        finally:
            for process, _ in servers:
                stop(process)
            service.terminate()
    return report(backend, processes, count, wanted, got, due) + cpu_report(used, len(got))


def wait_for_arrivals(origin, count, deadline):
    """The arrivals once all `count` are in (or the deadline passes), looked at every second."""
    got = {}
    while time.time() < deadline:
        time.sleep(1)
        got = arrivals(origin)
        if len(got) >= count:
            break
    return got


def cpu_report(used, sent):
    each = {part: seconds / max(sent, 1) * 1000 for part, seconds in used.items()}
    rest = each["machine"] - each["app"] - each["service"]
    return (
        f"\n          CPU an alarm: {each['machine']:.2f} ms in all (app processes {each['app']:.2f}, "
        f"push service {each['service']:.2f}, the rest {rest:.2f}: database, system)"
    )


def report(backend, processes, count, wanted, got, due):
    late = sorted(got[n] - wanted[n] for n in got)
    missing = count - len(got)
    last = max(got.values()) if got else due
    per_process = len(got) / max(last - due, 0.001) / processes
    p99 = late[min(len(late) - 1, int(len(late) * 0.99))] if late else float("nan")
    within = sum(1 for value in late if value <= PROMISE_SECONDS)
    return (
        f"{backend:>8}, {processes} process{'es' if processes > 1 else ''}: {count} alarms, "
        f"late median {statistics.median(late) if late else float('nan'):.2f} s, p99 {p99:.2f} s, "
        f"max {late[-1] if late else float('nan'):.2f} s; {within} within {PROMISE_SECONDS:.0f} s"
        f"{f', {missing} never arrived' if missing else ''}; {per_process:.0f} alarms/s per process"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=2000)
    parser.add_argument("--backend", nargs="+", default=["files", "postgres"], choices=["files", "postgres"])
    parser.add_argument("--processes", nargs="+", type=int, default=[1, 2])
    options = parser.parse_args()
    database = PostgresServer() if "postgres" in options.backend else None
    try:
        for backend in options.backend:
            for processes in options.processes:
                print(run(backend, processes, options.alarms, database), flush=True)
    finally:
        if database is not None:
            database.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
