"""Old Indonesian and Malay spellings mapped to the modern (post-1972) forms.

The reforms: Van Ophuijsen (1901, Dutch Indies) wrote oe, dj, tj, nj, sj, ch and j for
today's u, j, c, ny, sy, kh and y; Soewandi (1947) changed only oe→u; EYD (1972) made the
rest modern. Malay before Rumi Baharu (1972, Za'ba spelling) wrote ch for today's c and
already used j and y as today. So a word is rewritten only when it carries a *marker* of
the old system (oe, dj, tj, ch, sj+vowel, a leading nj), because j, y and a medial nj
are also modern (Jakarta, panjang). Known old words without a marker (jang, jaitu…) and
modern words that look old (masjid…) are listed as exceptions.

:func:`modern_forms` is pure and deterministic, and is applied to both documents and
queries, so "Djakarta" and "Jakarta" meet on the key "jakarta" whichever side is old.
"""

from __future__ import annotations

import re

# Old-spelling words that carry no marker (Soewandi-era j = y and a few others).
OLD_WORDS: dict[str, str] = {
    "jang": "yang",
    "rakjat": "rakyat",
    "ajah": "ayah",
    "ajam": "ayam",
    "bahaja": "bahaya",
    "daja": "daya",
    "kajangan": "kayangan",
    "ja": "ya",
    "jaitu": "yaitu",
    "jakni": "yakni",
    "kaja": "kaya",
    "sajang": "sayang",
    "bajar": "bayar",
    "lajar": "layar",
    "jakin": "yakin",
    "jogjakarta": "yogyakarta",
    "jogja": "yogya",
    "djokja": "yogya",
    "djokjakarta": "yogyakarta",
    "njonja": "nyonya",
    "njanji": "nyanyi",
    "njawa": "nyawa",
    "njata": "nyata",
    "soerabaia": "surabaya",
    "bandjermasin": "banjarmasin",
    "bandjarmasin": "banjarmasin",
    "ketjil": "kecil",
    "pemerintahnja": "pemerintahnya",
    "achir": "akhir",
    "chabar": "khabar",
    "chas": "khas",
    "chusus": "khusus",
    "chidmat": "khidmat",
    "tarich": "tarikh",
    "sjair": "syair",
    "sja'ir": "syair",
    "djoem'at": "jumat",
    "soenggoeh": "sungguh",
    "wajang": "wayang",
    "kajoe": "kayu",
}

# Modern words that contain a marker and must be left alone.
MODERN_WORDS = frozenset({"masjid", "koefisien", "aloe", "oboe", "canoe", "shoe"})

VOWELS = "aeiou"
_MARKER = re.compile(r"oe|dj|tj|ch|sj[aeiou]|^nj|.{4}nja$")


def has_old_marker(word: str) -> bool:
    """True when a folded word carries a sign of the pre-1972 spellings."""
    return bool(_MARKER.search(word))


def modern_forms(word: str, lang: str | None = None) -> tuple[str, ...]:
    """The modern spelling(s) of a folded, lower-case word; the first is the main one.

    ``lang`` is an ISO 639-3 code. The Dutch-style oe, dj, tj, nj, sj and j are rewritten
    for every language (in Malay texts they occur in Indonesian names); an old ``ch``
    becomes ``c`` for ``msa`` (Za'ba spelling), ``kh`` for ``ind`` (Van Ophuijsen), and
    both for any other value. Words without an old marker come back unchanged.
    """
    if word in OLD_WORDS:
        return (OLD_WORDS[word],)
    if word in MODERN_WORDS or not has_old_marker(word):
        return (word,)
    rewritten = _rewrite_indonesian(word)
    if lang == "msa":
        return (rewritten.replace("\x00", "c"),)
    if "ch" not in word or lang == "ind":
        return (rewritten.replace("\x00", "kh"),)
    return (rewritten.replace("\x00", "kh"), rewritten.replace("\x00", "c"))


def _rewrite_indonesian(word: str) -> str:
    """Van Ophuijsen/Soewandi → EYD, left to right so rewritten letters are not reread.

    ``ch`` comes out as a NUL placeholder for the caller to resolve (kh or c).
    """
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        pair = word[i : i + 2]
        if pair == "oe":
            out.append("u")
            i += 2
        elif pair == "dj":
            out.append("j")
            i += 2
        elif pair == "tj":
            out.append("c")
            i += 2
        elif pair == "nj" and (i == 0 or (i + 3 == n and n >= 7)):
            out.append("ny")
            i += 2
        elif pair == "sj" and i + 2 < n and word[i + 2] in VOWELS:
            out.append("sy")
            i += 2
        elif pair == "ch":
            out.append("\x00")
            i += 2
        elif word[i] == "j":
            out.append("y")
            i += 1
        else:
            out.append(word[i])
            i += 1
    return "".join(out)
