"""Normalising incoming values: dates to year ranges, types, URLs and text (languages:
:mod:`catalog.languages`).

Pure functions; each returns None (or an empty result) for what it cannot read, so the
caller can flag the record instead of guessing. Every intake (a harvest's mappings, a
CSV sheet) goes through them by way of :func:`catalog.records.normalised_record`.
"""

from __future__ import annotations

import functools
import re

from catalog.models import RECORD_TYPES

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text.upper()):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total or None


_NO_DATE = re.compile(
    r"^\[?\s*(s\.?\s*a\.?|s\.?\s*d\.?|t\.?\s*th\.?|n\.?\s*d\.?|tanpa tahun)\s*\]?$", re.IGNORECASE
)


def year_range(value: str | None) -> tuple[int, int] | None:
    """A year range for a free-text date, or None.

    Reads ``1920``, ``ca. 1920``, ``c1920``, ``[1920?]``, ``1920-an``, ``1920s``,
    ``[19--]``, ``[192-]``, ``192?``, ``1920-1925``, ``abad ke-19``, ``abad XIX``,
    ``19th century`` and ISO dates. Centuries span ``1800–1899`` for the 19th.
    """
    if not value:
        return None
    return _year_range(value)


@functools.lru_cache(maxsize=8192)
def _year_range(value: str) -> tuple[int, int] | None:
    text = value.strip()
    if not text or _NO_DATE.match(text):
        return None
    century = _century(text)
    if century:
        return century
    for reader in (_decade, _range, _partial, _year):
        found = reader(text)
        if found:
            return found
    return None


def _century(text: str) -> tuple[int, int] | None:
    match = re.search(r"abad\s*(?:ke)?[-\s]*(\d{1,2}|[IVXL]+)\b", text, re.IGNORECASE)
    if not match:
        match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\s*(?:century|cent\.|c\.)", text, re.I)
    if not match:
        return None
    token = match.group(1)
    number = int(token) if token.isdigit() else _roman(token)
    if not number or not 1 <= number <= 21:
        return None
    return (number - 1) * 100, (number - 1) * 100 + 99


def _decade(text: str) -> tuple[int, int] | None:
    match = re.search(r"\b(1[0-9]{2}|20[0-9])0\s*(?:-?\s*an|'?s)\b", text, re.IGNORECASE)
    if match:
        start = int(match.group(1)) * 10
        return start, start + 9
    return None


def _range(text: str) -> tuple[int, int] | None:
    match = re.search(r"\b(1[0-9]{3}|20[0-9]{2})\s*[-–/]\s*(1[0-9]{3}|20[0-9]{2})\b", text)
    if match and not re.search(r"\d{4}-\d{2}-\d{2}", text):
        start, end = int(match.group(1)), int(match.group(2))
        return (start, end) if start <= end else (end, start)
    return None


def _partial(text: str) -> tuple[int, int] | None:
    match = re.search(r"\b(1[0-9]|20)([0-9])?(?:-|\?|u|x){1,2}(?=[\]\s?.]|$)", text, re.I)
    if not match:
        return None
    digits = match.group(1) + (match.group(2) or "")
    span = 10 ** (4 - len(digits))
    start = int(digits) * span
    return start, start + span - 1


def _year(text: str) -> tuple[int, int] | None:
    match = re.search(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)", text)
    if match:
        year = int(match.group(1))
        return year, year
    return None


_TYPES = {
    "manuscript": (
        "manuscript",
        "manuskrip",
        "naskah",
        "naskah kuno",
        "hikayat manuscript",
        "mixed material",
        "handwritten",
    ),
    "newspaper": ("newspaper", "surat kabar", "suratkabar", "akhbar", "koran", "akhbar lama"),
    "periodical": (
        "periodical",
        "serial",
        "journal",
        "jurnal",
        "majalah",
        "magazine",
        "continuing",
        "berkala",
        "terbitan berkala",
    ),
    "map": ("map", "peta", "cartographic", "atlas"),
    "image": (
        "image",
        "stillimage",
        "still image",
        "photograph",
        "foto",
        "gambar",
        "picture",
        "poster",
        "postcard",
        "kartu pos",
        "lukisan",
        "painting",
    ),
    "audio": ("sound", "audio", "sound recording", "rekaman suara", "musik", "music"),
    "video": ("movingimage", "moving image", "video", "film"),
    "object": (
        "physicalobject",
        "physical object",
        "three dimensional object",
        "artefak",
        "artifact",
        "artefact",
        "objek",
        "object",
    ),
    "dataset": ("dataset", "data set", "software", "software, multimedia"),
    "book": (
        "book",
        "buku",
        "monograph",
        "monografi",
        "text/book",
        "thesis",
        "skripsi",
        "tesis",
        "disertasi",
        "buku teks",
    ),
    "text": (
        "text",
        "teks",
        "article",
        "artikel",
        "journal article",
        "report",
        "laporan",
        "preprint",
        "conference paper",
        "publication",
        "working paper",
    ),
}
TYPE_CODES = {name: code for code, names in _TYPES.items() for name in names}
assert set(TYPE_CODES.values()) <= set(RECORD_TYPES)


_TYPE_SPACE = re.compile(r"[\s_]+")
_TYPE_WORDS = re.compile(r"[;,:()\[\]]")


def record_type(values) -> str | None:
    """The catalogue type for the first value it recognises (DCMI, MODS, local words)."""
    for raw in values:
        found = _record_type(raw or "")
        if found:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def _record_type(raw: str) -> str | None:
    key = _TYPE_SPACE.sub(" ", raw.strip().lower())
    key = key.rsplit("/", 1)[-1] if key.startswith(("info:eu-repo", "http")) else key
    if key in TYPE_CODES:
        return TYPE_CODES[key]
    for word in _TYPE_WORDS.split(key):
        if word.strip() in TYPE_CODES:
            return TYPE_CODES[word.strip()]
    return None


SCAN_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".tif",
    ".tiff",
    ".jp2",
    ".j2k",
    ".pdf",
    ".gif",
    ".webp",
)


_URL = re.compile(r"https?://[^\s/]+", re.IGNORECASE)
_QUERY = re.compile(r"[?#]")


def is_url(value: str) -> bool:
    return _URL.match(value.strip()) is not None


def is_scan_url(value: str) -> bool:
    """True for an http(s) URL that names an image or a PDF by its path."""
    if not is_url(value):
        return False
    path = _QUERY.split(value.strip(), maxsplit=1)[0].lower()
    return path.endswith(SCAN_EXTENSIONS)


def tidy(value: str | None) -> str | None:
    """Collapse whitespace; None for empty strings.

    ``str.split()`` splits on exactly the characters ``\\s`` matches in a str pattern.
    """
    if value is None:
        return None
    return " ".join(value.split()) or None


def unique(values) -> tuple[str, ...]:
    """Tidied, non-empty values without repeats, in order."""
    seen: dict[str, None] = {}
    for value in values:
        if value is not None:
            value = " ".join(value.split())
            if value:
                seen[value] = None
    return tuple(seen)
