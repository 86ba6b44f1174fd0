"""Which Tesseract models read a page, chosen from its record's languages.

A record's (or batch's) languages are ISO 639-3 codes (:func:`catalog.languages.iso639_3`).
Each becomes a Tesseract model when one is installed for it:

- a language with a model of its own (Tesseract names its models by ISO 639-3 code:
  ``ind``, ``msa``, ``eng``, ``jav``, ``sun``, ``nld``…; individual Malay codes such as
  ``zsm``, ``zlm`` and Brunei Malay ``kxd`` use ``msa``) reads with it;
- a Latin-script language of the region without a model (Banjar ``bjn``, Iban ``iba``,
  Minangkabau ``min``, Balinese ``ban``, Buginese ``bug``… :data:`LATIN_REGIONAL`) — and
  ``jav``/``sun`` when their packs are not installed — reads with ``ind``: the same
  alphabet and many shared words;
- any other language (another script, or unknown) says nothing about the model.

When no language of the record chooses a model, the page takes the **default path**
(:attr:`Plan.reread`): it is read with ``settings.languages`` (``ind``), and read again
with ``settings.reread_languages`` (``eng+ind``) only when the first reading reads poorly
and looks like another language (:func:`ingest.reading.read_pages`). Pure functions: the
installed models are passed in (:func:`ingest.ocr.installed_models`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from catalog.languages import language

log = logging.getLogger(__name__)

OWN_MODEL = {"zsm": "msa", "zlm": "msa", "kxd": "msa", "zho": "chi_sim"}
"""Languages whose Tesseract model is not named by their own code."""

LATIN_REGIONAL = frozenset(
    {
        "ace",  # Acehnese
        "ban",  # Balinese
        "bbc",  # Batak Toba
        "bew",  # Betawi
        "bjn",  # Banjar
        "btx",  # Batak Karo
        "bug",  # Buginese
        "dtp",  # Kadazan Dusun
        "gor",  # Gorontalo
        "iba",  # Iban
        "jav",  # Javanese (when tesseract-ocr-jav is not installed)
        "mad",  # Madurese
        "mak",  # Makasar
        "mel",  # Central Melanau
        "min",  # Minangkabau
        "nij",  # Ngaju
        "rej",  # Rejang
        "sas",  # Sasak
        "sun",  # Sundanese (when tesseract-ocr-sun is not installed)
        "tet",  # Tetum
        "tsg",  # Tausug
    }
)
"""Languages of the region written in the Latin script, read with ``ind`` when no model
of their own is installed."""

FALLBACK = "ind"
DETECTED = ("ind", "msa", "eng")
"""The models that come before others in a language string, in this order (the order of
the earlier fixed ``ind+msa+eng``, so the cache keys of such records stay the same)."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """How the pages of a record are read: with ``models`` (a Tesseract language string),
    and on the default path again with ``reread`` when the first reading is unsure.

    ``key`` names the plan in the OCR cache key; pages with equal plans are read in one
    Tesseract process.
    """

    models: str
    reread: str | None = None

    @property
    def key(self) -> str:
        return f"{self.models}|{self.reread}" if self.reread else self.models


_warned: set[str] = set()


def model_of(code: str, installed: frozenset[str]) -> str | None:
    """The installed Tesseract model that reads language ``code`` (ISO 639-3), ``ind``
    for a Latin-script language of the region without one, or None (another script, an
    unknown language, or ``ind`` itself missing). Logs a warning once per process for a
    model that would fit but is not installed."""
    wanted = OWN_MODEL.get(code, code)
    if wanted in installed:
        return wanted
    if code in LATIN_REGIONAL and code not in DETECTED:
        if wanted in {"jav", "sun"} and wanted not in _warned:
            _warned.add(wanted)
            log.warning(
                "Tesseract model %r is not installed (apt-get install tesseract-ocr-%s): "
                "pages in that language are read with %r",
                wanted,
                wanted,
                FALLBACK,
            )
        return FALLBACK if FALLBACK in installed else None
    return None


def plan_for(
    record_languages: Iterable[str] | None,
    installed: frozenset[str],
    default: str,
    reread: str | None,
) -> Plan:
    """The plan for a record with ``record_languages`` (codes or names; unreadable ones
    are ignored): the models of its languages, joined with ``+`` (others first in the
    record's order, then ``ind``, ``msa``, ``eng``), or the default path (``default``
    first, ``reread`` when unsure) when none of them has a model."""
    models: list[str] = []
    for code in _codes(record_languages):
        model = model_of(code, installed)
        if model and model not in models:
            models.append(model)
    if not models:
        return Plan(default, reread or None)
    others = [m for m in models if m not in DETECTED]
    return Plan("+".join(others + [m for m in DETECTED if m in models]))


def page_language(detected: str | None, record_languages: Iterable[str] | None) -> str | None:
    """The language label of a read page (ISO 639-3, or None for unknown).

    The detector (:func:`ingest.language.detect_language`) knows only ``ind``, ``msa``
    and ``eng``. Its answer stands for a record that names no language or only those;
    for a record that also names others it stands only when it is one of the record's
    languages. For a record in other languages only (a Javanese book) the detector's
    answer would be a guess outside what it knows: the label is the record's language,
    or None when it names several.
    """
    codes = list(dict.fromkeys(_codes(record_languages)))
    if not codes or all(c in DETECTED for c in codes) or detected in codes:
        return detected
    if any(c in DETECTED for c in codes):
        return None
    return codes[0] if len(codes) == 1 else None


NOT_A_LANGUAGE = frozenset({"mis", "mul", "und", "zxx"})


def _codes(values: Iterable[str] | None) -> Iterable[str]:
    for value in values or ():
        code = language(str(value)) if value else None
        if code and code not in NOT_A_LANGUAGE:
            yield code
