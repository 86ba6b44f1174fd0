"""The page language identifier tells Indonesian from Malay from English."""

from __future__ import annotations

from ingest.language import detect_language
from ingest.settings import ocr_languages

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


def test_record_languages_choose_the_tesseract_languages():
    assert ocr_languages(["may", "en"], "ind+msa+eng") == "msa+eng"
    assert ocr_languages(["id"], "ind+msa+eng") == "ind"
    assert ocr_languages(["ban", "jav"], "ind+msa+eng") == "ind+msa+eng"
    assert ocr_languages([], "ind") == "ind"
