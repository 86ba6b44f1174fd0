"""Harvested rights text to a statement URI: :func:`map_rights`.

A partner's ``dc:rights`` (or MODS ``accessCondition``, MARC 540) is free text: a URL,
a phrase in English, Indonesian or Malay, or both. :func:`map_rights` gives the
canonical URI of :mod:`catalog.rights`'s vocabulary only where the text names one
statement unambiguously; two different candidates, a version-less "CC BY" or a licence
outside the vocabulary give None (the text is still shown as it is).
"""

from __future__ import annotations

import re

from catalog.rights import RIGHTSSTATEMENTS, STATEMENTS, by_code, statement, uris_in

# --- free text -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\n;|()\[\]]|\.(?:\s|$)")
_PUNCTUATION = re.compile(r"[-‐‑‒–—_/:,*()\"'“”‘’«»]+")


def _phrase(text: str) -> str:
    """``text`` as a phrase key: casefolded, dashes and quotes as spaces, one space."""
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split()).strip(" .!")


OTHER = "other"
"""The candidate of a text naming a statement outside the vocabulary (CC BY 3.0)."""

_PHRASES: dict[str, str] = {}


def _add(uri_or_code: str, *phrases: str) -> None:
    target = statement(uri_or_code) or by_code(uri_or_code)
    value = target.uri if target else OTHER
    for phrase in phrases:
        _PHRASES[_phrase(phrase)] = value


for _s in STATEMENTS:  # every label and code, in every language
    _add(_s.uri, _s.code, *_s.labels.values())
    if _s.family == RIGHTSSTATEMENTS:
        _add(_s.uri, f"rightsstatements {_s.code}", f"rightsstatements.org {_s.code}")
_add(
    "PDM 1.0",
    "Public domain",
    "In the public domain",
    "Public Domain Mark",
    "PDM",
    "Domain publik",
    "Domain awam",
    "Ranah publik",
)
_add(
    "CC0 1.0",
    "CC0",
    "CC0 1.0 Universal",
    "CC Zero",
    "Creative Commons Zero",
    "Creative Commons Zero v1.0 Universal",
    "CC0 1.0 Universal Public Domain Dedication",
    "Public Domain Dedication",
    "No rights reserved",
)
_add(
    "InC",
    "Copyright",
    "Copyrighted",
    "All rights reserved",
    "Copyright reserved",
    "Hak cipta",
    "Hak cipta dilindungi",
    "Hak cipta dilindungi undang undang",
    "Hak cipta dilindungi oleh undang undang",
    "Semua hak dilindungi",
    "Hak cipta terpelihara",
    "Semua hak terpelihara",
    "Hak cipta terpelihara sepenuhnya",
)
_add("NKC", "No known copyright restrictions")
_add("CNE", "Copyright not evaluated", "Copyright status not evaluated")
_add("UND", "Copyright undetermined", "Copyright status undetermined")

_CC_ELEMENTS: dict[str, str] = {}
for _element, _words in {
    "by": ("by", "attribution", "atribusi", "pengiktirafan"),
    "sa": (
        "sa",
        "sharealike",
        "share alike",
        "berbagiserupa",
        "berbagi serupa",
        "perkongsianserupa",
        "perkongsian serupa",
        "kongsiserupa",
        "kongsi serupa",
    ),
    "nc": (
        "nc",
        "noncommercial",
        "non commercial",
        "nonkomersial",
        "non komersial",
        "bukankomersial",
        "bukan komersial",
        "bukankomersil",
        "bukan komersil",
    ),
    "nd": (
        "nd",
        "noderivatives",
        "no derivatives",
        "noderivs",
        "no derivs",
        "no derivative works",
        "tanpaturunan",
        "tanpa turunan",
        "tanpaterbitan",
        "tanpa terbitan",
        "tiadaterbitan",
        "tiada terbitan",
    ),
}.items():
    for _word in _words:
        _CC_ELEMENTS[_word] = _element

_CC_PREFIX = re.compile(r"^(?:(?:license|licence|lisensi|lesen)\s+)?(?:creative\s+commons|cc)\s+")
_CC_SUFFIX = re.compile(
    r"\s+v?(?P<version>\d+\.\d+)"
    r"(?:\s+(?:international|internasional|antarabangsa|generic|unported|universal))?"
    r"(?:\s+(?:public\s+)?(?:license|licence|lisensi|lesen))?$"
)
_CC_ORDER = ("by", "nc", "nd", "sa")


def _cc_phrase(phrase: str) -> str | None:
    """The canonical URI (in the vocabulary or not) of a CC licence named in words
    ("creative commons attribution non commercial 4.0 international", "cc by nc 4.0"),
    or None when ``phrase`` is not a CC licence name with a version."""
    head = _CC_PREFIX.match(phrase)
    tail = _CC_SUFFIX.search(phrase)
    if not head or not tail or tail.start() < head.end():
        return None
    words = phrase[head.end() : tail.start()].split()
    elements: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            element = _CC_ELEMENTS.get(" ".join(words[i : i + size]))
            if element:
                elements.append(element)
                i += size
                break
        else:
            return None
    if not elements or elements[0] != "by" or len(set(elements)) != len(elements):
        return None
    if "sa" in elements and "nd" in elements:
        return None
    tool = "-".join(e for e in _CC_ORDER if e in elements)
    return f"https://creativecommons.org/licenses/{tool}/{tail['version']}/"


def _candidate(segment: str) -> str | None:
    """What one segment of a rights text names: a vocabulary URI, :data:`OTHER`, or
    None when it is not a known phrase."""
    phrase = _phrase(segment)
    if not phrase:
        return None
    known = _PHRASES.get(phrase)
    if known:
        return known
    cc = _cc_phrase(phrase)
    if cc:
        return cc if statement(cc) else OTHER
    return None


def map_rights(text: str | None) -> str | None:
    """The canonical URI a free-text rights value states unambiguously, or None.

    A rightsstatements.org or Creative Commons URL anywhere in the text counts; so does
    a part of the text (split at sentences, semicolons, lines and parentheses) that is
    exactly a known phrase: a statement's code or label in English, Indonesian or Malay
    ("CC BY 4.0", "Creative Commons Attribution 4.0 International", "In Copyright",
    "Hak cipta dilindungi", "Domain publik", "Public domain"). Other parts (a holder's
    name, "for research only") are ignored. The answer is None when nothing is found,
    when the parts name two different statements, or when what they name is outside
    the vocabulary (a CC 3.0 licence) — and a version-less "CC BY" names nothing.
    """
    if not text:
        return None
    found, rest = uris_in(text)
    for segment in (rest, *_SEPARATORS.split(rest)):
        candidate = _candidate(segment)
        if candidate:
            found.add(candidate)
    if len(found) != 1:
        return None
    (only,) = found
    return only if statement(only) else None
