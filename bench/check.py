"""The symptom check's two targets (issue 4).

1. The server's triage evaluation time per request, over every single symptom
   and every pair of symptoms (target: under 0.1 ms each).
2. The check page's own transfer size: its HTML, CSS, JS and rules data as
   Chromium fetches them, without the shell (target: 20 KB).

    python bench/check.py
"""

import itertools
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.first_load import measure_page  # noqa: E402
from kneeaid import create_app  # noqa: E402
from kneeaid.check import triage  # noqa: E402

EVALUATION_BUDGET_MS = 0.1
PAGE_BUDGET_BYTES = 20 * 1024
# What every page loads (the scripts of base.html; measured by bench/first_load.py), not the check's own.
SHELL = (
    "/static/vendor/",
    "/static/js/outbox.js",
    "/static/js/shell.js",
    "/static/js/timer-state.js",
    "/static/js/alarm.js",
    "/static/js/push.js",
    "/static/js/install.js",
    "/sw.js",
    "/static/icons/",
    "manifest.webmanifest",
)


def evaluation_times():
    answers = [[s] for s in triage.SYMPTOMS] + [list(p) for p in itertools.combinations(triage.SYMPTOMS, 2)]
    runs = []
    for _ in range(5):
        seconds = timeit.timeit(lambda: [triage.evaluate(values) for values in answers], number=20)
        runs.append(seconds / (20 * len(answers)) * 1000)
    return len(answers), runs


def request_time(app):
    client = app.test_client()
    seconds = timeit.timeit(lambda: client.get("/en/check/result?s=injury&s=swelling"), number=200)
    return seconds / 200 * 1000


def main():
    count, runs = evaluation_times()
    best, median = min(runs), statistics.median(runs)
    print(f"Triage evaluation over {count} answer sets (every symptom and every pair), 5 runs x 20:")
    print(
        f"  per evaluation: median {median * 1000:.1f} µs, best {best * 1000:.1f} µs "
        f"({'within' if median < EVALUATION_BUDGET_MS else 'OVER'} the 0.1 ms budget)"
    )

    with tempfile.TemporaryDirectory() as data_dir:
        print(
            f"  a whole result-page request through Flask (for scale): "
            f"{request_time(create_app({'DATA_DIR': data_dir})):.2f} ms"
        )
    base, rows = measure_page("/en/check", until="networkidle")
    own = [(url.removeprefix(base), size) for url, size in rows if not any(part in url for part in SHELL)]
    total = sum(size for _, size in own)
    print("The check page's own transfer (HTML, CSS, JS, rules data):")
    for url, size in own:
        print(f"  {size:>8,} B  {url}")
    print(
        f"  total {total:,} B = {total / 1024:.1f} KB "
        f"({'within' if total <= PAGE_BUDGET_BYTES else 'OVER'} the 20 KB budget)"
    )
    return 0 if median < EVALUATION_BUDGET_MS and total <= PAGE_BUDGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
