"""The columns of a metadata sheet and the headers that name them (English, Indonesian,
Malay; any case, spaces or underscores). See :mod:`ingest.sheets`."""

from __future__ import annotations

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class Column:
    """A column we know: its name, its header in each interface language (what the
    template writes), other headers accepted, and whether a cell holds several values
    (separated by ``;`` or ``|``)."""

    name: str
    headers: dict[str, str]
    aliases: tuple[str, ...] = ()
    multi: bool = False


def _column(name: str, en: str, id_: str, ms: str, *aliases: str, multi: bool = False):
    return Column(name, {"en": en, "id": id_, "ms": ms}, aliases, multi)


COLUMNS: tuple[Column, ...] = (
    _column("local_id", "local_id", "id_lokal", "id_tempatan", "localid", "local_identifier"),
    _column(
        "record",
        "record",
        "cantuman",
        "rekod",
        "record_id",
        "rekaman",
        "oai_identifier",
        "id_cantuman",
        "id_rekod",
    ),
    _column(
        "files",
        "files",
        "berkas",
        "fail",
        "file",
        "filename",
        "filenames",
        "file_names",
        "nama_berkas",
        "nama_fail",
        "scans",
        "pindaian",
        multi=True,
    ),
    _column("title", "title", "judul", "tajuk", "titles"),
    _column(
        "creator",
        "creator",
        "pengarang",
        "pengarang",
        "creators",
        "author",
        "authors",
        "pencipta",
        multi=True,
    ),
    _column("date", "date", "tanggal", "tarikh", "year", "tahun"),
    _column("language", "language", "bahasa", "bahasa", "languages", multi=True),
    _column("type", "type", "jenis", "jenis", "format"),
    _column("subjects", "subjects", "subjek", "subjek", "subject", "topik", "topics", multi=True),
    _column("places", "places", "tempat", "tempat", "place", "lokasi", "coverage", multi=True),
    _column("publisher", "publisher", "penerbit", "penerbit", "publishers", multi=True),
    _column(
        "extent",
        "extent",
        "deskripsi_fisik",
        "perihalan_fizikal",
        "ukuran",
        "jumlah_halaman",
        "physical_description",
    ),
    _column(
        "shelfmark",
        "shelfmark",
        "nomor_panggil",
        "nombor_panggilan",
        "call_number",
        "no_panggil",
        "nomor_rak",
        "no_panggilan",
    ),
    _column("rights", "rights", "hak", "hak", "hak_cipta", "license", "lisensi", "lesen"),
    _column(
        "description",
        "description",
        "deskripsi",
        "keterangan",
        "huraian",
        "catatan",
        "notes",
        "abstract",
    ),
)
"""The columns of a metadata sheet, in the template's order."""

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
MULTI = frozenset(c.name for c in COLUMNS if c.multi)
LANGUAGES = ("en", "id", "ms")
SEPARATORS = (",", ";", "\t")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.name, *_c.headers.values(), *_c.aliases):
        _HEADERS.setdefault(_NON_WORD.sub("_", _h.casefold()).strip("_"), _c.name)


def header_name(text: str) -> str | None:
    """The column a header names (any language, case, spacing), or None."""
    return _HEADERS.get(_NON_WORD.sub("_", text.casefold()).strip("_"))
