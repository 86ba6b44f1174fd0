"""The forgiving query parser, glossary expansion and highlighting (pure functions)."""

from __future__ import annotations

import pytest

from search.analysis import Analyzer
from search.expand import expand
from search.highlight import Matcher, boxes, highlight_value, mark, snippet
from search.query import And, Concept, Exact, Not, Or, Phrase, Term, YearRange, parse


def test_words_are_anded_and_operators_work():
    assert parse("rumah panjang") == And((Term("rumah"), Term("panjang")))
    assert parse("a1 OR b2 c3") == Or((Term("a1"), And((Term("b2"), Term("c3")))))
    assert parse("rumah AND NOT kapal") == And((Term("rumah"), Not(Term("kapal"))))
    assert parse("rumah -kapal") == And((Term("rumah"), Not(Term("kapal"))))
    assert parse("(a1 OR b2) c3") == And((Or((Term("a1"), Term("b2"))), Term("c3")))
    assert parse("a1 || b2 && c3") == Or((Term("a1"), And((Term("b2"), Term("c3")))))


def test_fields_phrases_prefixes_years():
    assert parse('title:"rumah panjang"') == Phrase(("rumah", "panjang"), "title")
    assert parse("creator:Sandin") == Term("Sandin", "creator")
    assert parse("Kap*") == Term("Kap", prefix=True)
    assert parse("k*") == Term("k")  # too short to be a prefix
    assert parse("year:1920-1939") == YearRange(1920, 1939)
    assert parse("year:1950") == YearRange(1950, 1950)
    assert parse("year:..1900") == YearRange(None, 1900)
    assert parse("partner:Pustaka-Sarawak") == Exact("partner", "pustaka-sarawak")
    assert parse("Radja-Radja") == Phrase(("Radja", "Radja"))
    assert parse("http://example.org/x") == Phrase(("http", "example", "org", "x"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("   ", None),
        ('"', None),
        ("AND OR NOT", None),
        ("((((", None),
        ("))) rumah", Term("rumah")),
        ('"rumah panjang', Phrase(("rumah", "panjang"))),
        ("rumah NOT", Term("rumah")),
        ("::: *** ", None),
        ("year:abc", None),
        ("partner:???", None),
        ("NOT NOT rumah", Not(Not(Term("rumah")))),
    ],
)
def test_hostile_input_is_cleaned(text, expected):
    assert parse(text) == expected


def test_very_long_queries_are_cut():
    node = parse("kata " * 5000)
    assert isinstance(node, And) and len(node.children) == 32


def test_glossary_expansion_finds_longest_terms(glossary):
    node = expand(parse("rumah panjang Kapit"), glossary)
    assert isinstance(node, And)
    concept = node.children[0]
    assert isinstance(concept, Concept) and concept.words == ("rumah", "panjang")
    assert ("longhouse",) in concept.alternatives
    assert expand(parse("title:longhouse"), glossary) == Term("longhouse", "title")
    assert expand(parse("-longhouse"), glossary) == Not(Term("longhouse"))
    assert expand(parse("zzzz"), glossary) == Term("zzzz")


def test_marks_escape_first():
    text = "<b>Djakarta</b> & Soerabaja"
    assert mark(text, [(3, 11)]) == "&lt;b&gt;<mark>Djakarta</mark>&lt;/b&gt; &amp; Soerabaja"


def test_matcher_marks_stems_old_spellings_glossary_and_fuzzy(glossary):
    analyzer = Analyzer()
    matcher = Matcher(expand(parse("Jakarta cerita weaving Pontianak"), glossary), analyzer)
    assert highlight_value("Tjerita dari Djakarta", matcher) == (
        "<mark>Tjerita</mark> dari <mark>Djakarta</mark>"
    )
    assert highlight_value("kain tenunan Sambas", matcher) == "kain <mark>tenunan</mark> Sambas"
    assert highlight_value("kota Pontianek", matcher) == "kota <mark>Pontianek</mark>"
    assert highlight_value("Sambas", matcher) is None


def test_snippet_centres_on_hits_and_boxes_follow_words():
    analyzer = Analyzer()
    matcher = Matcher(parse("sungai"), analyzer)
    text = "awal " * 100 + "di tepi soengai besar" + " akhir" * 100
    cut = snippet(text, matcher)
    assert "<mark>soengai</mark>" in cut and cut.startswith("… ") and cut.endswith(" …")
    assert len(cut) < 400
    words = [["di", 0, 0, 20, 10, 90, 0], ["soengai,", 30, 0, 80, 10, 85, 0], ["bad"], [None]]
    assert [b.text for b in boxes(words, matcher)] == ["soengai,"]
    assert snippet("nothing here", matcher) is None


def test_function_words_do_not_decide_a_match():
    from search.expand import relax

    assert relax(parse("map of Sibu")) == And((Term("map"), Term("Sibu")))
    assert relax(parse("rumah yang besar")) == And((Term("rumah"), Term("besar")))
    assert relax(parse("the of")) == And((Term("the"), Term("of")))  # nothing else: kept
    assert relax(parse('"map of Sibu"')) == Phrase(("map", "of", "Sibu"))
    assert relax(parse("title:the Sibu")) == And((Term("the", "title"), Term("Sibu")))
    assert relax(parse("of -Sibu")) == And((Term("of"), Not(Term("Sibu"))))
