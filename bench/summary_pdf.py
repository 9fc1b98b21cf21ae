"""The summary for the doctor as a PDF (issue 24): a month of 1,000 pain
entries, GET /en/diary/summary.pdf against GET /en/diary/summary (the same
template as HTML), alternating the two, medians. Goal: the PDF under 1.5 s.

    python bench/summary_pdf.py
"""

import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kneeaid import create_app  # noqa: E402

ENTRIES = 1000
ROUNDS = 7
GOAL_SECONDS = 1.5
KNEES = ("left", "right", "both")


def a_month_of_entries(now):
    """1,000 pain scores over the last 30 days, a third with a note, each knee in turn."""
    rng = random.Random(24)
    step = timedelta(days=30) / (ENTRIES + 1)
    return [
        {
            "id": str(uuid.uuid4()),
            "kind": "pain",
            "at": (now - step * (n + 1)).isoformat(),
            "pain": rng.randint(0, 10),
            "knee": KNEES[n % 3],
            "note": "после пробежки, на лестнице" if n % 3 == 0 else "",
        }
        for n in range(ENTRIES)
    ]


def client_with_a_month(data_dir):
    app = create_app({"DATA_DIR": data_dir, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    entries = a_month_of_entries(datetime.now(UTC))
    for start in range(0, ENTRIES, 500):
        response = client.post(
            "/api/diary/sync", json={"entries": entries[start : start + 500]}, headers={"Origin": "http://localhost"}
        )
        assert response.status_code == 200 and not response.get_json()["rejected"]
    client.set_cookie("tz", "Europe/Moscow")
    return client


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, url
    return time.perf_counter() - started, len(response.data)


def main():
    with tempfile.TemporaryDirectory() as data_dir:
        client = client_with_a_month(data_dir)
        timed(client, "/en/diary/summary.pdf")  # the first PDF imports WeasyPrint: not counted
        pdf, html, size = [], [], {}
        for _ in range(ROUNDS):
            seconds, size["pdf"] = timed(client, "/en/diary/summary.pdf")
            pdf.append(seconds)
            seconds, size["html"] = timed(client, "/en/diary/summary")
            html.append(seconds)
    pdf_median, html_median = statistics.median(pdf), statistics.median(html)
    print(f"A month of {ENTRIES} pain entries, {ROUNDS} rounds, PDF and HTML alternating:")
    print(f"  PDF   median {pdf_median:.3f} s (rounds: {', '.join(f'{s:.2f}' for s in pdf)}), {size['pdf']:,} bytes")
    print(f"  HTML  median {html_median:.3f} s, {size['html']:,} bytes")
    print(f"  the PDF takes {pdf_median / html_median:.1f}x the HTML summary's time")
    met = pdf_median < GOAL_SECONDS
    print(f"Goal: the PDF under {GOAL_SECONDS} s: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
