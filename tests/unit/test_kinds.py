"""The table of kinds (kneeaid/diary/kinds/): every kind of diary entry is one
module with every part the diary needs, and its template; the rest of the diary
reads the table, never a list of its own."""

import pytest

from kneeaid.diary import report
from kneeaid.diary.export import CSV_COLUMNS
from kneeaid.diary.kinds import KINDS
from kneeaid.extensions import PROJECT_ROOT

ROW = (
    "NAME",
    "LABEL",
    "REQUIRED",
    "OPTIONAL",
    "validate",
    "as_noted",
    "CSV_COLUMNS",
    "csv_cells",
    "fhir_resource",
    "MOST_LISTED",
    "EDITABLE",
)


def test_the_table_holds_the_five_kinds_by_their_names():
    assert list(KINDS) == ["pain", "session", "check", "workout", "doctor_visit"]
    assert all(kind.NAME == name for name, kind in KINDS.items())


@pytest.mark.parametrize("name", KINDS)
def test_a_kind_is_a_whole_row(name):
    kind = KINDS[name]
    assert [part for part in ROW if not hasattr(kind, part)] == []
    assert {"id", "kind"} <= kind.REQUIRED and not kind.REQUIRED & kind.OPTIONAL
    assert (PROJECT_ROOT / "kneeaid" / "templates" / "diary" / "kinds" / f"_{name}.html").is_file()


def test_the_exports_and_the_summary_read_the_table():
    assert CSV_COLUMNS[:5] == ("id", "kind", "at", "startedAt", "endedAt")
    assert [column for kind in KINDS.values() for column in kind.CSV_COLUMNS if column not in CSV_COLUMNS] == []
    assert report.MOST_LISTED == {name: kind.MOST_LISTED for name, kind in KINDS.items()}
