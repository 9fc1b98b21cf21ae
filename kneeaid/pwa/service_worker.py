"""Installable and offline: versioned static URLs, the manifests, the service worker.

The service worker's precache list is generated here from content hashes of
every static file and every rendered page of both languages. Any change to an
asset, a template or a translation changes ``/sw.js``, so browsers update it.
"""

import functools
import hashlib
from pathlib import Path

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _

from ..i18n.languages import LANGUAGE_PREFIX, LANGUAGES, current_language
from ..speed.contract import revalidate

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0b5e5e"
BACKGROUND_COLOR = "#ffffff"
# Pages that show one person's data: never the same for everyone, so never
# precached (the diary page keeps its own copy for offline use).
NOT_PRECACHED = frozenset({"diary.view", "diary.summary", "diary.summary_pdf", "training.answers"})
# Static files only the browser's install dialog shows (the manifest's
# screenshots): large, and never needed offline.
NOT_PRECACHED_STATIC = ("screenshots/",)
# The install screenshots, made from the real pages by scripts/screenshots.py --manifest.
SCREENSHOTS = {"narrow": "412x915", "wide": "1280x800"}


@functools.lru_cache(maxsize=1024)
def _digest_of_file(path, modified_ns):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(filename):
    """Short content hash of a static file, or None if there is no such file."""
    path = Path(current_app.static_folder, filename)
    if not path.is_file():
        return None
    return _digest_of_file(str(path), path.stat().st_mtime_ns)


def _version_static_urls(endpoint, values):
    """``url_for('static', ...)`` adds ``?v=<hash>``, so a changed file gets a
    new URL and the old one can be cached for a year."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def static_files(app):
    """Every static file the service worker keeps for offline use."""
    folder = Path(app.static_folder)
    names = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(name for name in names if not name.startswith(NOT_PRECACHED_STATIC))


def page_urls(app):
    """Every page that takes nothing but a language, in every language."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.arguments == {"lang"} and "GET" in rule.methods and rule.endpoint not in NOT_PRECACHED:
            urls.extend(url_for(rule.endpoint, lang=lang) for lang in LANGUAGES)
    return sorted(urls)


def build_precache_list(app):
    """[{url, revision}] for every static file and every page of both languages."""
    with app.test_request_context():
        entries = [
            {"url": url_for("static", filename=name), "revision": static_version(name)} for name in static_files(app)
        ]
        urls = page_urls(app)
    for url in urls:
        entries.append({"url": url, "revision": hashlib.sha256(_render_page(app, url)).hexdigest()[:12]})
    return entries


def _render_page(app, url):
    # Each page gets an application context of its own: Flask-Babel keeps the
    # locale on g, and a shared g would render every page in the first language.
    with app.app_context():
        response = app.test_client().get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}; it cannot be precached")
    return response.data


def precache_list(app):
    """The precache list, computed once (on every request in debug mode)."""
    if app.debug or "kneeaid.precache" not in app.extensions:
        app.extensions["kneeaid.precache"] = build_precache_list(app)
    return app.extensions["kneeaid.precache"]


@bp.route("/sw.js")
@revalidate  # the browser must always ask for a fresh copy to notice a new version
def service_worker():
    app = current_app._get_current_object()
    body = render_template(
        "pwa/sw.js",
        precache=precache_list(app),
        offline_pages={lang: url_for("guide.offline", lang=lang) for lang in LANGUAGES},
        outbox_script=url_for("static", filename="js/outbox.js"),
        sync_url=url_for("diary_api.sync"),
        icon=url_for("static", filename="icons/icon-192.png"),
    )
    return current_app.response_class(body, mimetype="text/javascript")


def _icon(filename, size, purpose="any"):
    return {
        "src": url_for("static", filename=f"icons/{filename}"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }


def _screenshots():
    """What the install dialog shows, in the page's language (scripts/screenshots.py --manifest)."""
    return [
        {
            "src": url_for("static", filename=f"screenshots/home-{current_language()}-{form}.png"),
            "sizes": size,
            "type": "image/png",
            "form_factor": form,
            "label": _("KneeAid's home page: the emergency signs, the call button and the first-aid timer"),
        }
        for form, size in SCREENSHOTS.items()
    ]


@bp.route(LANGUAGE_PREFIX + "/manifest.webmanifest")
def manifest():
    home = url_for("guide.home")
    manifest = {
        # One app whichever language it was installed from (the id is not the start page).
        "id": "/",
        "name": _("KneeAid: first aid for a sore knee"),
        "short_name": _("KneeAid"),
        "description": _(
            "First aid for knees that hurt during or after exercise: "
            "cold and elevation timer, symptom check, when to see a doctor."
        ),
        "lang": current_language(),
        "dir": "ltr",
        "start_url": home,
        # The scope is the whole site, not just this language, so that switching
        # language inside the installed app stays inside the app.
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["health", "medical", "sports"],
        "icons": [
            _icon("icon-192.png", 192),
            _icon("icon-512.png", 512),
            _icon("icon-maskable-512.png", 512, purpose="maskable"),
        ],
        "screenshots": _screenshots(),
        "shortcuts": _shortcuts(),
    }
    response = current_app.json.response(manifest)
    response.mimetype = "application/manifest+json"
    return response


def _shortcuts():
    return [
        {
            "name": _("First-aid timer"),
            "short_name": _("Timer"),
            "url": url_for("timer.page"),
            "icons": [_icon("shortcut-timer-96.png", 96)],
        },
        {
            "name": _("Symptom check"),
            "short_name": _("Check"),
            "url": url_for("check.page"),
            "icons": [_icon("shortcut-check-96.png", 96)],
        },
    ]


def init_app(app):
    app.url_defaults(_version_static_urls)
    app.register_blueprint(bp)
