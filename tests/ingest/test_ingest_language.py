"""The page language identifier tells Indonesian from Malay from English."""

from __future__ import annotations

from ingest.language import detect_language
from ingest.models import Plan, page_language, plan_for

SAMPLES = {
    "msa": [
        "Kerajaan negeri akan membina sekolah baharu di kawasan luar bandar tahun hadapan.",
        "Jabatan Muzium Sarawak telah menerima sumbangan koleksi tembikar daripada penduduk.",
        "Pihak berkuasa tempatan menasihatkan orang ramai supaya berhati-hati semasa musim banjir.",
    ],
    "ind": [
        "Pemerintah daerah akan membangun sekolah baru di wilayah pedesaan tahun depan.",
        "Perpustakaan nasional menerima sumbangan naskah kuno dari masyarakat Kalimantan Barat.",
        "Warga diimbau untuk berhati-hati selama musim hujan karena jalan sering tergenang.",
    ],
    "eng": [
        "The state government will build new schools in rural districts next year.",
        "The museum received a collection of old pottery from the longhouse community.",
    ],
}


def test_languages_are_told_apart():
    for expected, texts in SAMPLES.items():
        for text in texts:
            assert detect_language(text) == expected, text


def test_too_little_text_has_no_language():
    assert detect_language("") is None
    assert detect_language("12 34 ,.;") is None
    assert detect_language("Kuching") is None


ALL = frozenset({"ind", "msa", "eng", "jav", "sun"})
BASIC = frozenset({"ind", "msa", "eng"})


def plan(languages, installed=ALL):
    return plan_for(languages, installed, "ind", "ind+eng")


def test_record_languages_choose_the_tesseract_models():
    assert plan(["may", "en"]) == Plan("msa+eng")
    assert plan(["id"]) == Plan("ind")
    assert plan(["Bahasa Indonesia", "English"]) == Plan("ind+eng")
    assert plan(["jav"]) == Plan("jav") and plan(["sun"]) == Plan("sun")
    assert plan(["jav", "ind"]) == Plan("jav+ind")
    assert plan(["zsm"]) == Plan("msa")


def test_latin_regional_languages_without_a_model_read_with_ind():
    for code in ("bjn", "iba", "min", "ban", "bug"):
        assert plan([code]) == Plan("ind"), code
    assert plan(["ban", "jav"]) == Plan("jav+ind")
    # jav and sun without their packs fall back to ind too
    assert plan(["jav"], BASIC) == Plan("ind") and plan(["sun", "eng"], BASIC) == Plan("ind+eng")


def test_no_language_another_script_or_unknown_takes_the_default_path():
    default = Plan("ind", "ind+eng")
    assert default.key == "ind|ind+eng"
    for languages in ([], None, ["ara"], ["zho"], ["tam"], ["Bahasa Kalbar"], ["und"], [""]):
        assert plan(languages) == default, languages
    assert plan_for([], ALL, "ind", "") == Plan("ind")


def test_only_installed_models_are_used():
    assert plan(["nld"]) == Plan("ind", "ind+eng")  # no Dutch pack here: the default path
    assert plan(["nld"], ALL | {"nld"}) == Plan("nld")
    assert plan(["eng"], frozenset({"ind"})) == Plan("ind", "ind+eng")


def test_a_page_label_is_never_a_guess_outside_the_detector_s_languages():
    # a Javanese book: the record's language, whatever the detector says
    assert page_language("ind", ["jav"]) == "jav"
    assert page_language(None, ["Bahasa Jawa"]) == "jav"
    assert page_language("ind", ["min"]) == "min"
    # several languages outside the detector's: unknown
    assert page_language("ind", ["jav", "sun"]) is None
    # the detector decides among its own languages
    assert page_language("msa", []) == "msa" and page_language(None, None) is None
    assert page_language("msa", ["ind"]) == "msa" and page_language("eng", ["ind", "eng"]) == "eng"
    # a mixed record: the detector only when it names one of the record's languages
    assert page_language("ind", ["jav", "ind"]) == "ind"
    assert page_language("eng", ["jav", "ind"]) is None
    assert page_language("ind", ["und"]) == "ind"
