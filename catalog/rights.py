"""Rights statements: the rightsstatements.org and Creative Commons vocabulary.

A record's ``rights_uri`` is one of the :data:`STATEMENTS` here, by its canonical URI:
the twelve rightsstatements.org statements (``http://rightsstatements.org/vocab/InC/1.0/``,
the form rightsstatements.org itself defines) and the Creative Commons tools the
consortium offers (CC0 1.0, the Public Domain Mark 1.0 and the six 4.0 licences,
``https://creativecommons.org/licenses/by/4.0/``).

- :func:`statement` looks a canonical URI up; :func:`normalise_uri` turns the URLs
  people write (https or http, page or deed URLs, with or without the trailing slash)
  into the canonical URI;
- :func:`catalog.rights_text.map_rights` reads a harvested free-text rights value and
  gives the URI only where the text says it unambiguously.

Labels come in English, Indonesian and Malay as plain dicts (this package has no
Flask); ``icon`` is a path under ``static/``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

RIGHTSSTATEMENTS = "rightsstatements"
CREATIVE_COMMONS = "creativecommons"


@dataclasses.dataclass(frozen=True)
class Statement:
    """One rights statement or licence.

    ``uri`` is canonical; ``code`` a short name shown beside the label ("InC",
    "CC BY 4.0"); ``labels`` maps ``en``/``id``/``ms`` to the statement's name; ``icon``
    is a path under ``static/``; ``family`` is :data:`RIGHTSSTATEMENTS` or
    :data:`CREATIVE_COMMONS`.
    """

    uri: str
    code: str
    labels: Mapping[str, str]
    icon: str
    family: str

    def label(self, language: object = None) -> str:
        """The label in ``language`` (``en``, ``id`` or ``ms``; a Babel locale will do),
        English otherwise."""
        return self.labels.get(str(language or "en"), self.labels["en"])


def _rs(code: str, icon: str, en: str, id_: str, ms: str) -> Statement:
    return Statement(
        uri=f"http://rightsstatements.org/vocab/{code}/1.0/",
        code=code,
        labels={"en": en, "id": id_, "ms": ms},
        icon=f"img/rights/{icon}.svg",
        family=RIGHTSSTATEMENTS,
    )


def _cc(path: str, code: str, en: str, id_: str, ms: str) -> Statement:
    return Statement(
        uri=f"https://creativecommons.org/{path}/",
        code=code,
        labels={"en": en, "id": id_, "ms": ms},
        icon="img/rights/" + code.rsplit(" ", 1)[0].lower().replace(" ", "-") + ".svg",
        family=CREATIVE_COMMONS,
    )


STATEMENTS: tuple[Statement, ...] = (
    _cc(
        "publicdomain/mark/1.0",
        "PDM 1.0",
        "Public Domain Mark 1.0",
        "Tanda Domain Publik 1.0",
        "Tanda Domain Awam 1.0",
    ),
    _cc(
        "publicdomain/zero/1.0",
        "CC0 1.0",
        "CC0 1.0 Universal (Public Domain Dedication)",
        "CC0 1.0 Universal (Dedikasi Domain Publik)",
        "CC0 1.0 Universal (Dedikasi Domain Awam)",
    ),
    _cc(
        "licenses/by/4.0",
        "CC BY 4.0",
        "Creative Commons Attribution 4.0 International",
        "Creative Commons Atribusi 4.0 Internasional",
        "Creative Commons Atribusi 4.0 Antarabangsa",
    ),
    _cc(
        "licenses/by-sa/4.0",
        "CC BY-SA 4.0",
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "Creative Commons Atribusi-BerbagiSerupa 4.0 Internasional",
        "Creative Commons Atribusi-PerkongsianSerupa 4.0 Antarabangsa",
    ),
    _cc(
        "licenses/by-nd/4.0",
        "CC BY-ND 4.0",
        "Creative Commons Attribution-NoDerivatives 4.0 International",
        "Creative Commons Atribusi-TanpaTurunan 4.0 Internasional",
        "Creative Commons Atribusi-TanpaTerbitan 4.0 Antarabangsa",
    ),
    _cc(
        "licenses/by-nc/4.0",
        "CC BY-NC 4.0",
        "Creative Commons Attribution-NonCommercial 4.0 International",
        "Creative Commons Atribusi-NonKomersial 4.0 Internasional",
        "Creative Commons Atribusi-BukanKomersial 4.0 Antarabangsa",
    ),
    _cc(
        "licenses/by-nc-sa/4.0",
        "CC BY-NC-SA 4.0",
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        "Creative Commons Atribusi-NonKomersial-BerbagiSerupa 4.0 Internasional",
        "Creative Commons Atribusi-BukanKomersial-PerkongsianSerupa 4.0 Antarabangsa",
    ),
    _cc(
        "licenses/by-nc-nd/4.0",
        "CC BY-NC-ND 4.0",
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
        "Creative Commons Atribusi-NonKomersial-TanpaTurunan 4.0 Internasional",
        "Creative Commons Atribusi-BukanKomersial-TanpaTerbitan 4.0 Antarabangsa",
    ),
    _rs(
        "NoC-US",
        "noc",
        "No Copyright - United States",
        "Tanpa Hak Cipta - Amerika Serikat",
        "Tiada Hak Cipta - Amerika Syarikat",
    ),
    _rs(
        "NoC-CR",
        "noc",
        "No Copyright - Contractual Restrictions",
        "Tanpa Hak Cipta - Pembatasan Kontraktual",
        "Tiada Hak Cipta - Sekatan Kontrak",
    ),
    _rs(
        "NoC-NC",
        "noc",
        "No Copyright - Non-Commercial Use Only",
        "Tanpa Hak Cipta - Hanya Penggunaan Nonkomersial",
        "Tiada Hak Cipta - Penggunaan Bukan Komersial Sahaja",
    ),
    _rs(
        "NoC-OKLR",
        "noc",
        "No Copyright - Other Known Legal Restrictions",
        "Tanpa Hak Cipta - Pembatasan Hukum Lain yang Diketahui",
        "Tiada Hak Cipta - Sekatan Undang-undang Lain yang Diketahui",
    ),
    _rs(
        "NKC",
        "other",
        "No Known Copyright",
        "Tidak Ada Hak Cipta yang Diketahui",
        "Tiada Hak Cipta yang Diketahui",
    ),
    _rs(
        "InC",
        "inc",
        "In Copyright",
        "Hak Cipta Dilindungi",
        "Hak Cipta Terpelihara",
    ),
    _rs(
        "InC-EDU",
        "inc",
        "In Copyright - Educational Use Permitted",
        "Hak Cipta Dilindungi - Penggunaan Pendidikan Diizinkan",
        "Hak Cipta Terpelihara - Penggunaan Pendidikan Dibenarkan",
    ),
    _rs(
        "InC-NC",
        "inc",
        "In Copyright - Non-Commercial Use Permitted",
        "Hak Cipta Dilindungi - Penggunaan Nonkomersial Diizinkan",
        "Hak Cipta Terpelihara - Penggunaan Bukan Komersial Dibenarkan",
    ),
    _rs(
        "InC-RUU",
        "inc",
        "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable",
        "Hak Cipta Dilindungi - Pemegang Hak Tidak Dapat Ditemukan atau Dikenali",
        "Hak Cipta Terpelihara - Pemegang Hak Tidak Dapat Dikesan atau Dikenal Pasti",
    ),
    _rs(
        "InC-OW-EU",
        "inc",
        "In Copyright - EU Orphan Work",
        "Hak Cipta Dilindungi - Karya Yatim Uni Eropa",
        "Hak Cipta Terpelihara - Karya Yatim Kesatuan Eropah",
    ),
    _rs(
        "CNE",
        "other",
        "Copyright Not Evaluated",
        "Hak Cipta Belum Dievaluasi",
        "Hak Cipta Belum Dinilai",
    ),
    _rs(
        "UND",
        "other",
        "Copyright Undetermined",
        "Hak Cipta Tidak Dapat Ditentukan",
        "Hak Cipta Tidak Dapat Ditentukan",
    ),
)
"""Every statement, in the order of a choice list (public domain and open licences
first, then the rightsstatements.org statements from free to restricted)."""

_BY_URI: dict[str, Statement] = {s.uri: s for s in STATEMENTS}
_BY_CODE: dict[str, Statement] = {s.code.casefold(): s for s in STATEMENTS}


def statement(uri: str | None) -> Statement | None:
    """The statement whose canonical URI is ``uri``, or None (see :func:`normalise_uri`
    for URIs in other forms)."""
    return _BY_URI.get(uri) if uri else None


def by_code(code: str) -> Statement | None:
    """The statement whose short code is ``code`` ("InC", "CC BY 4.0"), any case."""
    return _BY_CODE.get(code.strip().casefold())


# --- URIs -----------------------------------------------------------------------------

_RS_URL = re.compile(
    r"(?:https?://)?(?:www\.)?rightsstatements\.org/(?:vocab|page|data)/"
    r"(?P<code>[A-Za-z]+(?:-[A-Za-z]+)*)/(?P<version>\d+\.\d+)(?:/[\w.?=&-]*)?",
    re.IGNORECASE,
)
_CC_URL = re.compile(
    r"(?:https?://)?(?:www\.)?creativecommons\.org/"
    r"(?P<kind>licenses|licences|publicdomain)/(?P<tool>[a-z-]+)/(?P<version>\d+\.\d+)"
    r"(?P<port>/[a-z]{2}(?:-[a-z]{2})?)?(?=/|\b|$)(?:/[\w.@-]*)?",
    re.IGNORECASE,
)


def _canonical(match: re.Match[str]) -> str:
    """The canonical form of a matched rightsstatements.org or CC URL, whether or not it
    is in the vocabulary (the caller looks it up)."""
    groups = match.groupdict()
    if "code" in groups:
        code = groups["code"]
        known = next((s.code for s in STATEMENTS if s.code.casefold() == code.casefold()), code)
        return f"http://rightsstatements.org/vocab/{known}/{groups['version']}/"
    kind = groups["kind"].lower()
    kind = "licenses" if kind == "licences" else kind
    port = (groups["port"] or "").lower()  # a jurisdiction port ("/id" of CC BY 3.0 ID)
    return f"https://creativecommons.org/{kind}/{groups['tool'].lower()}/{groups['version']}{port}/"


def normalise_uri(text: str | None) -> str | None:
    """The canonical URI of a rightsstatements.org or Creative Commons URL in the
    vocabulary, or None.

    Accepts http or https, ``www.``, with or without the trailing slash,
    rightsstatements.org page URLs (``/page/InC/1.0/?language=en``), CC deeds and legal
    codes (``/deed.id``, ``/legalcode``, ``/legalcode.en``). Text around the URL is not
    accepted: the whole of ``text`` must be the URL (free text:
    :func:`catalog.rights_text.map_rights`).
    """
    if not text:
        return None
    text = text.strip().strip("<>")
    for pattern in (_RS_URL, _CC_URL):
        match = pattern.fullmatch(text)
        if match:
            found = statement(_canonical(match))
            return found.uri if found else None
    return None


def uris_in(text: str) -> tuple[set[str], str]:
    """The canonical forms of the rightsstatements.org/CC URLs found in ``text`` (in the
    vocabulary or not) and the text without them."""
    found: set[str] = set()

    def take(match: re.Match[str]) -> str:
        found.add(_canonical(match))
        return " ; "

    rest = _RS_URL.sub(take, text)
    rest = _CC_URL.sub(take, rest)
    return found, rest
