"""The kinds of diary entry, one row each: a module per kind holds everything the
diary knows of it, so a new kind is a new module here, its template and its
lines in the diary's script (docs/entry-kinds.md). A kind's module has:

- NAME, the entry's ``kind``; LABEL, what the diary calls one; REQUIRED and
  OPTIONAL, its fields;
- validate(entry, where, now), raising fields.BadEntry on the first problem;
- as_noted(entry), the entry as the person noted it (an older form read anew);
- CSV_COLUMNS and csv_cells(entry), its own columns of the CSV export;
- fhir_resource(entry, subject, base_url, describe), its FHIR resource;
- MOST_LISTED, how many of a period the summary lists; EDITABLE, whether the
  diary's form edits it.

How the diary lists one is templates/diary/kinds/_<NAME>.html. The diary's
script shows one still waiting to be sent by its LABEL, or by its own line in
DESCRIBE (static/js/diary.js) where it says more (a pain score)."""

from . import check, doctor_visit, pain, session, workout

KINDS = {kind.NAME: kind for kind in (pain, session, check, workout, doctor_visit)}


def as_noted(entry):
    """An entry as the person noted it, whatever its kind."""
    return KINDS[entry["kind"]].as_noted(entry)
