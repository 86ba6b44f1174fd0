"""ISO 639-3 validation of the language a user gives a record or a batch."""

from __future__ import annotations

import pytest

from catalog.errors import InvalidInput
from catalog.languages import iso639_3


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # the region's own languages, by code and by name
        ("bjn", "bjn"),
        ("iba", "iba"),
        ("jav", "jav"),
        ("sun", "sun"),
        ("min", "min"),
        ("ban", "ban"),
        ("bug", "bug"),
        ("Banjar", "bjn"),
        ("Bahasa Jawa", "jav"),
        # any other ISO 639-3 code: Brunei Malay, Central Melanau
        ("kxd", "kxd"),
        ("mel", "mel"),
        # what language() already reads: 639-1, 639-2/B, names, tags
        ("id", "ind"),
        ("may", "msa"),
        ("Bahasa Indonesia", "ind"),
        (" English ", "eng"),
        ("ms-Arab", "msa"),
    ],
)
def test_codes_and_names_give_the_iso_639_3_code(value, code):
    assert iso639_3(value) == code


def test_a_wrong_code_is_named_with_close_languages():
    with pytest.raises(InvalidInput) as caught:
        iso639_3("jvv")
    error = caught.value
    assert "'jvv'" in error.message and "jav (Javanese)" in error.message
    assert error.fields["field"] == "language" and error.fields["value"] == "jvv"
    assert error.fields["suggestions"].split(",")[0] == "jav"
    assert error.status == 400


def test_a_misspelt_name_suggests_the_region_s_language_first():
    with pytest.raises(InvalidInput) as caught:
        iso639_3("bahasa bnjar")
    assert caught.value.fields["suggestions"].split(",")[0] == "bjn"
    assert "bjn (Banjar)" in caught.value.message


@pytest.mark.parametrize("value", ["", "   ", None, "xx", "Bahasa Kalbar?", "12"])
def test_what_is_not_a_language_is_refused(value):
    with pytest.raises(InvalidInput) as caught:
        iso639_3(value)
    assert caught.value.fields["field"] == "language"


def test_nothing_close_gives_no_suggestion_and_no_question():
    with pytest.raises(InvalidInput) as caught:
        iso639_3("zzzzzzzzzzzzz")
    assert caught.value.fields["suggestions"] == "" and "?" not in caught.value.message
