"""Normalising incoming values: languages to ISO 639-3, dates to year ranges, types.

Pure functions; each returns None (or an empty result) for what it cannot read, so the
caller can flag the record instead of guessing. Every intake (a harvest's mappings, a
CSV sheet) goes through them by way of :func:`catalog.records.normalised_record`.
"""

from __future__ import annotations

import functools
import re

import pycountry

from catalog.models import RECORD_TYPES

# ISO 639-1, ISO 639-2/B and names (English, Indonesian, Malay) → ISO 639-3.
_LANGUAGES = {
    "ind": (
        "id",
        "in",
        "ind",
        "indonesian",
        "indonesia",
        "bahasa indonesia",
        "b. indonesia",
        "indonesisch",
        "indonésien",
        "bhs. indonesia",
        "bhs indonesia",
    ),
    "msa": (
        "ms",
        "may",
        "msa",
        "zsm",
        "malay",
        "melayu",
        "bahasa melayu",
        "bahasa malaysia",
        "malaysia",
        "b. melayu",
        "jawi",
        "malay (macrolanguage)",
        "standard malay",
    ),
    "eng": ("en", "eng", "english", "inggris", "bahasa inggris", "inggeris", "bahasa inggeris"),
    "nld": ("nl", "dut", "nld", "dutch", "belanda", "bahasa belanda", "nederlands"),
    "jav": ("jv", "jav", "javanese", "jawa", "bahasa jawa"),
    "sun": ("su", "sun", "sundanese", "sunda", "bahasa sunda"),
    "min": ("min", "minangkabau", "bahasa minangkabau", "minang"),
    "ban": ("ban", "balinese", "bali", "bahasa bali"),
    "bjn": ("bjn", "banjar", "banjarese", "bahasa banjar"),
    "iba": ("iba", "iban", "bahasa iban"),
    "bug": ("bug", "buginese", "bugis", "bahasa bugis"),
    "ara": ("ar", "ara", "arabic", "arab", "bahasa arab"),
    "zho": ("zh", "chi", "zho", "chinese", "cina", "tionghoa", "mandarin", "bahasa cina"),
    "deu": ("de", "ger", "deu", "german", "jerman", "deutsch"),
    "fra": ("fr", "fre", "fra", "french", "perancis", "prancis", "français"),
    "por": ("pt", "por", "portuguese", "portugis"),
    "jpn": ("ja", "jpn", "japanese", "jepang", "jepun"),
    "tam": ("ta", "tam", "tamil"),
    "spa": ("es", "spa", "spanish", "spanyol", "sepanyol"),
}
LANGUAGE_CODES = {name: code for code, names in _LANGUAGES.items() for name in names}
_WS = re.compile(r"\s+")


_TAGGED = re.compile(r"[a-z]{2,3}-[a-z0-9-]+")


@functools.lru_cache(maxsize=4096)
def language(value: str) -> str | None:
    """An ISO 639-3 code for a code or a name (``id``, ``may``, ``Bahasa Indonesia``…).

    Local names and the ISO 639-1/639-2 codes partners use come from the table above;
    any other code or English name is looked up in ISO 639-3 (``kxd`` Brunei Malay,
    ``mel`` Central Melanau…) and ISO 639-2/B. Memoised: feeds repeat a few values.
    """
    key = _WS.sub(" ", value.strip().lower().replace("_", "-"))
    key = key.split("-")[0] if _TAGGED.fullmatch(key) else key
    if key in LANGUAGE_CODES:
        return LANGUAGE_CODES[key]
    return _iso639(key)


@functools.lru_cache(maxsize=1024)
def _iso639(key: str) -> str | None:
    if re.fullmatch(r"[a-z]{2}", key):
        found = pycountry.languages.get(alpha_2=key)
    elif re.fullmatch(r"[a-z]{3}", key):
        found = pycountry.languages.get(alpha_3=key) or pycountry.languages.get(bibliographic=key)
    else:
        found = pycountry.languages.get(name=key)
    return getattr(found, "alpha_3", None)


_SCRIPT = re.compile(r"[a-z]{4}")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")


@functools.lru_cache(maxsize=1024)
def language_tag(value: str | None) -> str | None:
    """The BCP 47 tag for a stored language value, for ``lang``/``xml:lang``/``hreflang``.

    The primary subtag is the shortest form: an ISO 639-3 or 639-2 code (or a name
    :func:`language` reads) with an ISO 639-1 equivalent becomes it (``ind`` → ``id``,
    ``msa``/``may`` → ``ms``, ``eng`` → ``en``); one without stays three letters (``iba``,
    ``zsm``, ``ban``), which BCP 47 allows. Script and region subtags that follow are kept
    in their canonical case (``ms-arab`` → ``ms-Arab``, ``en_gb`` → ``en-GB``); any other
    subtag is dropped. None for what is not a language (garbage, ``und``): the caller then
    writes no attribute rather than an invalid one.
    """
    if not value:
        return None
    parts = value.strip().lower().replace("_", "-").split("-")
    code = language(parts[0]) if len(parts) > 1 else language(value)
    if code is None or code == "und":
        return None
    found = pycountry.languages.get(alpha_3=code)
    tag = [getattr(found, "alpha_2", None) or code]
    rest = parts[1:] if len(parts) > 1 else []
    if rest and _SCRIPT.fullmatch(rest[0]):
        tag.append(rest.pop(0).title())
    if rest and _REGION.fullmatch(rest[0]):
        tag.append(rest.pop(0).upper())
    return "-".join(tag)


_LANGUAGE_SEPARATORS = re.compile(r"[;,/]| dan | and ")


def languages(values) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Distinct ISO 639-3 codes in order, and the values that could not be read."""
    if not isinstance(values, (list, tuple)):
        values = list(values)
    if not values:
        return (), ()
    if len(values) == 1:
        return _languages_of(values[0] or "")
    codes: list[str] = []
    unknown: list[str] = []
    for raw in values:
        found, missing = _languages_of(raw or "")
        codes.extend(c for c in found if c not in codes)
        unknown.extend(missing)
    return tuple(codes), tuple(unknown)


@functools.lru_cache(maxsize=4096)
def _languages_of(raw: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes: list[str] = []
    unknown: list[str] = []
    for part in _LANGUAGE_SEPARATORS.split(raw):
        part = part.strip()
        if not part:
            continue
        code = language(part)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return tuple(codes), tuple(unknown)


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
