"""`python app.py` started as a process of its own, for the tests and the
benchmarks: the one way both serve the real app over HTTP on 127.0.0.1.

    from scripts.app_process import start, stop
    process, url = start(data_dir, KNEEAID_WRITES_PER_MINUTE="1000000")
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(data_dir, port=None, threads=8, output=subprocess.DEVNULL, **settings):
    """Start app.py with its diary in data_dir and these KNEEAID_* settings;
    returns (process, url) once it answers (at most 20 s)."""
    port = port or free_port()
    env = {**os.environ, "KNEEAID_DATA_DIR": str(data_dir), **settings}
    process = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/en/", timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"app.py did not start on port {port}") from None
            time.sleep(0.1)


def stop(process):
    process.terminate()
    process.wait(timeout=10)
