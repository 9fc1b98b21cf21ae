"""Sync throughput on the two storage backends (issue 14): entries stored per
second by 2 `python app.py` processes and 16 concurrent writers (each its own
profile, 10 entries a request), the processes sharing one data folder of
TinyDB files, or sharing nothing but a PostgreSQL database (a throwaway
server of Debian's package in a temporary folder, scripts/postgres_server.py,
fsync on, as a real one). The four processes start once; the two sides then
take turns, ROUNDS each, and the medians are compared.

    python bench/sync_backends.py
"""

import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.diary import entries_per_second  # noqa: E402
from scripts.app_process import start, stop  # noqa: E402
from scripts.postgres_server import PostgresServer  # noqa: E402

ROUNDS = 3
SECONDS = 2.0  # of writing, each round (bash scripts/bench.sh stays under 5 minutes)
WRITERS = 16
NO_LIMITS = {"KNEEAID_WRITES_PER_MINUTE": "100000000", "KNEEAID_NEW_PROFILES_PER_HOUR": "100000000"}


def start_servers(folder, database_url):
    """{"tinydb": [url, url], "postgres": [url, url]} and their processes, all
    started at once: two sharing one data folder, two sharing one database."""
    plans = [("tinydb", Path(folder) / "data", NO_LIMITS)] * 2 + [
        ("postgres", Path(folder) / f"data-{n}", {**NO_LIMITS, "KNEEAID_DATABASE_URL": database_url}) for n in range(2)
    ]
    started = [None] * len(plans)

    def start_one(index):
        started[index] = start(plans[index][1], **plans[index][2])

    threads = [threading.Thread(target=start_one, args=(index,)) for index in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    urls = {"tinydb": [], "postgres": []}
    for (side, _, _), server in zip(plans, started, strict=True):
        if server is not None:
            urls[side].append(server[1])
    return urls, [server[0] for server in started if server is not None]


def main():
    database = PostgresServer()
    processes = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            urls, processes = start_servers(folder, database.create_database())
            assert all(len(pair) == 2 for pair in urls.values()), "an app process did not start"
            rates = {"tinydb": [], "postgres": []}
            for _ in range(ROUNDS):
                for side in rates:  # taking turns, so both sides see the same machine
                    rates[side].append(entries_per_second(urls[side], SECONDS, WRITERS))
    finally:
        for process in processes:
            stop(process)
        database.stop()
    medians = {side: statistics.median(values) for side, values in rates.items()}
    for side, values in rates.items():
        print(f"{side:>8}: median {medians[side]:.0f} entries/s ({', '.join(f'{v:.0f}' for v in values)})")
    print(
        f"2 app processes, {WRITERS} writers, 10 entries a request: PostgreSQL "
        f"{medians['postgres'] / medians['tinydb']:.2f}x the entries/s of TinyDB files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
