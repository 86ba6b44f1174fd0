"""Old spellings, folding, stemming and the glossary (pure functions)."""

from __future__ import annotations

import pytest

from search.analysis import Analyzer, edit_distance, fold
from search.glossary import DEFAULT_PATH, load
from search.spelling import modern_forms


@pytest.mark.parametrize(
    ("old", "modern"),
    [
        ("djakarta", "jakarta"),
        ("soerabaja", "surabaya"),
        ("tjerita", "cerita"),
        ("pandjang", "panjang"),
        ("njonja", "nyonya"),
        ("masjarakat", "masyarakat"),
        ("djaja", "jaya"),
        ("tjahaja", "cahaya"),
        ("rakjatnja", "rakyatnya"),
        ("jang", "yang"),
        ("soengai", "sungai"),
        ("achir", "akhir"),
    ],
)
def test_old_spellings_become_modern(old, modern):
    assert modern_forms(old)[0] == modern


@pytest.mark.parametrize(
    "word", ["jakarta", "panjang", "menjual", "senja", "masjid", "surabaya", "kenyalang", "banjir"]
)
def test_modern_words_are_left_alone(word):
    assert modern_forms(word) == (word,)


def test_ch_depends_on_language():
    assert modern_forms("chabar", "ind") == ("khabar",)
    assert modern_forms("chinta", "msa") == ("cinta",)
    assert set(modern_forms("chinta")) == {"khinta", "cinta"}


def test_fold_drops_accents_and_case():
    assert fold("Pĕrak ÉCOLE ﬁ") == "perak ecole fi"


def test_old_and_new_spelling_share_stems_both_ways():
    a = Analyzer()
    [old] = a.words("Tjeritanja")
    assert set(old.keys["id"]) & set(a.query_keys("ceritanya")["id"])
    [new] = a.words("Surabaya")
    assert set(new.keys["id"]) & set(a.query_keys("Soerabaja")["id"])
    assert a.query_keys("longhouses")["en"] == a.query_keys("longhouse")["en"]
    assert a.query_keys("perpustakaan")["id"] == ("pustaka",)


def test_plain_analyzer_only_folds():
    a = Analyzer(plain=True)
    assert a.query_keys("Djakarta") == {
        "w": ("djakarta",),
        "id": ("djakarta",),
        "en": ("djakarta",),
    }


def test_words_keep_offsets():
    text = "Kota «Pontianak», 1950"
    words = list(Analyzer().words(text))
    assert [text[w.start : w.end] for w in words] == ["Kota", "Pontianak", "1950"]


def test_edit_distance():
    assert edit_distance("kenyalang", "kenjalang") == 1
    assert edit_distance("abc", "xyz", 1) == 2


def test_glossary_is_large_sourced_and_expands_across_languages(glossary):
    assert len(glossary.groups) >= 300
    header = DEFAULT_PATH.read_text(encoding="utf-8").split("\n", 40)
    assert any("Reference:" in line for line in header)
    assert ("rumah", "panjang") in glossary.alternatives(("longhouses",))
    assert ("kenyalang",) in glossary.alternatives(("hornbill",))
    assert ("newspaper",) in glossary.alternatives(("surat", "kabar"))
    assert ("akhbar",) in glossary.alternatives(("surat", "kabar"))
    assert ("tenun",) in glossary.alternatives(("weaving",))
    assert glossary.alternatives(("zzzz",)) == ()
    assert any(r.startswith("longhouse, longhouses") for r in glossary.synonym_rules())


def test_bad_glossary_file_is_a_config_error(tmp_path):
    from catalog.errors import ConfigError

    bad = tmp_path / "g.tsv"
    bad.write_text("only one cell\n")
    with pytest.raises(ConfigError, match="line 1"):
        load(bad)
    with pytest.raises(ConfigError, match=r"cannot read"):
        load(tmp_path / "missing.tsv")


def test_analyse_gives_main_keys_in_order_and_the_other_keys_apart():
    analyzer = Analyzer()
    analysed = analyzer.analyse("Kerajaan houses raja, folk tales", "ind")
    assert len(analysed.main.split()) == 5
    # one main key per word (its position, for phrases): both stemmers over the modern form
    assert analysed.main == "raja hous raja folk tale"
    # the other keys, each word's apart: the modern forms and stems unlike the main key
    assert analysed.extra.split() == ["kerajaan", "houses", "tales"]
    old = analyzer.analyse("Tjerita dan chabar di kuching", None)
    assert old.main.split()[:3] == ["cerita", "dan", "khabar"]
    # every reading of an ambiguous old spelling, and the stems of the words as written
    assert {"tjerita", "chabar", "kukhing", "kucing"} <= set(old.extra.split())


def test_analyse_stays_right_when_its_full_cache_is_emptied_mid_text(monkeypatch):
    import search.analysis as analysis

    text = "empat lima enam tujuh Kerajaan, kuching kapal lima"
    expected = Analyzer().analyse(text, "msa")
    monkeypatch.setattr(analysis, "MAX_CACHE", 4)
    analyzer = Analyzer()
    analyzer.analyse("satu dua tiga")
    analysed = analyzer.analyse(text, "msa")
    assert analysed == expected
    assert analysed.main == "empat lima enam tujuh raja kuce kapal lima"
    assert analyzer.analyse("Satu").main == "satu"
    assert analyzer.analyse("").empty
    assert analyzer.analyse(" - … ").empty


def test_analyse_reads_an_old_ch_by_the_language_of_each_text():
    analyzer = Analyzer()  # one cache for every language, but "ch" reads per language
    for _ in range(2):
        assert analyzer.analyse("kuching dari Sibu", "ind").main == "kukh dari sibu"
        assert analyzer.analyse("kuching dari Sibu", "msa").main == "kuce dari sibu"
        assert analyzer.analyse("Kuching, dari", "msa").main == "kuce dari"
        assert analyzer.analyse("Kuching, dari", "ind").main == "kukh dari"
    assert [w.keys["w"] for w in analyzer.words("Kuching", "msa")] == [("kucing",)]
    assert [w.keys["w"] for w in analyzer.words("Kuching", "ind")] == [("kukhing",)]


def test_decomposed_accents_stay_inside_their_words():
    import unicodedata

    analyzer = Analyzer()
    composed = "Bandoéng, kerajaän Soerabaja"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert analyzer.analyse(decomposed) == analyzer.analyse(composed)
    assert analyzer.analyse(decomposed).main == "bandung raja surabaya"
    words = list(analyzer.words(decomposed))
    assert [w.surface for w in words] == [
        unicodedata.normalize("NFD", "Bandoéng"),
        "kerajaa\u0308n",
        "Soerabaja",
    ]
    assert [decomposed[w.start : w.end] for w in words] == [w.surface for w in words]


def test_analyse_keeps_apostrophes_inside_words():
    analyzer = Analyzer()
    assert analyzer.analyse("sja'ir Za’ba").main == "syair zaba"
    assert analyzer.analyse("sjair, Zaba!").main == "syair zaba"
