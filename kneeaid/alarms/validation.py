"""What an alarm request may be (``POST /api/timer/alarms``): pure rules,
no Flask and no storage, so a second backend cannot drift from them."""

import base64
import binascii
import re
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url
from yarl import URL

TIMER_KINDS = ("skin-check", "cold-over", "elevation-over")
# follow-up: "How is your knee?" two days after first aid (issue 22); morning: "How is your knee this
# morning?" the morning after a workout (the training log, issue 42).
QUESTION_KINDS = ("follow-up", "morning")
KINDS = (*TIMER_KINDS, *QUESTION_KINDS)


class Window(NamedTuple):
    """How far ahead an alarm may be asked for, and how late it is still worth
    sending (later, what it says is no longer true: it is dropped)."""

    ahead: timedelta
    ahead_text: str
    late: timedelta
    late_text: str


TIMER_WINDOW = Window(timedelta(hours=2), "2 hours", timedelta(minutes=10), "10 minutes")
# A question about the knee is as good half a day late (a phone off overnight), never days late.
FOLLOW_UP_WINDOW = Window(timedelta(days=3), "3 days", timedelta(hours=12), "12 hours")
WINDOWS = {**{kind: TIMER_WINDOW for kind in TIMER_KINDS}, **{kind: FOLLOW_UP_WINDOW for kind in QUESTION_KINDS}}


def window(kind):
    """The window of an alarm's kind (a kind not known to this version: the timer's, the strictest)."""
    return WINDOWS.get(kind, TIMER_WINDOW)


MAX_ENDPOINT_LENGTH = 2048
DEFAULT_PORTS = {"https": 443, "http": 80}

# The push services of the major browsers (Chrome, Edge, Firefox, Safari).
DEFAULT_PUSH_SERVICES = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://*.notify.windows.com",
)


# What an endpoint of each of those services looks like (path and query), so a subscription cannot
# aim the server's signed posts at another page of the service. A service set in PUSH_SERVICES
# that is not one of these is taken as it comes.
ENDPOINT_SHAPES = {
    "fcm.googleapis.com": re.compile(r"/(fcm/send|wp)/[^/?#]+"),
    "updates.push.services.mozilla.com": re.compile(r"/wpush/v[0-9]+/[^/?#]+"),
    "web.push.apple.com": re.compile(r"/[^/?#]+"),
    "*.notify.windows.com": re.compile(r"/w/\?token=[^&#]+"),
}


def shape_fits(endpoint):
    """Whether an allowed endpoint looks like its push service's endpoints (a service of our own: yes)."""
    parts = parse_url(endpoint)
    host = parts.host.lower()
    for service, shape in ENDPOINT_SHAPES.items():
        if host == service or (service.startswith("*.") and host.endswith(service[1:])):
            return shape.fullmatch(parts.request_uri) is not None
    return True


class BadAlarm(ValueError):
    """The request is not an alarm this server will send; the message says why."""


def parse_services(text):
    """The allowed push services from a setting: comma-separated origins,
    ``https://*.example.com`` allowing any subdomain. Returns (scheme, host, port)s."""
    services = []
    for origin in (part.strip() for part in text.split(",")):
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
            raise ValueError(f"not a push service origin: {origin!r} (say scheme://host[:port])")
        services.append((parts.scheme, parts.hostname.lower(), parts.port or DEFAULT_PORTS[parts.scheme]))
    return services


# The characters RFC 3986 allows in a URI (unreserved, reserved, and % for pct-encoding): a
# backslash, a space, a tab or a non-ASCII letter is read one way by one parser and another
# way by the next (https://localhost\.notify.windows.com/ is localhost to the HTTP client).
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
HOST_NAME = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\Z")


def endpoint_origin(url):
    """(scheme, host, port) of the place an HTTP request to this URL connects to,
    as the sender's HTTP client (aiohttp, whose parser is yarl) reads it; None for a
    URL outside RFC 3986, with a user name or password, with a host that is not a
    plain name or IPv4 address, or that Python's or urllib3's parser reads differently."""
    if not URI_CHARACTERS.fullmatch(url):
        return None
    try:
        sent = URL(url)
        host = (sent.raw_host or "").lower()
        readings = {(sent.scheme, host, sent.explicit_port), _read_by_python(url), _read_by_urllib3(url)}
    except (ValueError, TypeError, LocationParseError):  # a port that is not a number, a bracket left open
        return None
    if len(readings) != 1 or sent.raw_user is not None or sent.raw_password is not None:
        return None
    if sent.scheme not in DEFAULT_PORTS or not HOST_NAME.match(host):
        return None
    return sent.scheme, host, sent.explicit_port or DEFAULT_PORTS[sent.scheme]


