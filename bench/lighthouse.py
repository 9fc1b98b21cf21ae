"""Lighthouse's scores for four pages on its phone profile (a mid-range phone,
slow 4G and a 4x slower CPU, simulated), three runs each (issue 21): the
scores, the metrics behind Performance, and what kept the main thread busy, so
a run that scores lower says why.

    python bench/lighthouse.py [--runs 3]
    LH_PAGES="/ru/doctor /en/" python bench/lighthouse.py   # other pages

Lighthouse 12.2.3 (npm; it needs Node 18 or 20) is installed into
bench/.lighthouse on first use and drives Debian's Chromium (/usr/bin/chromium).
The app is `python app.py` on 127.0.0.1 with a data folder of its own.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import app_process  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"
PREFIX = ROOT / "bench" / ".lighthouse"
BINARY = PREFIX / "node_modules" / ".bin" / "lighthouse"
PAGES = os.environ.get("LH_PAGES", "/en/ /ru/timer /en/check/result?s=swelling /ru/doctor").split()
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
GOAL = 100


def install():
    if not BINARY.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(PREFIX),
                "--no-audit",
                "--no-fund",
                "--silent",
                "--save-exact",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )


def audit(url, output):
    """One Lighthouse run of url (its default phone profile); its report as a dict."""
    subprocess.run(
        [
            str(BINARY),
            url,
            "--chrome-path=/usr/bin/chromium",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={output}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )
    return json.loads(Path(output).read_text())


def busiest(report, count=3):
    """What took the main thread's time, longest first: 'script 120 ms, style 80 ms, …'."""
    items = report["audits"]["mainthread-work-breakdown"]["details"]["items"]
    top = sorted(items, key=lambda item: -item["duration"])[:count]
    return ", ".join(f"{item['groupLabel']} {item['duration']:.0f} ms" for item in top)


def summary(report):
    """The scores (0-100, as Lighthouse shows them; Performance to one decimal, to show the margin)."""
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    scores["performance"] = round(report["categories"]["performance"]["score"] * 100, 1)
    metrics = {short: report["audits"][audit_id]["displayValue"] for audit_id, short in METRICS.items()}
    return scores, metrics, busiest(report)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    install()
    lowest = {}
    with tempfile.TemporaryDirectory() as folder:
        process, base = app_process.start(Path(folder) / "data")
        try:
            for path in PAGES:
                for run in range(1, runs + 1):
                    scores, metrics, work = summary(audit(base + path, Path(folder) / "report.json"))
                    lowest[path] = min(lowest.get(path, GOAL), scores["performance"])
                    print(
                        f"{path:32} run {run}  "
                        + " ".join(f"{name[:4]} {score:>5}" for name, score in scores.items())
                        + "  "
                        + " ".join(f"{short} {value}" for short, value in metrics.items())
                        + f"  main thread: {work}",
                        flush=True,
                    )
        finally:
            app_process.stop(process)
    met = all(score >= GOAL for score in lowest.values())
    print(
        f"\nPerformance, lowest of {runs} runs: "
        + ", ".join(f"{path} {score}" for path, score in lowest.items())
        + f"; goal {GOAL} on every run: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
