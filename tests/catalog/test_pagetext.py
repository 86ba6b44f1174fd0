"""One shape of page text: words and lines in their stored form, the public box, numbers."""

from __future__ import annotations

from types import SimpleNamespace

from catalog.pagetext import (
    PageText,
    Word,
    box_json,
    clamp_number,
    line_boxes,
    numbered,
    page_at,
    page_numbers,
    words_of,
)

ROWS = [
    ["Hikajat", 40, 60, 180, 40, 91.5, 0],
    ["radja", 240, 60, 120, 40, 88.0, 0],
    ["Sambas", 40, 140, 170, 40, 90.0, 1],
]


def test_stored_rows_read_and_write_back_unchanged():
    words = words_of(ROWS)
    assert words[1] == Word("radja", 240, 60, 120, 40, 88.0, 0)
    assert [w.row() for w in words] == ROWS
    assert words_of([["short", 1, 2], [3, 1, 2, 3, 4]]) == ()  # not words: skipped
    assert Word.from_row(["old", 1, 2, 3, 4]) == Word("old", 1, 2, 3, 4, None, None)


def test_page_text_computes_lines_and_mean_and_stores_its_columns():
    text = PageText.of_words("Hikajat radja\nSambas", words_of(ROWS), "ocr")
    assert text.lines == ((40, 60, 320, 40), (40, 140, 170, 40))
    assert text.mean_confidence == 89.83
    columns = text.columns()
    assert columns["words"] == ROWS and columns["lines"] == [[40, 60, 320, 40], [40, 140, 170, 40]]
    assert columns["text_source"] == "ocr" and columns["language"] is None
    page = SimpleNamespace(**{k: v for k, v in columns.items() if k != "text_source"})
    page.text_source = "ocr"
    assert PageText.from_page(page) == text
    assert PageText.of_words("", (), "pdf").mean_confidence is None


def test_scaling_maps_boxes_back_to_master_pixels():
    text = PageText.of_words("Hikajat", words_of(ROWS[:1]), "ocr").scaled(2.0)
    assert text.words[0].xywh == (20, 30, 90, 20) and text.lines == ((20, 30, 90, 20),)
    assert line_boxes(text.words) == text.lines


def test_one_public_box_shape():
    word = Word("radja", 240, 60, 120, 40, 88.0, 1)
    assert box_json(word) == {"x": 240, "y": 60, "w": 120, "h": 40, "text": "radja"}
    assert box_json(word, reading=True) == {**box_json(word), "confidence": 88.0, "line": 1}


def test_pages_are_numbered_from_one_in_reading_order_and_back():
    pages = [SimpleNamespace(id=i, order=o) for i, o in ((7, 1), (8, 2), (3, 1))]
    assert page_numbers(pages) == {7: 1, 8: 2, 3: 3}
    assert [n for n, _ in numbered(pages)] == [1, 2, 3]
    assert page_at(pages, 3).id == 3 and page_at(pages, 0) is None and page_at(pages, 4) is None
    assert clamp_number(9, 3) == 3 and clamp_number(-1, 3) == 1 and clamp_number(5, 0) == 1
