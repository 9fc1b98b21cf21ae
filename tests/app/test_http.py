"""Headers every response carries, compression, caching, and no 500 for odd requests."""

import base64
import gzip
import hashlib
import re
import uuid

import pytest

from tests.support import answer_parts


def test_pages_carry_the_security_headers(client):
    response = client.get("/en/")
    policy = response.headers["Content-Security-Policy"]
    script_policy = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_policy.split() == ["script-src", "'self'", import_map_hash(response.get_data(as_text=True))]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'", import_map_hash(response.get_data(as_text=True))],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
    secure = client.get("/en/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_policy_comes_with_what_it_governs_and_not_with_what_a_page_loads(client):
    page = client.get("/en/").get_data(as_text=True)
    script = re.search(r'src="(/static/js/main.js\?v=\w+)"', page).group(1)
    stylesheet = re.search(r'href="(/static/css/app.css\?v=\w+)"', page).group(1)
    for loaded in (script, stylesheet):
        response = client.get(loaded)
        assert response.status_code == 200 and "Content-Security-Policy" not in response.headers, loaded
        assert response.headers["X-Content-Type-Options"] == "nosniff", loaded
    for governed in ("/sw.js", "/static/icons/icon.svg", "/en/manifest.webmanifest", "/en/no-such-page"):
        assert "script-src 'self'" in client.get(governed).headers["Content-Security-Policy"], governed


def import_map_hash(page):
    """The CSP source of the page's import map, the one inline script there may be."""
    text = re.search(r'<script type="importmap">(.*?)</script>', page).group(1)
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def test_pages_have_no_inline_script_or_style(client, page_urls):
    for url in page_urls:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url
        for tag in page.split("<script")[1:]:
            attributes = tag.split(">")[0]
            # Scripts come from our static files; a JSON data block is never run; the
            # import map runs only because the policy names its hash.
            assert 'src="/static/' in attributes or attributes.strip() in (
                'type="application/json" id="page-data"',
                'type="importmap"',
            ), url
        assert import_map_hash(page) in response.headers["Content-Security-Policy"], url


def test_pages_say_they_differ_for_htmx_requests(client):
    response = client.get("/en/about", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "url", ["/en/", "/static/css/app.css", "/static/vendor/htmx-2.0.11.min.js", "/ru/manifest.webmanifest", "/sw.js"]
)
def test_text_is_sent_compressed_to_browsers_that_accept_it(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)


def test_versioned_static_files_are_cached_for_a_year(client):
    page = client.get("/en/").get_data(as_text=True)
    stylesheet = page.split('<link rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in stylesheet
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 60 * 60
    assert response.cache_control.immutable


def test_pages_are_revalidated(client):
    assert client.get("/en/").cache_control.no_cache


def test_the_htmx_version_is_visible(client):
    assert "htmx 2.0.11" in client.get("/en/about").get_data(as_text=True)
    script = client.get("/static/vendor/htmx-2.0.11.min.js").get_data(as_text=True)
    assert 'version:"2.0.11"' in script


ODD_REQUESTS = [
    ("GET", "/en/../../etc/passwd"),
    ("GET", "/%00"),
    ("GET", "/en/%ff%fe"),
    ("GET", "/static/../app.py"),
    ("GET", "/static/nope.js?v=1"),
    ("GET", "/EN/"),
    ("GET", "/en"),
    ("POST", "/en/"),
    ("DELETE", "/sw.js"),
    ("GET", "/en/manifest.webmanifest/x"),
    ("GET", "/" + "a" * 5000),
    ("PUT", "/"),
]


@pytest.mark.parametrize("method, url", ODD_REQUESTS)
def test_odd_requests_get_a_clear_4xx_never_a_500(client, method, url):
    response = client.open(url, method=method, headers={"Accept-Language": "ru;q=x"})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.mimetype == "text/html"
        assert 'href="/en/"' in response.get_data(as_text=True)


def test_an_unexpected_error_gets_a_page_not_a_traceback(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "secret detail" not in page


def test_a_versioned_static_file_is_cached_for_a_year_and_a_repeat_visit_downloads_nothing(client):
    page = client.get("/en/").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(/static/[^"]+\?v=[^"]+)"', page):
        for encoding in ("gzip", "identity"):
            first = client.get(url, headers={"Accept-Encoding": encoding})
            assert first.status_code == 200
            assert first.cache_control.max_age == 365 * 24 * 60 * 60 and first.cache_control.immutable
            assert not first.cache_control.no_cache, url
            again = client.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})
            assert (again.status_code, again.data) == (304, b""), (url, encoding)


def test_a_page_asked_again_unchanged_is_a_304_and_one_persons_page_never_is(client):
    for encoding in ("gzip", "identity"):
        first = client.get("/en/doctor", headers={"Accept-Encoding": encoding})
        assert first.headers["ETag"] and first.cache_control.no_cache
        again = client.get("/en/doctor", headers={"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        other = client.get("/ru/doctor", headers={"Accept-Encoding": encoding, "If-None-Match": first.headers["ETag"]})
        assert other.status_code == 200, "another page, another tag"
    personal = client.get("/en/diary/view")
    assert "ETag" not in personal.headers and personal.cache_control.no_store


def test_a_conditional_answer_adds_no_date_of_its_own(client):
    """The HTTP server adds the Date header; a second one from the app would make it unreadable."""
    for url in ("/en/doctor", "/api/push/key"):
        assert "Date" not in client.get(url).headers, url


def test_a_page_kept_for_everyone_is_still_the_page_asked_for(client):
    """Pages the same for everyone are kept: by language, query, host and fragment."""
    for _ in range(2):
        assert "Call 112" in client.get("/en/").get_data(as_text=True)
        assert "Позвонить 103" in client.get("/ru/").get_data(as_text=True)
        emergency = client.get("/en/check/result?s=deformity").get_data(as_text=True)
        selfcare = client.get("/en/check/result?s=none").get_data(as_text=True)
        assert 'data-tier="emergency"' in emergency and 'data-tier="selfcare"' in selfcare
        other_host = client.get("/en/", headers={"Host": "kneeaid.example.org"}).get_data(as_text=True)
        assert 'href="http://kneeaid.example.org/ru/"' in other_host
        fragment = client.get("/en/check/result?s=deformity", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in fragment and 'data-tier="emergency"' in fragment


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Encoding": "gzip"},
        {"HX-Request": "true"},
        {"Accept-Encoding": "gzip", "Cookie": "lang=ru"},
        {"Sec-Fetch-Mode": "cors"},
    ],
)
def test_a_shared_page_is_answered_from_memory_exactly_as_flask_answered_it(app, headers):
    client = app.test_client(use_cookies=False)  # each request as the headers say
    first = client.get("/ru/check/result?s=swelling&s=hot", headers=headers)
    app.view_functions["check.result"] = lambda **_: pytest.fail("asked Flask again")
    app.view_functions["check.result"].shared = True
    again = client.get("/ru/check/result?s=swelling&s=hot", headers=headers)
    assert answer_parts(again) == answer_parts(first)
    assert "X-KneeAid-Shared" not in first.headers
    assert ("Set-Cookie" in again.headers) is ("Cookie" not in headers and "Sec-Fetch-Mode" not in headers), (
        "the language is remembered on a navigation, from memory too"
    )


NAVIGATION = {"Sec-Fetch-Mode": "navigate"}
# Two requests that differ in one part of the request only, for each part a kept answer depends on.
REQUEST_PARTS = {
    "scheme": ({"base_url": "http://localhost"}, {"base_url": "https://localhost"}),  # HSTS
    "host": ({}, {"headers": {**NAVIGATION, "Host": "kneeaid.example.org"}}),  # hreflang links
    "path": ({}, {"path": "/ru/check/result?s=hot"}),
    "query": ({}, {"path": "/en/check/result?s=swelling"}),
    "Accept-Encoding": ({}, {"headers": {**NAVIGATION, "Accept-Encoding": "gzip"}}),
    "HX-Request": ({}, {"headers": {**NAVIGATION, "HX-Request": "true"}}),  # a fragment
    "HX-Boosted": ({"headers": {"HX-Request": "true"}}, {"headers": {"HX-Request": "true", "HX-Boosted": "true"}}),
    "HX-History-Restore-Request": (
        {"headers": {"HX-Request": "true"}},
        {"headers": {"HX-Request": "true", "HX-History-Restore-Request": "true"}},
    ),
    "Sec-Fetch-Mode": ({}, {"headers": {"Sec-Fetch-Mode": "cors"}}),  # only a navigation sets the cookie
    "language cookie": ({}, {"headers": {**NAVIGATION, "Cookie": "lang=en"}}),  # remembered, or not needed
}


def ask(client, path="/en/check/result?s=hot", base_url="http://localhost", headers=NAVIGATION):
    return answer_parts(client.get(path, base_url=base_url, headers=headers))


@pytest.mark.parametrize("part", REQUEST_PARTS)
def test_a_kept_answer_is_only_given_to_a_request_like_the_one_it_answered(app, part):
    """For each part of a request that a kept answer depends on: two requests
    differing in that part only get, from memory, what Flask itself answers each."""
    client = app.test_client(use_cookies=False)
    first, second = REQUEST_PARTS[part]
    flask_answers = []
    for request in (first, second):
        app.extensions.pop("kneeaid.answers", None)
        flask_answers.append(ask(client, **request))
    assert flask_answers[0] != flask_answers[1], f"the {part} changes the answer"
    for kept, asked, flask_answer in ((first, second, flask_answers[1]), (second, first, flask_answers[0])):
        app.extensions.pop("kneeaid.answers", None)
        ask(client, **kept)
        assert ask(client, **asked) == flask_answer, f"an answer kept for another {part}"
        assert ask(client, **asked) == flask_answer, f"its own kept answer, for its {part}"


def test_each_way_of_asking_gets_its_own_answer_from_memory(client):
    for _ in range(2):
        assert client.get("/en/doctor", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in client.get("/en/doctor").headers
        assert "<html" not in client.get("/en/check/result?s=hot", headers={"HX-Request": "true"}).get_data(True)
        assert "<html" in client.get("/en/check/result?s=hot").get_data(as_text=True)
        other = client.get("/en/", headers={"Host": "kneeaid.example.org"}).get_data(as_text=True)
        assert 'href="http://kneeaid.example.org/ru/"' in other
        assert "Strict-Transport-Security" in client.get("/en/", base_url="https://localhost").headers
        assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_an_unchanged_page_is_a_304_from_memory(client):
    etag = client.get("/en/doctor").headers["ETag"]
    client.get("/en/doctor")
    answer = client.get("/en/doctor", headers={"If-None-Match": etag})
    assert answer.status_code == 304 and answer.data == b"" and answer.headers["ETag"] == etag
    assert "Content-Type" not in answer.headers and "Cache-Control" in answer.headers
    assert client.get("/en/doctor", headers={"If-None-Match": '"other"'}).status_code == 200


def test_one_persons_pages_and_errors_are_never_kept(app, client):
    for profile_pain in (3, 7):
        person = app.test_client()
        person.post(
            "/api/diary/sync",
            json={
                "entries": [
                    {
                        "id": str(uuid.uuid4()),
                        "kind": "pain",
                        "at": "2026-11-20T10:00:00Z",
                        "pain": profile_pain,
                        "knee": "left",
                    }
                ]
            },
            headers={"Origin": "http://localhost"},
        )
        assert f"Pain {profile_pain} of 10" in person.get("/en/diary/view").get_data(as_text=True)
    assert client.get("/en/no-such-page").status_code == 404
    assert client.get("/en/").status_code == 200
    kept = [key for key in app.extensions["kneeaid.answers"]]
    assert kept and not [key for key in kept if "diary" in key[2] or "no-such" in key[2]]


def test_the_kept_answers_stay_within_their_memory(app, client, monkeypatch):
    from kneeaid.speed import front_cache

    monkeypatch.setattr(front_cache, "BYTES_KEPT", 40_000)
    for page in ("/en/", "/en/doctor", "/en/heat", "/en/causes", "/en/prevent", "/en/about", "/ru/", "/ru/doctor"):
        client.get(page)
    answers = app.extensions["kneeaid.answers"]
    assert 0 < sum(len(answer.body) for answer in answers.values()) <= 40_000
    assert ("/ru/doctor" in [key[2] for key in answers]) and ("/en/" not in [key[2] for key in answers])


def test_nothing_is_kept_in_debug_mode(tmp_path):
    from tests.support import make_test_app

    app = make_test_app(tmp_path, DEBUG=True)
    app.debug = True
    app.test_client().get("/en/")
    assert not app.extensions.get("kneeaid.answers")


# A JSON API answers JSON, whatever goes wrong ------------------------------


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/api/nothing", 404),
        ("POST", "/api/diary/nothing", 404),
        ("GET", "/api/diary/sync", 405),
        ("PUT", "/api/timer/alarms", 405),
        ("DELETE", "/api/timer/alarms/not-an-id", 404),
    ],
)
def test_every_api_error_is_json(client, method, path, status):
    response = client.open(path, method=method, headers={"Accept": "text/html", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == status
    assert response.is_json and response.get_json()["status"] == status
    if status == 405:
        assert response.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_over_a_per_address_limit_an_api_answers_json_with_retry_after(make_app, content_type):
    app = make_app(ALARM_REQUESTS_PER_MINUTE=2)
    client = app.test_client()
    for _ in range(2):
        client.post("/api/timer/alarms", data="{}", content_type=content_type, headers={"Accept": "text/html"})
    response = client.post("/api/timer/alarms", data="{}", content_type=content_type, headers={"Accept": "text/html"})
    assert response.status_code == 429
    assert response.is_json and "too many alarm requests" in response.get_json()["error"]
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    "body, says",
    [("null", "null"), ("[]", "an array"), ("3", "a number"), ('"x"', "a string"), ("true", "true or false")],
)
def test_json_that_is_not_an_object_is_told_to_send_one_and_not_called_invalid(client, body, says):
    for api in ("/api/diary/sync", "/api/timer/alarms"):
        response = client.post(
            api, data=body, content_type="application/json", headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert response.status_code == 400
        assert response.get_json()["error"] == f"send a JSON object: this body is {says}"
    broken = client.post(
        "/api/diary/sync", data="{", content_type="application/json", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert broken.get_json()["error"] == "the body is not valid JSON"
