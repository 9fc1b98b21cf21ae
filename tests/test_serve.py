"""`python app.py` serves KneeAid with a production server on the address it is given."""

import socket
import subprocess
import sys
import time
import urllib.request

from kneeaid import PROJECT_ROOT


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_app_py_serves_with_waitress_on_the_given_port():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/ru/", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not answer in 20 s"
                time.sleep(0.2)
        assert response.headers["Server"] == "waitress"
        assert "Болит колено" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
