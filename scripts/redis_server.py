"""A throwaway Redis server in a temporary folder, for the tests of the shared
per-address limits: Debian's `redis-server` (scripts/test.sh installs it),
listening only on 127.0.0.1, keeping nothing on disk.

    from scripts.redis_server import RedisServer
    server = RedisServer()        # started
    server.url                    # redis://127.0.0.1:<port>/0
    server.stop(); server.start() # down, then up again on the same port
    server.close()                # stopped, its folder removed
"""

import shutil
import subprocess
import tempfile
import time

import redis

from scripts.app_process import free_port


def binary():
    found = shutil.which("redis-server")
    if found is None:
        raise RuntimeError("redis-server is not installed: apt-get install redis-server (scripts/test.sh does)")
    return found


class RedisServer:
    """A running redis-server; stop() and start() take it down and up on the same port."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="kneeaid-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        """Start the server (empty: it keeps nothing on disk) and wait until it answers (at most 10 s)."""
        self.process = subprocess.Popen(
            [
                binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                self.folder,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def answers(self):
        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False

    def flush(self):
        """Forget every count (each test starts from zero)."""
        self.client().flushall()

    def keys(self):
        """The names of the keys it holds (bytes)."""
        return self.client().keys("*")

    def stop(self):
        """Take the server down: from now on nothing answers on its port."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
