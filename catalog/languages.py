"""Languages of incoming values: names and ISO 639 codes to ISO 639-3, and the BCP-47
tag a page shows for a stored code.

Pure functions; each returns None (or an empty result) for what it cannot read, so the
caller can flag the record instead of guessing. Intake reaches them by way of
:func:`catalog.records.normalised_record`.
"""

from __future__ import annotations

import difflib
import functools
import re

import pycountry

from catalog.errors import InvalidInput

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


def iso639_3(value: str | None) -> str:
    """The ISO 639-3 code a user typed for a record's or a batch's language, or InvalidInput.

    Accepts what :func:`language` reads — any ISO 639-3 code (``bjn`` Banjar, ``iba``
    Iban, ``jav``, ``sun``, ``min``, ``ban``…), ISO 639-1/639-2 codes and the English,
    Indonesian and Malay names of the table above — and returns the code. Anything else
    raises :class:`~catalog.errors.InvalidInput` whose message names the wrong value and
    up to three close languages; ``fields`` carry ``field="language"``, ``value`` and
    ``suggestions`` (codes), so a form or a sheet preview can word its own message.
    """
    raw = (value or "").strip()
    if not raw:
        raise InvalidInput("no language given: use an ISO 639-3 code", field="language", value="")
    code = language(raw)
    if code is not None:
        return code
    close = close_languages(raw)
    hint = "; did you mean " + ", ".join(f"{c} ({language_name(c)})" for c in close) + "?"
    raise InvalidInput(
        f"{raw[:60]!r} is not an ISO 639-3 language code or a language name we know"
        + (hint if close else ""),
        field="language",
        value=raw[:60],
        suggestions=",".join(close),
    )


def language_name(code: str) -> str:
    """The English name of an ISO 639-3 code (``bjn`` → ``Banjar``), or the code itself."""
    found = pycountry.languages.get(alpha_3=code)
    return getattr(found, "name", code)


@functools.lru_cache(maxsize=1)
def _known_names() -> dict[str, str]:
    """Every name and code users may type → its ISO 639-3 code: the table above first,
    then ISO 639-3 names (living, individual and macro languages)."""
    known = dict(LANGUAGE_CODES)
    for found in pycountry.languages:
        known.setdefault(found.name.lower(), found.alpha_3)
    return known


@functools.lru_cache(maxsize=256)
def close_languages(value: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` ISO 639-3 codes close to a value that is not a language.

    The region's languages and the names partners write (the table above) come first,
    then ISO 639-3 names; bare three-letter codes are only compared with ISO 639-3 codes
    when nothing closer is found, since most letter triples are some code's neighbour.
    """
    key = _WS.sub(" ", value.strip().lower())
    codes: list[str] = []
    for pool in (LANGUAGE_CODES, _known_names()):
        for match in difflib.get_close_matches(key, pool, n=limit * 3, cutoff=0.6):
            if pool[match] not in codes:
                codes.append(pool[match])
        if len(codes) >= limit:
            break
    if not codes and re.fullmatch(r"[a-z]{3}", key):
        triples = [found.alpha_3 for found in pycountry.languages]
        codes = difflib.get_close_matches(key, triples, n=limit, cutoff=0.6)
    return tuple(codes[:limit])
