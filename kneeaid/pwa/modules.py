"""The scripts are ES modules (static/js): the import map that sends each
module's plain address to its versioned URL, and the modules a page preloads.

Modules import each other by their plain address (``import … from
"./shell.js"``); the page's import map turns it into ``/static/js/shell.js?v=…``,
so a changed file gets a new URL as every other static file does. The import
map is the pages' one inline script: the Content-Security-Policy allows it by
its hash (kneeaid/web/headers.py), and nothing else inline.
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, url_for

from ..web.headers import INLINE_SCRIPT_HASHES

SCRIPTS = "js"  # the modules' folder, under the static folder
ENTRY = "main.js"  # what every page runs; a page's own script (base.html's page_script) comes beside it
STATIC_IMPORT = re.compile(r'(?:\bfrom\s*|^import\s*)"\./([\w-]+\.js)"', re.MULTILINE)


@dataclass(frozen=True)
class ScriptModules:
    import_map: str  # the text of <script type="importmap">
    csp_hash: str  # the import map's hash, as script-src takes it
    urls: dict  # module file name -> its versioned URL
    imports: dict  # module file name -> the modules it imports (static imports)
    _preloads: dict = field(default_factory=dict, compare=False)

    def preloads(self, page_script=None):
        """The versioned URLs of every module the page runs (main.js's and its own
        script's, with what they import), imports first: the browser fetches them
        all at once rather than one import after another."""
        if page_script not in self._preloads:
            wanted = [ENTRY, *([f"{page_script}.js"] if page_script else [])]
            self._preloads[page_script] = [self.urls[name] for name in self._with_imports(wanted)]
        return self._preloads[page_script]

    def _with_imports(self, names):
        ordered = []
        for name in names:
            for needed in [*self._with_imports(self.imports[name]), name]:
                if needed not in ordered:
                    ordered.append(needed)
        return ordered


def build(app):
    folder = Path(app.static_folder, SCRIPTS)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.js"))}
    with app.test_request_context():
        urls = {name: url_for("static", filename=f"{SCRIPTS}/{name}") for name in texts}
        plain = {name: url_for("static", filename=f"{SCRIPTS}/{name}", v=None) for name in texts}
    import_map = json.dumps({"imports": {plain[name]: urls[name] for name in texts}}, separators=(",", ":"))
    digest = base64.b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    return ScriptModules(
        import_map=import_map,
        csp_hash=f"'sha256-{digest}'",
        urls=urls,
        imports={name: STATIC_IMPORT.findall(text) for name, text in texts.items()},
    )


def script_modules(app):
    """The modules' map, built once (on every use in debug mode, where files change)."""
    if app.debug or "kneeaid.script_modules" not in app.extensions:
        app.extensions["kneeaid.script_modules"] = build(app)
    return app.extensions["kneeaid.script_modules"]


def _template_helpers():
    return {"script_modules": script_modules(current_app._get_current_object())}


def init_app(app):
    app.context_processor(_template_helpers)
    app.extensions[INLINE_SCRIPT_HASHES] = lambda: (script_modules(app).csp_hash,)
