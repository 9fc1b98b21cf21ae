"""A push service on 127.0.0.1 for the tests, as a browser's would be: it takes
what the server posts and keeps it; a subscription made here holds its own
private key, so a test can decrypt a message as the phone would (http_ece)."""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def base64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Subscription:
    """A browser's push subscription on the fake service, with the keys that
    only the browser knows."""

    def __init__(self, service, name):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.path = f"/push/{name}"
        self.endpoint = service.origin + self.path
        self.json = {"endpoint": self.endpoint, "keys": {"p256dh": base64url(public), "auth": base64url(self.auth)}}

    def decrypt(self, body):
        """The message as the phone's browser reads it."""
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm")
        return json.loads(plain)


class FakePushService:
    def __init__(self):
        self.received = []  # {"path", "headers", "body", "at"} in order of arrival
        self.answers = {}  # path -> status to answer (default 201)
        self.headers = {}  # path -> extra headers of the answer
        self.delays = {}  # path -> seconds to wait before answering
        self._arrived = threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = service.answers.get(self.path, 201)  # decided on arrival: a test may change it after
                with service._arrived:
                    service.received.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body, "at": time.time()}
                    )
                    service._arrived.notify_all()
                time.sleep(service.delays.get(self.path, 0))
                self.send_response(status)
                for name, value in service.headers.get(self.path, {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        # shutdown() waits for the loop's next look: every 0.5 s by default, at each test's end.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        self._count = 0

    def subscribe(self):
        self._count += 1
        return Subscription(self, f"s{self._count}")

    def wait_for(self, count, timeout=10):
        """The first ``count`` messages, once they have arrived (or what came in ``timeout`` s)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)
            return list(self.received)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
