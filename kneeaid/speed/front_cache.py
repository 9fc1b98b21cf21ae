"""Whole answers for the pages and files that are the same for everyone, kept
in memory in front of Flask: a repeated request for the home page, a guide,
a check result or a versioned static file is answered without routing,
rendering, compressing or any of Flask's own work.

Flask decides what may be kept: a response is kept only when the app marked
it shared (kneeaid/speed/contract.py: a @shared page or a versioned static file,
status 200). It is kept under every part of the request that such a response
may depend on (the contract's REQUEST_PARTS: scheme, host, path, query, the
encodings accepted, the htmx headers, Sec-Fetch-Mode and the language cookie),
so the answer from memory is byte for byte what Flask would send. A
conditional request whose ETag matches gets a 304 from memory too. Never in
debug mode, where templates change.

A page filled in from a skeleton (kneeaid/speed/skeleton.py: a check result) is
kept too as a recipe: the skeleton, and Flask's status and headers, under
every part of the request but the query. A query nobody asked before is then
answered here, the skeleton filled in for it, without Flask: the same bytes
(a recipe is kept only when it gives, for the query Flask answered, exactly
Flask's answer), at a fraction of Flask's cost (issue 21).
"""

import threading
from collections import OrderedDict

from werkzeug.datastructures import Headers
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag
from werkzeug.wrappers import Request

from . import compression
from .compression import SMALLEST_WORTH_COMPRESSING, gzipped_etag, page_etag
from .contract import SHARED, key_of, without_query
from .skeleton import ENVIRON_KEY

BYTES_KEPT = 64 * 1024 * 1024  # the bodies of all kept answers together; the least recently used go first
LARGEST_KEPT = 2 * 1024 * 1024  # bytes of one body
RECIPES_KEPT = 64  # pages filled in here; the host is the request's own: a bounded number of them
# A page filled in here is kept from its second ask on: a flood of answer sets asked once
# then neither pushes out the pages everyone asks for nor pays for keeping its own.
ASKS_REMEMBERED = 4096


class Answer:
    """A kept response: its status line, headers (without the mark) and body."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.etag = dict(headers).get("ETag")

    def not_modified_for(self, environ):
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        return bool(self.etag and if_none_match) and parse_etags(if_none_match).contains_weak(
            unquote_etag(self.etag)[0]
        )

    def send(self, environ, start_response):
        if self.not_modified_for(environ):
            headers = Headers(self.headers)
            remove_entity_headers(headers)
            start_response("304 Not Modified", headers.to_wsgi_list())
            return [b""]
        start_response(self.status, list(self.headers))
        return [self.body]


class Recipe:
    """A page filled in from a skeleton, for any query it accepts: Flask's
    status and headers, with the body's own ETag and length."""

    def __init__(self, status, headers, skeleton):
        self.status, self.headers, self.skeleton = status, headers, skeleton
        self.gzipped = ("Content-Encoding", "gzip") in headers

    def answer(self, query):
        """The answer for a request with this query (its args), or None when the skeleton does not take it."""
        if not self.skeleton.accepts(query):
            return None
        body = self.skeleton.fill(query)
        etag = page_etag(body)
        if self.gzipped and len(body) >= SMALLEST_WORTH_COMPRESSING:
            body, etag = compression.gzip(body), gzipped_etag(etag)
        own = {"Content-Length": str(len(body)), "ETag": f'"{etag}"'}
        return Answer(self.status, [(name, own.get(name, value)) for name, value in self.headers], body)


def query_of(environ):
    """The request's args, as Flask reads them (werkzeug's own parsing)."""
    return Request(environ, populate_request=False).args


