"""`python app.py` serves KneeAid with a production server: the address it is
given, the proxy it stands behind, its limits."""

import http.client
import json
import socket
import subprocess
import sys
import time

import pytest

from kneeaid import PROJECT_ROOT
from scripts import app_process


@pytest.fixture
def serve(tmp_path):
    """Start `python app.py` with extra settings; every server started is stopped."""
    started = []

    def start(**settings):
        process, url = app_process.start(tmp_path / "data", **settings)
        started.append(process)
        return int(url.rsplit(":", 1)[1]), process

    yield start
    for process in started:
        app_process.stop(process)


def request(port, method, path, headers=None, body=None):
    """One raw HTTP request (no redirect followed): (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_app_py_serves_with_waitress_on_the_given_port(serve):
    port, _ = serve()
    status, headers, body = request(port, "GET", "/ru/")
    assert status == 200
    assert headers["Server"] == "waitress"
    assert "Болит колено" in body.decode()


BEHIND_THE_PROXY = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "kneeaid.example.org",
    "X-Forwarded-For": "203.0.113.9",
    "Sec-Fetch-Mode": "navigate",
}


def test_behind_the_proxy_cookies_are_secure_redirects_stay_https_and_hsts_is_sent(serve):
    port, _ = serve(KNEEAID_PROXY_HOPS="1")
    status, headers, _ = request(port, "GET", "/ru", BEHIND_THE_PROXY)
    assert status == 308
    assert headers["Location"] in ("/ru/", "https://kneeaid.example.org/ru/")
    status, headers, _ = request(port, "GET", "/ru/", BEHIND_THE_PROXY)
    assert status == 200
    assert "; Secure" in headers["Set-Cookie"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    entry = {
        "id": "0b6c2b0e-7a35-4a51-9a39-8d7a3c1f2e10",
        "kind": "pain",
        "at": "2026-11-20T10:00:00Z",
        "pain": 3,
        "knee": "left",
    }
    status, headers, _ = request(
        port,
        "POST",
        "/api/diary/sync",
        {**BEHIND_THE_PROXY, "Content-Type": "application/json", "Origin": "https://kneeaid.example.org"},
        json.dumps({"entries": [entry]}),
    )
    assert status == 200
    profile_cookie = [c for c in headers.get_all("Set-Cookie") if c.startswith("kneeaid_profile=")][0]
    assert "; Secure" in profile_cookie and "; HttpOnly" in profile_cookie


def test_without_a_proxy_forwarded_headers_are_not_believed(serve):
    port, _ = serve()
    status, headers, _ = request(port, "GET", "/ru/", BEHIND_THE_PROXY)
    assert status == 200
    assert "Secure" not in headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in headers


@pytest.mark.parametrize("host", ["evil.example", "a" * 64 + ".example", "a..b"])
def test_redirects_never_name_the_requests_host_and_a_bad_host_is_a_clear_400(serve, host):
    port, _ = serve()
    status, headers, _ = request(port, "GET", "/ru", {"Host": host})
    if status == 308:
        assert headers["Location"] == "/ru/"
    else:
        assert status == 400
    status, _, body = request(port, "GET", "/en/nothing-here", {"Host": host})
    assert status in (400, 404)


def test_a_body_over_the_limit_is_refused_before_it_is_read(serve):
    port, _ = serve()
    # Announce 2 MB, send only the first bytes: the answer must come without the rest.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/diary/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n{"
        )
        answer = connection.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")


def test_a_busy_port_gives_one_clear_line(serve):
    port, _ = serve()
    second = subprocess.run(
        [sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )
    assert second.returncode != 0
    assert "Traceback" not in second.stderr + second.stdout
    assert "serving" not in second.stdout
    assert f"KneeAid cannot listen on 127.0.0.1:{port}" in second.stderr


@pytest.mark.processes
def test_a_pdf_whose_client_hangs_up_stops_being_made(tmp_path):
    """waitress reads ahead on the connection (channel_request_lookahead), so the PDF's view learns
    that its client has gone and ends the child process that makes it, instead of rendering for no one."""
    from datetime import UTC, datetime, timedelta

    from kneeaid import create_app
    from tests.entries import LONG_NOTE, pain

    data = tmp_path / "data"
    app = create_app({"TESTING": True, "DATA_DIR": str(data)})
    client = app.test_client()
    now = datetime.now(UTC)
    client.post(
        "/api/diary/sync", json={"entries": [pain(1, at=now.isoformat())]}, headers={"Origin": "http://localhost"}
    )
    profile = client.get_cookie("kneeaid_profile").value
    entries = [pain(n % 11, at=(now - timedelta(hours=n + 1)).isoformat(), note=LONG_NOTE) for n in range(400)]
    app.extensions["kneeaid.store"].save(profile, entries, [], now.timestamp())
    log = open(tmp_path / "server.log", "w")
    process, url = app_process.start(data, output=log)
    try:
        port = int(url.rsplit(":", 1)[1])
        hung_up = socket.create_connection(("127.0.0.1", port))
        hung_up.sendall(
            f"GET /en/diary/summary.pdf?days=365 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: kneeaid_profile={profile}\r\n\r\n".encode()
        )
        time.sleep(0.5)  # the PDF is under way
        hung_up.close()  # gone before it is ready
        said = ""
        for _ in range(100):
            said = (tmp_path / "server.log").read_text()
            if "the client went away" in said:
                break
            time.sleep(0.1)
        assert "No PDF for /en/diary/summary.pdf: the client went away" in said, said
        status, _, body = request(
            port, "GET", "/en/diary/summary.pdf?days=7", headers={"Cookie": f"kneeaid_profile={profile}"}
        )
        assert status == 200 and body.startswith(b"%PDF-"), "the slot it held is free again"
    finally:
        app_process.stop(process)
        log.close()
