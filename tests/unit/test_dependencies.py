"""The dependencies are declared in pyproject.toml and pinned, with what they need, in the
requirements files the scripts install: the two must never disagree."""

import re
import tomllib

from kneeaid.extensions import PROJECT_ROOT


def pins(requirements_file):
    """{normalised name: version} of a requirements file and the files it includes (-r)."""
    found = {}
    for line in (PROJECT_ROOT / requirements_file).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found.update(pins(line[3:].strip()))
        elif line:
            name, version = line.split("==")
            found[normalised(name)] = version
    return found


def normalised(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements):
    return {normalised(name): version for name, version in (line.split("==") for line in requirements)}


PROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_dependency_the_app_declares_is_pinned_the_same_in_requirements_txt():
    app, installed = declared(PROJECT["dependencies"]), pins("requirements.txt")
    assert len(app) >= 10
    assert {name: installed.get(name) for name in app} == app


def test_every_dependency_the_tests_declare_is_pinned_the_same_in_requirements_test_txt():
    tests, installed = declared(PROJECT["optional-dependencies"]["test"]), pins("requirements-test.txt")
    assert len(tests) >= 5
    assert {name: installed.get(name) for name in tests} == tests
    assert set(pins("requirements.txt").items()) <= set(installed.items()), "the test run installs the app's pins"
