"""Page language identification: Indonesian, Malay or English (ISO 639-3).

Uses lingua (PyPI ``lingua-language-detector``), restricted to the three languages and
working offline from its installed models. Indonesian and Malay share most words; lingua
tells them apart from character n-grams (e.g. *baharu*/*baru*, *kerajaan*/*pemerintah*).

Lingua runs in its low-accuracy mode (trigram models only): the full models take a
worker's whole start-up budget to load and give the same answers on page-length texts.
"""

from __future__ import annotations

import functools
import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CODES = {Language.INDONESIAN: "ind", Language.MALAY: "msa", Language.ENGLISH: "eng"}
WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3


@functools.cache
def detector() -> LanguageDetector:
    """The detector (built once per process; the models load on first use)."""
    return LanguageDetectorBuilder.from_languages(*CODES).with_low_accuracy_mode().build()


def detect_language(text: str | None, *, min_confidence: float = 0.5) -> str | None:
    """``ind``, ``msa`` or ``eng`` for a text, or None when it has fewer than three words
    or no language reaches ``min_confidence``."""
    words = WORD.findall(text or "")
    if len(words) < MIN_WORDS:
        return None
    values = detector().compute_language_confidence_values(" ".join(words))
    if not values or values[0].value < min_confidence:
        return None
    return CODES.get(values[0].language)


def warm_up() -> None:
    """Load the language models now (they load lazily on first use). Call it before a
    worker forks its processes: the children then share the loaded models."""
    detect_language("Kerajaan negeri akan membina sekolah baharu")
    detect_language("Pemerintah daerah akan membangun sekolah baru di wilayah pedesaan. " * 4)
