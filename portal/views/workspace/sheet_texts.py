"""The translated texts of metadata sheets: each problem code of :mod:`ingest.batches`
(whose English the library keeps for the CLI), what a row will become, the columns'
names and help, and the template's instructions.

A problem's params fill named placeholders; a test checks that every code the library
can give has its text here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ingest import batches, sheet_template, sheets

PROBLEMS = {
    # the file
    "too_large": _l("The sheet has %(size)d bytes, more than the limit of %(max)d."),
    "empty": _l("The sheet is empty."),
    "not_utf8": _l(
        "The sheet cannot be read as a UTF-8 CSV (byte %(offset)d is not UTF-8): save it as "
        "“CSV UTF-8” or as an Excel workbook (.xlsx)."
    ),
    "utf16": _l(
        "The sheet is UTF-16 text: save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
    ),
    "xls": _l("This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or as CSV."),
    "not_sheet": _l("This is neither a CSV text file nor an Excel workbook (.xlsx)."),
    "not_xlsx": _l("This file cannot be read as an Excel workbook (.xlsx): %(reason)s"),
    "xlsx_bomb": _l("This workbook would unpack to more than %(max)d bytes: it is refused."),
    "bad_csv": _l("Row %(row)d cannot be read as CSV: %(reason)s"),
    "no_header": _l(
        "No column of the first row is one we know: the first row must name the columns "
        "(%(columns)s)."
    ),
    "too_many_rows": _l("The sheet has more than %(max)d rows: split it into several batches."),
    # the header
    "no_rows": _l("The sheet has no rows below its header."),
    "header_unknown": _l("Column “%(value)s” is not one we know: it is ignored."),
    "header_repeated": _l("Column “%(value)s” is given twice (also as “%(other)s”)."),
    "no_title_column": _l("The sheet has no title column."),
    # the cells
    "title_missing": _l("The title is empty."),
    "type_unknown": _l("Type “%(value)s” is not one of %(types)s."),
    "language_unknown": _l(
        "“%(value)s” is not a language we know (give an ISO 639-3 code such as ind, msa, "
        "jav, bjn or a language name)."
    ),
    "language_close": _l("“%(value)s” is not a language we know: did you mean %(close)s?"),
    "date_unread": _l("The date “%(value)s” is not read as a year: it is kept as written."),
    "too_long": _l("The cell has %(size)d characters, more than %(max)d."),
    "local_id_repeated": _l("local_id “%(value)s” is also on row %(other)d."),
    "file_repeated": _l("File “%(value)s” is also named on row %(other)d."),
    "files_missing": _l("No file names."),
    "record_files_missing": _l("Name the files to add to record “%(value)s”."),
    "record_metadata_ignored": _l(
        "Scans are added to an existing record: its description is kept, this column is ignored."
    ),
    "record_and_local_id": _l("Give either record or local_id, not both."),
    # the batch
    "record_unknown": _l("There is no record “%(value)s” of this partner."),
    "file_not_uploaded": _l("“%(value)s” is not among the files uploaded to this batch."),
    "file_rejected": _l("“%(value)s” was refused: %(reason)s"),
    "file_receiving": _l("“%(value)s” is still being uploaded."),
    "file_kept": _l(
        "“%(value)s” is attached to this record already and was not uploaded again: it is "
        "kept as it is."
    ),
    "file_attached": _l(
        "A file named “%(value)s” is attached to this record already: it is added only if "
        "its content differs."
    ),
    "upload_unnamed": _l(
        "“%(value)s” was uploaded but no row names it: it will not be catalogued."
    ),
    "upload_receiving": _l("“%(value)s” is still being uploaded: it will not be catalogued."),
    "nothing": _l("The batch has no sheet and no uploaded file."),
    "closed": _l("This batch was confirmed already."),
    "changed": _l("The batch changed while it was being confirmed: look at the preview again."),
}
"""Every problem code with its translated text (named placeholders from its params)."""

ACTIONS = {
    batches.NEW: _l("New draft record"),
    batches.UPDATE: _l("Update of record %(record)s"),
    batches.UNCHANGED: _l("Record %(record)s, unchanged"),
    batches.SCANS: _l("Scans added to record %(record)s"),
    "": _l("Not catalogued: fix its errors"),
}
"""What a row will become (``%(record)s``: the existing record's number)."""

COLUMN_HELP = {
    "local_id": _l(
        "Your own identifier of the item (inventory or accession number). Send the same "
        "sheet again later and the records with these identifiers are updated, not added "
        "again."
    ),
    "record": _l(
        "To add scans to a record already in the catalogue (a harvested one too): its "
        "number or OAI identifier. Leave the other columns empty on such a row."
    ),
    "files": _l(
        "The names of the uploaded files of the item, in page order, separated by ; or |. "
        "Empty: a description without scans."
    ),
    "title": _l("The title (required)."),
    "creator": _l("Authors or creators, separated by ;"),
    "date": _l("The date as written (1923, 1890-an, abad ke-19, 1950-1955…)."),
    "language": _l(
        "Languages: ISO 639-3 codes or names (ind, msa, jav, bjn, iba…), separated by ;. "
        "Empty: the batch's language."
    ),
    "type": _l(
        "book, manuscript, newspaper, periodical, map, image, text… (or buku, naskah, peta)."
    ),
    "subjects": _l("Subjects, separated by ;"),
    "places": _l("Places the item is about, separated by ;"),
    "publisher": _l("Publisher(s), separated by ;"),
    "extent": _l("Physical description: pages, size."),
    "shelfmark": _l("Shelfmark or call number."),
    "rights": _l("Rights or licence (CC BY 4.0, a rightsstatements.org URI…)."),
    "description": _l("A free description."),
}


def problem_text(code: str, params: dict[str, Any]) -> str:
    """A problem's translated text (the English of the library when a code is new)."""
    template = PROBLEMS.get(code)
    if template is None:
        return batches.ALL_MESSAGES.get(code, code) % params
    return str(template) % params


def column_label(name: str, language: str) -> str:
    """A column's header as the template of ``language`` writes it (a header we do not
    know as written)."""
    for column in sheets.COLUMNS:
        if column.name == name:
            return column.headers.get(language, name)
    return name


def template_texts() -> sheet_template.TemplateTexts:
    """The template's texts in the current interface language."""
    return sheet_template.TemplateTexts(
        items_sheet=_("Items"),
        help_sheet=_("Instructions"),
        instructions=(
            _("One row per item. Keep the first row: it names the columns."),
            _(
                "Replace the example row with your own. A row may describe an item "
                "without scans (metadata only) or name its uploaded files."
            ),
            _("Several values in one cell are separated by a semicolon (;) or a vertical bar (|)."),
            _(
                "Upload the sheet with the scans of the batch. The preview shows every "
                "row as it will be catalogued and every error with its row and column; "
                "nothing is stored until you confirm. The records start as drafts."
            ),
            _("Save as an Excel workbook (.xlsx) or as CSV UTF-8 (comma or semicolon)."),
        ),
        column_help={name: str(text) for name, text in COLUMN_HELP.items()},
        column_label=_("Column"),
        help_label=_("What to write"),
    )
