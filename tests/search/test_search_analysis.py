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


def indexed(text: str, lang: str | None = None, analyzer: Analyzer | None = None) -> list[str]:
    """The words tantivy indexes for a text (our preparation, then its tokenizer)."""
    from search.backends.tantivy_docs import word_analyzer

    return word_analyzer().analyze((analyzer or Analyzer()).index_text(text, lang))


def test_index_text_leaves_a_plain_text_as_it_is():
    analyzer = Analyzer()
    text = "Kerajaan houses raja, folk tales (1923) - tjerita dan soengai"
    assert analyzer.index_text(text, "ind") is text  # nothing to undo: no copy at all
    assert analyzer.index_text("", "ind") == ""
    assert indexed(text) == [
        "kerajaan",
        "houses",
        "raja",
        "folk",
        "tales",
        "1923",
        "tjerita",
        "dan",
        "soengai",
    ]


def test_index_text_reads_an_old_ch_by_the_language_of_each_text():
    analyzer = Analyzer()
    for _ in range(2):  # and from the cache
        assert analyzer.index_text("kuching dari Sibu", "ind") == "kukhing dari Sibu"
        assert analyzer.index_text("Kuching, dari", "msa") == "kucing, dari"
        assert analyzer.index_text("Achir chabar, Kuching", "ind") == "akhir khabar, kukhing"
    for lang in (None, "eng"):  # unknown or no reform: every reading, in the vocabulary
        assert analyzer.index_text("Kuching dari Sibu", lang) == "Kuching dari Sibu"
    assert [w.keys["w"] for w in analyzer.words("Kuching", "msa")] == [("kucing",)]
    assert [w.keys["w"] for w in analyzer.words("Kuching", "ind")] == [("kukhing",)]


def test_word_keys_stay_right_when_the_full_cache_is_emptied(monkeypatch):
    import search.analysis as analysis

    text = "empat lima enam tujuh Kerajaan, kuching kapal lima"
    expected = [w.keys for w in Analyzer().words(text, "msa")]
    monkeypatch.setattr(analysis, "MAX_CACHE", 4)
    analyzer = Analyzer()
    list(analyzer.words("satu dua tiga"))
    assert [w.keys for w in analyzer.words(text, "msa")] == expected
    assert [w.keys["w"][0] for w in analyzer.words("Satu")] == ["satu"]


def test_decomposed_accents_stay_inside_their_words():
    import unicodedata

    analyzer = Analyzer()
    composed = "Bandoéng, kerajaän Soerabaja"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert indexed(decomposed) == indexed(composed) == ["bandoeng", "kerajaan", "soerabaja"]
    words = list(analyzer.words(decomposed))
    assert [w.surface for w in words] == [
        unicodedata.normalize("NFD", "Bandoéng"),
        "kerajaa\u0308n",
        "Soerabaja",
    ]
    assert [decomposed[w.start : w.end] for w in words] == [w.surface for w in words]
    assert [w.keys["w"][0] for w in words] == ["bandung", "kerajaan", "surabaya"]


def test_apostrophes_inside_words_keep_them_one_word():
    assert indexed("sja'ir Za’ba, the king's") == ["sjair", "zaba", "the", "kings"]
    assert indexed("'Sibu' - ’Kapit’") == ["sibu", "kapit"]
    analyzer = Analyzer()
    assert [w.keys["w"][0] for w in analyzer.words("sja'ir Za’ba")] == ["syair", "zaba"]


def test_the_vocabulary_reaches_stems_old_spellings_and_phrase_keys(tmp_path):
    from search.backends.tantivy_vocab import Vocabulary

    analyzer = Analyzer()
    vocabulary = Vocabulary(tmp_path, analyzer)
    words = ["kerajaan", "raja", "radja", "houses", "house", "tales", "kukhing", "kuching"]
    assert vocabulary.add(words) == len(words)
    assert vocabulary.add(["raja", "rumah"]) == 1  # only new words are appended

    def matching(word: str) -> set[str]:
        keys = analyzer.query_keys(word)
        return set(vocabulary.matching(k for kind in ("w", "id", "en") for k in keys[kind]))

    assert {"kerajaan", "raja", "radja"} <= matching("raja")
    assert matching("djakarta") == set()
    assert {"houses", "house"} <= matching("house")
    assert matching("kucing") == {"kuching"}  # an unknown text's "ch": both readings
    assert matching("kukhing") == {"kukhing", "kuching"}
    # phrases compare main keys: both stemmers over the modern form
    assert set(vocabulary.with_main(analyzer.main_key(analyzer.query_keys("tale")))) == {"tales"}
    assert set(vocabulary.with_main("raja")) == {"kerajaan", "raja", "radja"}
    assert vocabulary.with_prefix("ra", 10) == ["radja", "raja"]  # by modern form: "raja"
    assert vocabulary.with_prefix("ra", 1) == ["radja"]

    # another process reads the same file, and later only what was appended
    reader = Vocabulary(tmp_path, analyzer)
    reader.refresh()
    assert reader.forms == vocabulary.forms and reader.by_key == vocabulary.by_key
    with open(tmp_path / "vocabulary.tsv", "a") as handle:
        handle.write("tjerita\tcerita")  # a line being written: not read yet
    reader.refresh()
    assert "tjerita" not in reader
    with open(tmp_path / "vocabulary.tsv", "a") as handle:
        handle.write("\t\t\n")
    reader.refresh()
    assert reader.forms["tjerita"] == ("cerita",) and len(reader) == len(words) + 2
