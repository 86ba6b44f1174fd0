"""The normaliser of every intake (catalog.normalise and catalog.records.normalised_record):
languages to ISO 639-3, dates to year ranges, types to the catalogue's vocabulary, and the
quality flags of what it could not read."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from catalog.languages import languages
from catalog.normalise import record_type, year_range
from catalog.records import normalised_record


@pytest.mark.parametrize(
    "value, code",
    [
        ("id", "ind"),
        ("ind", "ind"),
        ("in", "ind"),
        ("Indonesian", "ind"),
        ("Bahasa Indonesia", "ind"),
        ("may", "msa"),
        ("msa", "msa"),
        ("ms", "msa"),
        ("Melayu", "msa"),
        ("Bahasa Melayu", "msa"),
        ("en_US", "eng"),
        ("dut", "nld"),
        ("Jawa", "jav"),
        ("kxd", "kxd"),
        ("mel", "mel"),
        ("fre", "fra"),
        ("Iban", "iba"),
    ],
)
def test_languages_become_iso_639_3(value, code):
    assert languages([value]) == ((code,), ())


def test_unknown_languages_are_reported_not_guessed():
    assert languages(["ind; eng", "Bahasa Kalbar?"]) == (("ind", "eng"), ("Bahasa Kalbar?",))


@pytest.mark.parametrize(
    "text, years",
    [
        ("1920", (1920, 1920)),
        ("ca. 1920", (1920, 1920)),
        ("c1920", (1920, 1920)),
        ("[1920?]", (1920, 1920)),
        ("1920-an", (1920, 1929)),
        ("1920s", (1920, 1929)),
        ("[19--]", (1900, 1999)),
        ("[192-]", (1920, 1929)),
        ("192?", (1920, 1929)),
        ("1920-1925", (1920, 1925)),
        ("abad ke-19", (1800, 1899)),
        ("abad XIX", (1800, 1899)),
        ("19th century", (1800, 1899)),
        ("2004-02-03T10:58:05Z", (2004, 2004)),
        ("Cet. 1, 2005", (2005, 2005)),
        ("s.a.", None),
        ("[t.th.]", None),
        ("", None),
    ],
)
def test_dates_become_year_ranges(text, years):
    assert year_range(text) == years


@pytest.mark.parametrize(
    "values, kind",
    [
        (["Text"], "text"),
        (["info:eu-repo/semantics/article"], "text"),
        (["Naskah kuno"], "manuscript"),
        (["StillImage"], "image"),
        (["Peta"], "map"),
        (["Surat kabar"], "newspaper"),
        (["Majalah"], "periodical"),
        (["MovingImage"], "video"),
        (["Buku"], "book"),
        (["PhysicalObject"], "object"),
        (["something odd"], None),
    ],
)
def test_types_map_to_the_catalogue_vocabulary(values, kind):
    assert record_type(values) == kind


@dataclasses.dataclass(frozen=True)
class Header:
    """A feed record's header, as :class:`catalog.records.FeedHeader` asks."""

    identifier: str = "oai:arkib:7"
    datestamp: dt.datetime | None = dt.datetime(2024, 5, 1)
    sets: tuple[str, ...] = ("naskah",)
    raw: bytes = b"<record/>"


def test_an_upload_is_normalised_and_flags_only_what_it_could_not_read():
    record = normalised_record(
        source_format="upload-csv",
        titles=[("  Hikayat   Banjar ", None), ("Hikayat Banjar", None)],
        creators=["Anonim", " Anonim", ""],
        dates=["", "tarikh tidak diketahui"],
        types=["Naskah kuno"],
        languages=["Bahasa Melayu; Bahasa Kalbar"],
        rights=["", "CC BY 4.0"],
    )
    assert record.oai_identifier == "" and record.datestamp is None and record.raw_xml is None
    assert record.title == "Hikayat Banjar"
    assert record.titles == ({"value": "Hikayat Banjar", "lang": None},)
    assert record.creators == ("Anonim",) and record.rights == "CC BY 4.0"
    assert record.type == "manuscript" and record.languages == ("msa",)
    assert record.date_original == "tarikh tidak diketahui" and record.year_from is None
    assert record.quality_flags == ("language_unknown:Bahasa Kalbar", "date_unparsed")


def test_a_feed_record_takes_its_header_and_flags_a_missing_link_or_datestamp():
    record = normalised_record(
        source_format="oai_dc",
        feed=Header(datestamp=None),
        flags=["marc_no_leader"],
        dates=["1920-an", "1931"],
        links=["https://arkib.example/item/7", "https://arkib.example/item/7/p1.jpg"],
        identifiers=["https://arkib.example/item/7", "ARK-7"],
    )
    assert (record.oai_identifier, record.sets, record.raw_xml) == (
        "oai:arkib:7",
        ("naskah",),
        b"<record/>",
    )
    assert (record.year_from, record.year_to, record.date_original) == (1920, 1929, "1920-an")
    assert record.type == "text"  # no type given: text
    assert record.source_url == "https://arkib.example/item/7"
    assert record.scan_urls == ("https://arkib.example/item/7/p1.jpg",)
    assert record.identifiers == ("ARK-7",)
    assert record.quality_flags == ("marc_no_leader", "missing_title", "missing_datestamp")
    bare = normalised_record(source_format="oai_dc", feed=Header(), titles=[("T", "id")])
    assert bare.titles == ({"value": "T", "lang": "ind"},)
    assert bare.quality_flags == ("missing_link",)


def test_types_given_but_unknown_are_other_and_a_default_comes_second():
    assert normalised_record(types=["something odd"]).type == "other"
    assert normalised_record(types=["something odd"], type_default="map").type == "map"
    assert normalised_record(types=["Peta"], type_default="book").type == "map"
    assert normalised_record(type_default="other").type == "other"


def test_language_tags_are_the_shortest_bcp47_form():
    from catalog.languages import language_tag

    # ISO 639-3/639-2 with a two-letter code become it; the rest stay three letters
    assert [language_tag(c) for c in ("ind", "msa", "may", "eng", "jav", "ara", "nld")] == [
        "id",
        "ms",
        "ms",
        "en",
        "jv",
        "ar",
        "nl",
    ]
    assert [language_tag(c) for c in ("iba", "ban", "bjn", "kxd")] == ["iba", "ban", "bjn", "kxd"]
    # two-letter codes and names pass through the same reading; subtags keep their case
    assert language_tag("id") == "id" and language_tag("Bahasa Melayu") == "ms"
    assert language_tag("ms-arab") == "ms-Arab" and language_tag("en_gb") == "en-GB"
    assert language_tag("id-ID-x-private") == "id-ID"
    # not a language: no tag, so no attribute
    for junk in (None, "", "und", "xx1", "qqq", '"><script>', "Bahasa Kalbar"):
        assert language_tag(junk) is None, junk
