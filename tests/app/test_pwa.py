"""The manifests and the generated service worker."""

import json
import re
import shutil

import pytest

from kneeaid.extensions import PROJECT_ROOT, babel


def _precache(client):
    script = client.get("/sw.js").get_data(as_text=True)
    return json.loads(re.search(r"^const PRECACHE = (.*);$", script, re.M).group(1))


def test_each_language_has_its_own_manifest(client, lang):
    page = client.get(f"/{lang}/about").get_data(as_text=True)
    assert f'<link rel="manifest" href="/{lang}/manifest.webmanifest">' in page
    response = client.get(f"/{lang}/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == lang
    assert manifest["start_url"] == f"/{lang}/"
    assert manifest["id"] == "/", "one app, whichever language it was installed from"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert [s["url"] for s in manifest["shortcuts"]] == [f"/{lang}/timer", f"/{lang}/check"]


def test_manifest_names_are_in_their_language(client):
    english = client.get("/en/manifest.webmanifest").get_json()
    russian = client.get("/ru/manifest.webmanifest").get_json()
    assert english["name"] == "KneeAid: first aid for a sore knee"
    assert russian["name"] == "KneeAid: первая помощь при боли в колене"
    assert russian["shortcuts"][0]["name"] == "Таймер первой помощи"


def test_manifest_icons_and_screenshots_exist_with_their_stated_size(client, lang):
    manifest = client.get(f"/{lang}/manifest.webmanifest").get_json()
    assert {shot["form_factor"] for shot in manifest["screenshots"]} == {"narrow", "wide"}
    shortcut_icons = [icon for shortcut in manifest["shortcuts"] for icon in shortcut["icons"]]
    assert len({icon["src"] for icon in shortcut_icons}) == 2, "each shortcut its own picture"
    assert not {icon["src"] for icon in shortcut_icons} & {icon["src"] for icon in manifest["icons"]}
    for icon in manifest["icons"] + manifest["screenshots"] + shortcut_icons:
        png = client.get(icon["src"]).data
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_pages_have_the_ios_install_tags(client):
    page = client.get("/en/").get_data(as_text=True)
    assert '<link rel="apple-touch-icon"' in page
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in page


def test_service_worker_is_served_from_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.cache_control.no_cache


def test_precache_holds_every_static_file_and_every_page(client, app, page_urls):
    urls = {entry["url"] for entry in _precache(client)}
    static = {
        p.relative_to(PROJECT_ROOT / "static").as_posix() for p in (PROJECT_ROOT / "static").rglob("*") if p.is_file()
    }
    static = {name for name in static if not name.startswith("screenshots/")}  # only the install dialog shows them
    cached_static = {url.split("?")[0].removeprefix("/static/") for url in urls if url.startswith("/static/")}
    assert cached_static == static
    pages = {url for url in urls if not url.startswith("/static/")}
    manifests = {f"/{lang}/manifest.webmanifest" for lang in ("en", "ru")}
    assert pages == set(page_urls) | manifests
    assert all(entry["revision"] for entry in _precache(client))


def test_a_changed_static_file_changes_the_service_worker(tmp_path, make_app):
    static_copy = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", static_copy)
    app = make_app()
    app.static_folder = str(static_copy)
    before = app.test_client().get("/sw.js").data

    stylesheet = static_copy / "css" / "app.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* changed */\n")
    app.extensions.pop("kneeaid.precache")  # what a restart after a deploy does
    after = app.test_client().get("/sw.js").data
    assert before != after
    changed = [line for line in after.decode().splitlines() if "css/app.css" in line]
    assert changed and all(line not in before.decode() for line in changed)


@pytest.fixture
def fresh_catalogs():
    """Flask-Babel caches catalogs for the whole process: start from a clean
    cache (as a restart does), and leave none of this test's behind."""
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


def test_a_changed_translation_changes_the_service_worker(tmp_path, fresh_catalogs, make_app):
    translations_copy = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations_copy)
    before = make_app().test_client().get("/sw.js").data

    catalog = translations_copy / "ru" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(
        catalog.read_text().replace('msgstr "Болит колено: что делать?"', 'msgstr "Колено болит: что делать?"')
    )
    babel.domain_instance.cache.clear()
    app = create_app_with_translations(tmp_path, translations_copy)
    after = app.test_client().get("/sw.js").data
    assert before != after


def create_app_with_translations(tmp_path, translations):
    from kneeaid import create_app

    return create_app(
        {"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "BABEL_TRANSLATION_DIRECTORIES": str(translations)}
    )
