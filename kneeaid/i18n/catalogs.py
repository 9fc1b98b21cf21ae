"""The catalogs: compiled when missing or older than their .po, and the
``flask translate`` commands (extract, update, init, compile) so nobody needs
to remember pybabel's flags."""

import os
import tempfile
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..extensions import PROJECT_ROOT


def compile_catalogs(translations_dir: Path):
    """Compile every .po whose .mo is missing or older, so a fresh clone
    shows Russian without a manual step."""
    for po_path in translations_dir.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        # A name of its own: app processes starting together (test workers, a server's
        # workers) each compile, and the last whole file wins.
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, prefix=f".{mo_path.name}.", delete=False) as mo_file:
            write_mo(mo_file, catalog)
        os.replace(mo_file.name, mo_path)


POT_FILE = PROJECT_ROOT / "messages.pot"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


def pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *map(str, args)])


def extract_messages(pot_file=POT_FILE):
    """Collect every translatable string of the code and templates."""
    pybabel(
        "extract",
        "-F",
        PROJECT_ROOT / "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        pot_file,
        PROJECT_ROOT,
    )


@click.group()
def translate():
    """Extract, update and compile the translation catalogs."""


@translate.command()
def extract():
    """Write messages.pot from the code and templates."""
    extract_messages()


CATALOG_WIDTH = 100  # the line width the catalogs are written in


def _without_creation_date(text):
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


@translate.command()
def update():
    """Extract, then merge new strings into every language's catalog. A
    catalog whose strings did not change is left as it was (no new date)."""
    before = {po: po.read_text(encoding="utf-8") for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po")}
    extract_messages(POT_FILE)
    pybabel(
        "update",
        "-i",
        POT_FILE,
        "-d",
        TRANSLATIONS_DIR,
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "-w",
        CATALOG_WIDTH,
    )
    POT_FILE.unlink()
    for po, text in before.items():
        if _without_creation_date(po.read_text(encoding="utf-8")) == _without_creation_date(text):
            po.write_text(text, encoding="utf-8")


@translate.command()
@click.argument("lang")
def init(lang):
    """Start a catalog for a new language (see docs/translations.md)."""
    extract_messages()
    pybabel("init", "-i", POT_FILE, "-d", TRANSLATIONS_DIR, "-l", lang)
    POT_FILE.unlink()


@translate.command(name="compile")
def compile_command():
    """Compile every catalog to its binary form."""
    pybabel("compile", "-d", TRANSLATIONS_DIR)
