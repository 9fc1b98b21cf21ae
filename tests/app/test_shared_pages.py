"""The cache contract (kneeaid/speed/contract.py): a page kept for everyone may
depend on the request's declared parts and on nothing else. Every shared page
is asked of two fresh apps, once as it is and once by a person with a diary, a
time zone, another cookie and other headers; both answers must be the same
bytes, or the caches would give one person's page to another."""

import re

import pytest

from kneeaid.diary.profiles import PROFILE_COOKIE
from kneeaid.i18n.languages import LANGUAGES
from kneeaid.speed.contract import LANGUAGE_COOKIE, REQUEST_PARTS
from tests.entries import ORIGIN, pain, sync
from tests.support import answer_parts

RESULT_QUERIES = ("", "?s=swelling&s=hot", "?s=deformity", "?s=none")
# Parts of a request the contract does not name: none of them may change a shared page. (A
# conditional request may: its 304 says the browser's copy of the same version is still right.)
OTHER_HEADERS = {
    "Accept-Language": "ru-RU,ru;q=0.9",
    "User-Agent": "Another/1.0 (phone)",
    "Referer": "http://localhost/en/diary",
    "X-Forwarded-For": "203.0.113.9",
    "DNT": "1",
    "Authorization": "Basic b3RoZXI6b3RoZXI=",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Dest": "document",
    "Cache-Control": "no-cache",
}
# Each part the contract names, as a request may send it: the same in both answers compared.
NAMED_PARTS = {
    "as a page": {},
    "as a fragment": {"HX-Request": "true"},
    "boosted": {"HX-Request": "true", "HX-Boosted": "true"},
    "navigating, gzip": {"Sec-Fetch-Mode": "navigate", "Accept-Encoding": "gzip"},
}


def shared_endpoints(app):
    return sorted(endpoint for endpoint, view in app.view_functions.items() if getattr(view, "shared", False))


def shared_urls(app):
    """Every page of a shared view in every language (a check result with several answers), and
    every versioned static file a page links to."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for endpoint in shared_endpoints(app):
            for lang in sorted(LANGUAGES):
                url = url_for(endpoint, lang=lang)
                urls.extend(url + query for query in (RESULT_QUERIES if endpoint == "check.result" else ("",)))
    home = app.test_client().get("/en/").get_data(as_text=True)
    urls.extend(sorted(set(re.findall(r'"(/static/[^"]+\?v=[0-9a-f]+)"', home))))
    return urls


def someone_with_a_diary(app):
    """A client that holds a diary with entries, a time zone and another cookie."""
    client = app.test_client()
    assert sync(client, [pain(7, knee="right", note="my own words")]).status_code == 200
    client.set_cookie("tz", "Pacific%2FKiritimati")
    client.set_cookie("session", "someone-else")
    assert client.get_cookie(PROFILE_COOKIE) is not None
    return client


def test_the_contract_names_the_one_cookie_and_the_request_parts():
    assert LANGUAGE_COOKIE in REQUEST_PARTS and list(REQUEST_PARTS)[-1] == "query"
    assert not any(name.lower() in REQUEST_PARTS for name in OTHER_HEADERS)
    assert "tz" not in REQUEST_PARTS and PROFILE_COOKIE not in REQUEST_PARTS


@pytest.mark.parametrize("parts", NAMED_PARTS.values(), ids=NAMED_PARTS.keys())
@pytest.mark.parametrize("lang_cookie", [None, "ru"], ids=["no language cookie", "lang=ru"])
def test_every_shared_page_is_the_same_for_anyone_asking_the_same_parts(make_app, parts, lang_cookie):
    plain_app, other_app = make_app(), make_app()
    assert len(shared_endpoints(plain_app)) >= 9  # home, about, the guides, the timer, the check and its result
    urls = shared_urls(plain_app)
    assert len(urls) >= 2 * 9 + len(RESULT_QUERIES) + 2
    anyone, someone = plain_app.test_client(), someone_with_a_diary(other_app)
    if lang_cookie:
        anyone.set_cookie(LANGUAGE_COOKIE, lang_cookie)
        someone.set_cookie(LANGUAGE_COOKIE, lang_cookie)
    other_parts = {**parts, **OTHER_HEADERS}
    differing = [
        url
        for url in urls
        if answer_parts(anyone.get(url, headers=parts)) != answer_parts(someone.get(url, headers=other_parts))
    ]
    assert differing == []


def test_the_pages_a_person_has_are_not_shared(client):
    """One person's pages (the diary's entries, its summary, the exports) are never kept, and say so."""
    assert sync(client, [pain()], headers=ORIGIN).status_code == 200
    for url in ("/en/diary/view", "/en/diary/summary", "/diary/export.json", "/diary/export.csv"):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"], url
