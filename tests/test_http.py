"""Headers every response carries, compression, caching, and no 500 for odd requests."""

import gzip
import re

import pytest


def test_pages_carry_the_security_headers(client):
    response = client.get("/en/")
    policy = response.headers["Content-Security-Policy"]
    script_policy = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_policy.split() == ["script-src", "'self'"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives == {
        "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:"], "connect-src": ["'self'"], "manifest-src": ["'self'"],
        "worker-src": ["'self'"], "object-src": ["'none'"], "base-uri": ["'self'"],
        "form-action": ["'self'"], "frame-ancestors": ["'none'"],
    }
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
    secure = client.get("/en/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_have_no_inline_script_or_style(client, page_urls):
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url
        for tag in page.split("<script")[1:]:
            attributes = tag.split(">")[0]
            # Scripts come from our static files; a JSON data block is never run.
            assert 'src="/static/' in attributes or 'type="application/json"' in attributes, url


def test_pages_say_they_differ_for_htmx_requests(client):
    response = client.get("/en/about", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("url", ["/en/", "/static/css/app.css", "/static/vendor/htmx-2.0.11.min.js",
                                 "/ru/manifest.webmanifest", "/sw.js"])
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


def test_about_names_sources_review_date_and_privacy(client):
    page = client.get("/en/about").get_data(as_text=True)
    assert "Ottawa Knee Rules" in page
    assert "NHS" in page
    assert "November 22, 2026" in page
    assert "not a diagnosis" in page
    ru_page = client.get("/ru/about").get_data(as_text=True)
    assert "22 ноября 2026" in ru_page


def test_home_page_has_the_four_ways_in_and_the_emergency_numbers(client, lang):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    for path in ("timer", "check", "doctor", "diary", "about"):
        assert f'href="/{lang}/{path}"' in page
    for number in ("112", "103", "911", "999"):
        assert f'href="tel:{number}"' in page


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


def test_a_page_rendered_once_is_still_the_page_asked_for(client):
    """Pages the same for everyone are kept once rendered: by language, query, host and fragment."""
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