class KeptAnswers(OrderedDict):
    """The kept answers, least recently used first, with the bytes of their bodies
    counted as they come and go (a first answer must not add them all up again)."""

    def __init__(self):
        super().__init__()
        self.size = 0
        self.recipes = OrderedDict()  # without_query(key) -> Recipe, least recently used first
        self.asked = OrderedDict()  # hash(key) of the last pages filled in, oldest first

    def keep(self, key, answer):
        old = self.pop(key, None)
        self.size += len(answer.body) - (len(old.body) if old else 0)
        self[key] = answer
        while self.size > BYTES_KEPT:
            _, oldest = self.popitem(last=False)
            self.size -= len(oldest.body)

    def keep_recipe(self, key, recipe):
        self.recipes[without_query(key)] = recipe
        if len(self.recipes) > RECIPES_KEPT:
            self.recipes.popitem(last=False)

    def asked_before(self, key):
        mark = hash(key)  # two requests of one hash: the second is kept a little early
        if mark in self.asked:
            return True
        self.asked[mark] = None
        if len(self.asked) > ASKS_REMEMBERED:
            self.asked.popitem(last=False)
        return False

    def recipe(self, key):
        recipe = self.recipes.get(without_query(key))
        if recipe is not None:
            self.recipes.move_to_end(without_query(key))
        return recipe


def without_the_mark(start_response):
    """start_response, never sending the app's SHARED mark (an answer not kept here has it too)."""

    def start(status, headers, exc_info=None):
        return start_response(status, [(name, value) for name, value in headers if name != SHARED], exc_info)

    return start


class FrontCache:
    """WSGI middleware around Flask's wsgi_app (inside ProxyFix, so the scheme
    and host are the person's). The kept answers live in
    ``app.extensions["kneeaid.answers"]``: a restart, or dropping that, starts
    afresh (a deploy changes pages without changing their addresses)."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app
        self.lock = threading.Lock()

    def answers(self):
        answers = self.app.extensions.get("kneeaid.answers")
        if answers is None:
            answers = self.app.extensions["kneeaid.answers"] = KeptAnswers()
        return answers

    def keep(self, key, answer):
        with self.lock:
            self.answers().keep(key, answer)

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or self.app.debug or "HTTP_IF_MODIFIED_SINCE" in environ:
            return self.wsgi_app(environ, without_the_mark(start_response))
        key = key_of(environ)
        with self.lock:
            answer = self.answers().get(key)
            if answer is not None:
                self.answers().move_to_end(key)
        if answer is None:
            answer = self.filled_in(key, environ)
        if answer is not None:
            return answer.send(environ, start_response)
        return self.ask_flask(key, environ, start_response)

    def filled_in(self, key, environ):
        """The answer from a recipe for this request's address (kept from its second ask on); None without one."""
        with self.lock:
            recipe = self.answers().recipe(key)
        answer = recipe and recipe.answer(query_of(environ))
        if answer is not None and self.asked_before(key):
            self.keep(key, answer)
        return answer

    def asked_before(self, key):
        """Whether this very request was filled in before, of the last ASKS_REMEMBERED."""
        with self.lock:
            return self.answers().asked_before(key)

    def learn(self, key, environ, answer):
        """Keep the recipe of a page Flask filled in from a skeleton, if it gives Flask's very answer."""
        skeleton = environ.get(ENVIRON_KEY)
        if skeleton is None:
            return
        recipe = Recipe(answer.status, answer.headers, skeleton)
        mine = recipe.answer(query_of(environ))
        if mine is not None and (mine.status, mine.headers, mine.body) == (answer.status, answer.headers, answer.body):
            with self.lock:
                self.answers().keep_recipe(key, recipe)

    def ask_flask(self, key, environ, start_response):
        """Flask's answer, kept when it is marked shared (the mark removed either way)."""
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, [(n, v) for n, v in headers if n != SHARED]
            seen["shared"] = any(name == SHARED for name, _ in headers)
            return start_response(status, seen["headers"], exc_info)

        # Flask calls start_response before the body is read; a shared body is read
        # whole (it is small), anything else streams through as it is.
        body = self.wsgi_app(environ, remember)
        if not (seen.get("shared") and seen["status"].startswith("200 ")):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if len(data) <= LARGEST_KEPT:
            answer = Answer(seen["status"], seen["headers"], data)
            self.keep(key, answer)
            self.learn(key, environ, answer)
        return [data]
