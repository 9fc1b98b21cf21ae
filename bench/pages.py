"""Requests a second for KneeAid's pages and static files, as a ratio to a
bare Flask "hello" app on the same server (waitress, 8 threads), measured in
the same run: wrk (Debian's package) loads one side for 2 seconds, then the
other, alternating, and each figure is the median of the rounds' ratios, so a
busy machine moves both sides alike (issue 13).

    python bench/pages.py [--rounds 5]
"""

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import app_process  # noqa: E402

# Issue 21: every answer from memory at least 1.3x bare Flask, a check result never asked before 0.5x.
GOALS = {"page": 1.3, "result": 1.3, "new": 0.5, "static": 1.3}


# wrk's script for check results never asked before: each request a random set
# of the current symptoms, so no cache can answer it (the cost of a first answer).
# Lua's random numbers start from the same seed in every run and every thread:
# each gets its own (else each round would ask again what the last one asked).
NEW_SYMPTOM_SETS = """
local ids = {%s}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(%d + id)
end
request = function()
  local query = {}
  for _, id in ipairs(ids) do
    if math.random() < 0.25 then query[#query + 1] = "s=" .. id end
  end
  return wrk.format("GET", "/en/check/result?" .. table.concat(query, "&"))
end
"""


def requests_per_second(url, headers=(), script=None):
    command = [
        "wrk",
        "-t2",
        "-c16",
        "-d2s",
        *[part for header in headers for part in ("-H", header)],
        *(["-s", script] if script else []),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def start_hello():
    port = app_process.free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "hello_app.py"), str(port)])
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the hello app did not start")


def targets(base):
    page = urllib.request.urlopen(base + "/en/").read().decode()
    htmx = re.search(r'src="(/static/vendor/htmx[^"]+)"', page).group(1)
    css = re.search(r'href="(/static/css/app.css[^"]+)"', page).group(1)
    return [
        ("/en/", "page"),
        ("/en/timer", "page"),
        ("/en/doctor", "page"),
        ("/en/check/result?s=swelling&s=hot", "result"),
        (NEW_SETS, "new"),
        (htmx, "static"),
        (css, "static"),
    ]


NEW_SETS = "/en/check/result?<a new symptom set each time>"


def new_sets_script(folder):
    from kneeaid.check.triage import SYMPTOMS

    script = Path(folder) / "new_sets.lua"
    seed = random.randrange(1 << 30)
    script.write_text(NEW_SYMPTOM_SETS % (", ".join(f'"{symptom}"' for symptom in SYMPTOMS), seed))
    return str(script)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    gzip = ["Accept-Encoding: gzip"]
    with tempfile.TemporaryDirectory() as data_dir:
        kneeaid, base = app_process.start(data_dir, threads=8)
        hello, hello_url = start_hello()
        missed = []
        try:
            print(f"{'what':44} {'KneeAid / hello req/s (median of ' + str(args.rounds) + ')':>44}  goal")
            for path, kind in targets(base):
                ratios = []
                for _ in range(args.rounds):
                    baseline = requests_per_second(hello_url, gzip)
                    ours = (
                        requests_per_second(base + "/", gzip, new_sets_script(data_dir))
                        if path == NEW_SETS
                        else requests_per_second(base + path, gzip)
                    )
                    ratios.append(ours / baseline)
                verdict = "ok" if statistics.median(ratios) >= GOALS[kind] else "below"
                if verdict == "below":
                    missed.append(path)
                print(
                    f"{path[:44]:44} {statistics.median(ratios):>10.3f}x (rounds: "
                    f"{', '.join(f'{r:.2f}' for r in ratios)})  >= {GOALS[kind]} {verdict}"
                )
        finally:
            app_process.stop(kneeaid)
            hello.terminate()
            hello.wait()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
