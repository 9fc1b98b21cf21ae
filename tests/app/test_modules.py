"""The scripts as ES modules: every import is explicit and resolves, through the
page's import map, to a versioned URL; each page's own script starts through main.js."""

import json
import re

from kneeaid.extensions import PROJECT_ROOT

SCRIPTS = PROJECT_ROOT / "static" / "js"
IMPORT = re.compile(r'(?:\bfrom\s*|^import\s*|\bimport\(\s*)"([^"]+)"', re.MULTILINE)


def import_map_of(page):
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', page).group(1))["imports"]


def modules():
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(SCRIPTS.glob("*.js"))}


def test_the_import_map_sends_every_module_to_its_versioned_file(client):
    imports = import_map_of(client.get("/en/").get_data(as_text=True))
    assert sorted(imports) == [f"/static/js/{name}" for name in modules()]
    for plain, versioned in imports.items():
        assert re.fullmatch(re.escape(plain) + r"\?v=[0-9a-f]{12}", versioned), versioned
        response = client.get(versioned)
        assert response.status_code == 200 and response.mimetype == "text/javascript", versioned
        assert response.get_data(as_text=True) == (SCRIPTS / plain.rsplit("/", 1)[1]).read_text(encoding="utf-8")


def test_every_import_names_a_module_beside_it(client):
    for name, text in modules().items():
        for imported in IMPORT.findall(text):
            assert re.fullmatch(r"\./[\w-]+\.js", imported), f"{name}: {imported} (a relative address the map knows)"
            assert (SCRIPTS / imported[2:]).is_file(), f"{name} imports {imported}"
        assert "window.KneeAid" not in text and "importScripts" not in text, name


def test_the_outbox_imports_nothing_for_the_service_worker_has_no_import_map(client):
    assert IMPORT.findall(modules()["outbox.js"]) == []
    worker = client.get("/sw.js").get_data(as_text=True)
    page = client.get("/en/").get_data(as_text=True)
    assert f"import * as outbox from {json.dumps(import_map_of(page)['/static/js/outbox.js'])};" in worker


def test_a_page_preloads_what_it_runs_imports_first(client):
    page = client.get("/en/check").get_data(as_text=True)
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/js/([\w-]+\.js)\?v=\w+">', page)
    assert set(preloaded) == {
        "main.js",
        "shell.js",
        "outbox.js",
        "timer-state.js",
        "alarm.js",
        "followup.js",
        "push.js",
        "install.js",
        "knee-log.js",
        "check.js",
        "triage.js",
    }
    assert len(preloaded) == len(set(preloaded))
    for name in preloaded:
        for imported in IMPORT.findall(modules()[name]):
            if imported[2:] in preloaded:
                assert preloaded.index(imported[2:]) < preloaded.index(name) or name == "main.js", (name, imported)
    home = client.get("/en/").get_data(as_text=True)
    home_preloads = re.findall(r'<link rel="modulepreload" href="/static/js/([\w-]+\.js)\?v=\w+">', home)
    assert set(preloaded) - set(home_preloads) == {"check.js", "triage.js"}, "a page preloads only its own script"


def test_each_page_script_is_one_main_js_starts(client, page_urls):
    """A template names its page's own script (page_script); main.js knows each such script,
    and each registers its start() under its own name."""
    templates = PROJECT_ROOT / "kneeaid" / "templates"
    named = {
        match
        for template in templates.rglob("*.html")
        for match in re.findall(r'\{% set page_script = "([\w-]+)" %\}', template.read_text(encoding="utf-8"))
    }
    known = set(re.findall(r'^  ([\w-]+): \(\) => import\("\./\1\.js"\),$', modules()["main.js"], re.MULTILINE))
    assert named == known == {"check", "diary", "heat", "summary", "timer", "train"}
    for script in known:
        assert f'onPage("{script}", start);' in modules()[f"{script}.js"], script
    for url in page_urls:
        page = client.get(url).get_data(as_text=True)
        script = re.search(r'<main id="main"[^>]*?(?: data-script="([\w-]+)")?>', page).group(1)
        loaded = re.findall(r'<script type="module" src="/static/js/([\w-]+)\.js\?v=\w+"></script>', page)
        assert loaded == ["main", *([script] if script else [])], url


def test_a_script_holds_no_word_of_its_own():
    """Every word a script shows comes from kneeaid/i18n/script_words.py, in the page's language:
    a string of two words or more in a script is a class list, a selector or a message for the console
    (an error caught and logged there)."""
    for name, text in modules().items():
        for number, line in enumerate(text.split("\n"), 1):
            code = "" if line.lstrip().startswith("//") else re.split(r"\s//\s", line)[0]
            if re.search(r"console\.\w+\(|new Error\(|querySelector|closest\(|className", code):
                continue
            for literal in re.findall(r'"([^"]*)"|`([^`]*)`', code):
                assert not re.search(r"[^\W\d_]{2,} [^\W\d_]{2,}", "".join(literal)), f"{name}:{number}: {literal}"


def words_on(client, url):
    page = client.get(url).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', page).group(1))[
        "words"
    ]


def test_each_page_gets_the_words_of_its_scripts_in_its_language(client, lang):
    for url, script in ((f"/{lang}/timer", "timer"), (f"/{lang}/diary", "diary"), (f"/{lang}/", None)):
        words = words_on(client, url)
        assert {"alarm", "followUp"} <= set(words), url
        assert ("minutesLeft" in words) == (script == "timer") and ("quoted" in words) == (script == "diary"), url
        cyrillic = bool(re.search("[а-я]", words["alarm"]["body"] + words["followUp"]["noPush"]))
        assert cyrillic == (lang == "ru"), url