def _read_by_python(url):
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return None  # never equal to the sender's reading of a URL without them
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _read_by_urllib3(url):
    parts = parse_url(url)
    if parts.auth:
        return None
    return parts.scheme, (parts.host or "").lower(), parts.port


def origin_allowed(origin, services):
    """Whether an origin (endpoint_origin's) is one of the allowed push services."""
    if origin is None:
        return False
    scheme, host, port = origin
    return any(
        scheme == allowed_scheme
        and port == allowed_port
        and (host == allowed_host or (allowed_host.startswith("*.") and host.endswith(allowed_host[1:])))
        for allowed_scheme, allowed_host, allowed_port in services
    )


def endpoint_allowed(endpoint, services):
    """Whether the server may post to this endpoint: its origin, as the sender
    will connect to it, must be one of the allowed push services, so no one can
    make the server post elsewhere (the sender checks again as it connects)."""
    return origin_allowed(endpoint_origin(endpoint), services)


def unpadded_base64url(text):
    """The bytes of base64url as browsers write it, without its padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _base64url(value, name):
    if not isinstance(value, str) or not value:
        raise BadAlarm(f"subscription.keys.{name} must be a base64url string")
    try:
        return unpadded_base64url(value)
    except (binascii.Error, ValueError):
        raise BadAlarm(f"subscription.keys.{name} is not base64url") from None


def parse_subscription(subscription, services):
    """The browser's PushSubscription (its toJSON()), checked."""
    if not isinstance(subscription, dict):
        raise BadAlarm("subscription must be an object: the browser's PushSubscription")
    endpoint = subscription.get("endpoint")
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= MAX_ENDPOINT_LENGTH:
        raise BadAlarm(f"subscription.endpoint must be a URL of at most {MAX_ENDPOINT_LENGTH} characters")
    if not endpoint_allowed(endpoint, services):
        raise BadAlarm("subscription.endpoint is not on a push service this server sends to")
    if not shape_fits(endpoint):
        raise BadAlarm("subscription.endpoint is not an endpoint of its push service")
    keys = subscription.get("keys")
    if not isinstance(keys, dict):
        raise BadAlarm("subscription.keys must be an object with p256dh and auth")
    p256dh = _base64url(keys.get("p256dh"), "p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise BadAlarm("subscription.keys.p256dh is not a P-256 public key") from None
    if len(_base64url(keys.get("auth"), "auth")) != 16:
        raise BadAlarm("subscription.keys.auth must be 16 bytes")
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def parse_time(value, now, kind):
    """``at``: an ISO 8601 time with its zone, within its kind's window: not
    too far ahead, and not so late that the alarm would be dropped."""
    if not isinstance(value, str):
        raise BadAlarm("at must be an ISO 8601 time with a zone, such as 2026-11-22T14:35:00Z")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadAlarm("at is not an ISO 8601 time, such as 2026-11-22T14:35:00Z") from None
    if at.tzinfo is None:
        raise BadAlarm("at must say its zone (Z or +03:00)")
    allowed = window(kind)
    if at > now + allowed.ahead:
        raise BadAlarm(f"at is more than {allowed.ahead_text} ahead (for a {kind} alarm)")
    if at < now - allowed.late:
        raise BadAlarm(f"at is more than {allowed.late_text} ago (for a {kind} alarm)")
    return at


def one_of(value, choices, name):
    """A text that must be one of a few (an array or an object is not one, and cannot be looked up)."""
    if not isinstance(value, str) or value not in choices:
        raise BadAlarm(f"{name} must be one of {', '.join(choices)}")
    return value


def parse_alarm(body, now, languages, services):
    """The alarm a request asks for: {subscription, at, kind, lang}, or BadAlarm."""
    if not isinstance(body, dict):
        raise BadAlarm("send a JSON object: {subscription, at, kind, lang}")
    kind = one_of(body.get("kind"), KINDS, "kind")
    lang = one_of(body.get("lang"), sorted(languages), "lang")
    return {
        "subscription": parse_subscription(body.get("subscription"), services),
        "at": parse_time(body.get("at"), now, kind),
        "kind": kind,
        "lang": lang,
    }
