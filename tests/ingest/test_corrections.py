"""OCR correction (ingest.corrections): versions, the original kept, word boxes, input
checks, the audit log, revert and who may correct what."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, update

from catalog import accounts
from catalog.audit import audit_events
from catalog.errors import Conflict, Forbidden, InvalidInput, NotFound
from catalog.models import DigitalObject, File, Page, Record
from catalog.pagetext import line_boxes, words_of
from catalog.records import RecordData
from catalog.upload_models import PageCorrection
from ingest import corrections

OLD = dt.datetime(2020, 1, 1)
LINES = ["Kerajaan negeri akan membina sekolah", "baharu di kawasan luar bandar"]


def _words(lines):
    """Word rows laid out 20 px a character, 40 px a line, as OCR would store them."""
    out = []
    for number, line in enumerate(lines):
        x = 100
        for word in line.split():
            out.append([word, x, 50 + 40 * number, 20 * len(word), 30, 88.0, number])
            x += 20 * len(word) + 20
    return out


def _page(catalog, record_id, lines=LINES):
    with catalog.session() as s:
        obj = DigitalObject(record_id=record_id, status="done")
        s.add(obj)
        s.flush()
        sha = hashlib.sha256(f"{record_id}{lines}".encode()).hexdigest()
        s.add(File(sha256=sha, media_type="image/png", size=1, path=f"{sha[:2]}/{sha}"))
        words = _words(lines)
        page = Page(
            object_id=obj.id,
            order=1,
            image_sha256=sha,
            text="\n\n".join(lines),
            words=words,
            lines=[],
            ocr_status="done",
        )
        s.add(page)
        s.flush()
        page.lines = [list(box) for box in line_boxes(words_of(words))]
        return page.id


def _principal(catalog, email, *roles):
    user = accounts.create_user(catalog, email, "correct horse battery staple", actor="test")
    for role, partner in roles:
        accounts.add_membership(catalog, user.id, role, partner, actor="test")
    return accounts.principal(catalog, user)


@pytest.fixture
def pages(catalog):
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
    a = catalog.upsert_record("rajang", RecordData(oai_identifier="a1", title="Akhbar")).record_id
    b = catalog.upsert_record("khatulistiwa", RecordData(oai_identifier="b1", title="Peta"))
    ids = {"a": _page(catalog, a), "b": _page(catalog, b.record_id), "record": a}
    with catalog.session() as s:
        s.execute(update(Record).values(last_changed=OLD, index_due=None))
    return ids


@pytest.fixture
def operator(catalog, pages):
    return _principal(catalog, "operator@rajang.example", ("operator", "rajang"))


def _get(catalog, page_id) -> Page:
    with catalog.session() as s:
        return s.get(Page, page_id)


def test_a_correction_is_a_version_and_keeps_the_original(catalog, pages, operator):
    version = corrections.correct(
        catalog,
        operator,
        pages["a"],
        {0: "Kerajaan negeri akan membina sekolah", 1: "baharu di kawasan luar bandar,"},
    )
    assert version.number == 1 and version.lines == ((1, "baharu di kawasan luar bandar,"),)
    assert version.actor == "operator@rajang.example" and version.status == "accepted"
    page = _get(catalog, pages["a"])
    assert page.text == "\n\n".join(LINES)  # the OCR as it was
    assert page.words == _words(LINES)
    assert page.corrected_text == LINES[0] + "\n\nbaharu di kawasan luar bandar,"
    assert page.corrections == 1 and page.corrected_at is not None
    second = corrections.correct(
        catalog, operator, pages["a"], {0: "Kerajaan negeri akan membina sekolah baharu"}
    )
    assert second.number == 2
    history = corrections.history(catalog, pages["a"])
    assert [v.number for v in history] == [2, 1]
    lines = corrections.lines_of(_get(catalog, pages["a"]))
    assert [(line.text, line.corrected) for line in lines] == [
        ("Kerajaan negeri akan membina sekolah baharu", True),
        ("baharu di kawasan luar bandar,", True),
    ]
    assert lines[0].original == LINES[0]


def test_the_record_is_due_for_indexing_and_changed(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {1: "baharu di kawasan pedalaman"})
    with catalog.session() as s:
        a = s.get(Record, pages["record"])
        others = s.scalars(select(Record).where(Record.id != a.id)).all()
        assert a.index_due is not None and a.last_changed > OLD
        assert all(r.index_due is None and r.last_changed == OLD for r in others)


def test_same_word_count_keeps_each_word_box(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {0: "Kerajaan negeri akan membina sekolah!"})
    page = _get(catalog, pages["a"])
    old = _words(LINES)
    new = page.corrected_words
    assert [w[1:5] for w in new] == [w[1:5] for w in old]
    assert new[4][0] == "sekolah!" and new[4][5] is None  # no reader's confidence
    assert new[5:] == old[5:]  # the other line keeps its OCR words


def test_a_changed_word_count_shares_the_line_box_by_characters(catalog, pages, operator):
    # line 1: "baharu di kawasan luar bandar" spans x 100 .. 100 + 20*25 + 20*4 = 680
    corrections.correct(catalog, operator, pages["a"], {1: "aaaa bbbbbbbb"})
    words = [w for w in _get(catalog, pages["a"]).corrected_words if w[6] == 1]
    assert [w[0] for w in words] == ["aaaa", "bbbbbbbb"]
    left, top, width, height = corrections.lines_of(_get(catalog, pages["a"]))[1].box
    assert (left, top, width, height) == (100, 90, 580, 30)
    unit = width / 13  # 4 + 1 + 8 characters
    assert words[0][1:5] == [100, 90, round(4 * unit), 30]
    assert words[1][1] == 100 + round(5 * unit)
    assert words[1][1] + words[1][3] == 100 + width  # the line's right edge


def test_a_line_corrected_to_nothing_can_be_corrected_again(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {1: "  "})
    page = _get(catalog, pages["a"])
    assert page.corrected_text == LINES[0] + "\n\n"
    assert all(w[6] == 0 for w in page.corrected_words)
    corrections.correct(catalog, operator, pages["a"], {1: "baharu"})
    assert corrections.lines_of(_get(catalog, pages["a"]))[1].text == "baharu"


def test_nothing_changed_writes_nothing(catalog, pages, operator):
    assert (
        corrections.correct(catalog, operator, pages["a"], {0: LINES[0], 1: LINES[1] + " "}) is None
    )
    assert corrections.history(catalog, pages["a"]) == []
    assert _get(catalog, pages["a"]).corrected_text is None


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {7: "no such line"},
        {"x": "not a number"},
        {0: "a" * (corrections.MAX_LINE_CHARS + 1)},
        {0: "two\nlines"},
        {0: "bell\x07"},
        {0: 42},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(catalog, pages, operator, changes):
    with pytest.raises(InvalidInput):
        corrections.correct(catalog, operator, pages["a"], changes)
    assert corrections.history(catalog, pages["a"]) == []
    assert audit_events(catalog, action="page.correct") == []


def test_unknown_page_is_not_found(catalog, pages, operator):
    with pytest.raises(NotFound):
        corrections.correct(catalog, operator, 9999, {0: "x"})


def test_every_correction_is_audited(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {1: "baharu di kawasan pedalaman"})
    [event] = audit_events(catalog, action="page.correct")
    assert (event.target_type, event.target_id, event.partner_id) == (
        "page",
        str(pages["a"]),
        "rajang",
    )
    assert event.actor == "operator@rajang.example"
    assert event.before == {"lines": [[1, LINES[1]]]}
    assert event.after["lines"] == [[1, "baharu di kawasan pedalaman"]]
    assert event.after["version"] == 1


def test_revert_to_a_version_and_to_the_original(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {0: "Kerajaan negeri akan membina sekolah!"})
    corrections.correct(catalog, operator, pages["a"], {0: "Kerajaan", 1: "baharu"})
    third = corrections.revert(catalog, operator, pages["a"], 1)
    assert third.number == 3 and dict(third.lines) == {
        0: "Kerajaan negeri akan membina sekolah!",
        1: LINES[1],
    }
    page = _get(catalog, pages["a"])
    assert page.corrected_text == "Kerajaan negeri akan membina sekolah!\n\n" + LINES[1]
    assert corrections.revert(catalog, operator, pages["a"], 1) is None  # reads so already
    fourth = corrections.revert(catalog, operator, pages["a"], corrections.ORIGINAL)
    assert fourth.number == 4
    page = _get(catalog, pages["a"])
    assert page.corrected_text is None and page.corrected_words is None
    assert page.corrections == 4
    assert [line.corrected for line in corrections.lines_of(page)] == [False, False]
    with pytest.raises(NotFound):
        corrections.revert(catalog, operator, pages["a"], 99)


def test_progress_counts_corrected_pages_and_lines(catalog, pages, operator):
    corrections.correct(catalog, operator, pages["a"], {1: "baharu di kawasan pedalaman"})
    with catalog.session() as s:
        rows = list(s.scalars(select(Page).order_by(Page.id)))
    assert corrections.progress(rows) == corrections.Progress(2, 1, 4, 1)


def test_who_may_correct(catalog, pages):
    curator = _principal(catalog, "curator@rajang.example", ("curator", "rajang"))
    admin_b = _principal(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
    consortium = _principal(catalog, "admin@warisan.example", ("consortium-admin", None))
    researcher = _principal(catalog, "reader@example.org")
    assert corrections.correct(catalog, curator, pages["a"], {0: "Kerajaan"}).number == 1
    assert corrections.correct(catalog, consortium, pages["a"], {0: "Kerajaan negeri"}).number == 2
    for principal in (admin_b, researcher):
        with pytest.raises(Forbidden):
            corrections.correct(catalog, principal, pages["a"], {0: "Dirampas"})
        with pytest.raises(Forbidden):
            corrections.revert(catalog, principal, pages["a"], 1)
    with pytest.raises(Forbidden):  # an operator of A on B's page
        operator = _principal(catalog, "op@rajang.example", ("operator", "rajang"))
        corrections.correct(catalog, operator, pages["b"], {0: "Dirampas"})
    with catalog.session() as s:
        assert (
            s.scalar(select(PageCorrection.number).where(PageCorrection.page_id == pages["b"]))
            is None
        )
    assert _get(catalog, pages["a"]).corrected_text.startswith("Kerajaan negeri\n")


def test_a_line_corrected_meanwhile_is_not_overwritten_unseen(catalog, pages, operator):
    seen = {0: LINES[0], 1: LINES[1]}
    corrections.correct(catalog, operator, pages["a"], {1: "baharu di kawasan pedalaman"})
    with pytest.raises(Conflict) as refused:  # line 1 changed since the form was shown
        corrections.correct(catalog, operator, pages["a"], {1: "baharu di desa"}, seen=seen)
    assert refused.value.fields["code"] == "stale" and refused.value.fields["position"] == 2
    assert [v.number for v in corrections.history(catalog, pages["a"])] == [1]
    # another line of the same stale form is fine: the newer line stays
    corrections.correct(catalog, operator, pages["a"], {0: "Kerajaan negeri"}, seen=seen)
    lines = corrections.lines_of(_get(catalog, pages["a"]))
    assert [line.text for line in lines] == ["Kerajaan negeri", "baharu di kawasan pedalaman"]
