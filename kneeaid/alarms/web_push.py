"""One Web Push as a push service wants it, and the HTTP that carries many at once.

* The message is encrypted for the browser's keys by http_ece (RFC 8291: a new
  ephemeral key for each message, aes128gcm), as pywebpush does it.
* The VAPID signature (RFC 8292) says the server sent it. A push service only asks
  that its JWT name the service (``aud``) and expire within a day, so one is signed
  per push service and used until it is an hour from its end (a signature each
  alarm was a tenth of the CPU a crowd of alarms took).
* The posts go out from one event loop thread (aiohttp): connections to each push
  service kept open, many posts in flight, a fraction of the CPU of a thread
  blocked on each (issue 40: 0.14 ms an alarm against requests' 0.74 ms here).
  The connector checks each post's origin again as it connects, as the HTTP client
  reads it, and redirects are never followed, so the server posts to allowed push
  services and nowhere else.
"""

import asyncio
import threading
import time

from yarl import URL

from .validation import origin_allowed, unpadded_base64url

SEND_TIMEOUT_SECONDS = 10
JWT_LIFETIME_SECONDS = 12 * 3600  # as pywebpush's own (RFC 8292 allows up to 24 hours)
JWT_RENEWED_BEFORE_END_SECONDS = 3600


class NotAllowed(Exception):
    """A post to an origin that is not an allowed push service: never tried again."""


def load():
    """Import what sending needs (aiohttp and http_ece: a fifth of a second), once an alarm waits:
    not at every start (every test's app process), nor in the first due alarm's time."""
    import aiohttp  # noqa: F401
    import http_ece  # noqa: F401


def encrypted(subscription, data):
    """The body of a push message of ``data`` (bytes) for a subscription (RFC 8291, aes128gcm), made as
    pywebpush's WebPusher.encode makes it: http_ece's encryption with a new P-256 key of its own for
    this message alone. Called directly, it takes a tenth less CPU (WebPusher copies the subscription
    and encodes a public key aes128gcm does not use)."""
    import http_ece  # imported once an alarm waits (load), not at every start
    from cryptography.hazmat.primitives.asymmetric import ec

    keys = subscription["keys"]  # checked when the alarm was added (validation.parse_subscription)
    return http_ece.encrypt(
        data,
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=unpadded_base64url(keys["p256dh"]),
        auth_secret=unpadded_base64url(keys["auth"]),
        version="aes128gcm",
    )


class Signatures:
    """The VAPID Authorization header for each push service origin, signed once and reused until
    an hour before it expires."""

    def __init__(self, server_key, subject, clock=time.time):
        self.server_key = server_key
        self.subject = subject
        self.clock = clock
        self._signed = {}  # origin: (header, expires)
        self._lock = threading.Lock()

    def header(self, origin):
        """{"Authorization": "vapid t=…, k=…"} for a push service origin such as https://fcm.googleapis.com.
        OSError when the data folder cannot keep a new server key."""
        now = self.clock()
        with self._lock:
            header, expires = self._signed.get(origin, (None, 0))
            if expires - now < JWT_RENEWED_BEFORE_END_SECONDS:
                expires = int(now) + JWT_LIFETIME_SECONDS
                claims = {"sub": self.subject, "aud": origin, "exp": expires}
                header = {"Authorization": self.server_key.get().sign(claims)["Authorization"]}
                self._signed[origin] = (header, expires)
            return header


def url_origin(url):
    """scheme://host[:port] of an endpoint, as a VAPID ``aud`` names it, read by the parser the posts
    connect with (yarl, aiohttp's): never a parser of our own."""
    return str(URL(url).origin())


class Posts:
    """HTTP posts to the allowed push services, from an event loop in a thread of its own, started
    at the first post. ``post_all`` may be called from any thread."""

    def __init__(self, services, most_at_once):
        self.services = services
        self.most_at_once = most_at_once
        self._loop = None
        self._session = None
        self._proxies = {}  # origin: the proxy the environment names for it (read once per origin)
        self._lock = threading.Lock()

    def post_all(self, posts):
        """[(url, body, headers)] -> [HTTP status, or an exception] in the same order."""
        loop = self._started()
        return asyncio.run_coroutine_threadsafe(self._post_all(posts), loop).result()

    def close(self):
        with self._lock:
            if self._loop is None:
                return
            asyncio.run_coroutine_threadsafe(self._session.close(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop = None

    def _started(self):
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=_run_until_stopped, args=(loop,), name="kneeaid-push-http", daemon=True).start()
                self._session = asyncio.run_coroutine_threadsafe(self._open(), loop).result()
                self._loop = loop
            return self._loop

    async def _open(self):
        import aiohttp

        services = self.services

        class OnlyTo(aiohttp.TCPConnector):
            """Connects only to an allowed push service: each post's origin is checked again here."""

            async def connect(self, request, *args, **kwargs):
                # Where it connects, as aiohttp read the URL (its parser, yarl; the allow-list's
                # endpoint_origin made sure at the door that the other parsers read it the same).
                url = request.url
                if not origin_allowed((url.scheme, (url.raw_host or "").lower(), url.port), services):
                    raise NotAllowed(f"not an allowed push service: {str(url)[:200]}")
                return await super().connect(request, *args, **kwargs)

        return aiohttp.ClientSession(
            connector=OnlyTo(limit=self.most_at_once, limit_per_host=self.most_at_once),
            timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT_SECONDS),
        )

    async def _post_all(self, posts):
        return await asyncio.gather(*(self._post(*post) for post in posts), return_exceptions=True)

    async def _post(self, url, body, headers):
        async with self._session.post(
            url, data=body, headers=headers, allow_redirects=False, proxy=self._proxy(url)
        ) as answer:
            await answer.read()
            return answer.status

    def _proxy(self, url):
        """The proxy the environment names for this push service (HTTPS_PROXY, NO_PROXY), or None."""
        origin = url_origin(url)
        if origin not in self._proxies:
            from aiohttp.helpers import get_env_proxy_for_url

            try:
                proxy, login = get_env_proxy_for_url(URL(origin))
            except LookupError:
                proxy = login = None
            if login is not None:  # a user and password named in the setting's URL
                proxy = proxy.with_user(login.login).with_password(login.password)
            self._proxies[origin] = proxy
        return self._proxies[origin]


def _run_until_stopped(loop):
    try:
        loop.run_forever()
    finally:
        loop.close()
