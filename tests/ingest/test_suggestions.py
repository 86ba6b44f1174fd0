"""Researchers' suggested corrections (ingest.suggestions): off unless the partner turns
them on; a suggestion waits without touching the page; a member approves it (applied to
the page as it reads then) or rejects it; who may do which; the setting survives a
profile edit."""

# ruff: noqa: F811  (the fixtures imported from test_corrections are arguments here)
from __future__ import annotations

import pytest
from sqlalchemy import update

from catalog import profiles
from catalog.audit import audit_events
from catalog.errors import Conflict, Forbidden, NotFound
from catalog.models import Partner, Record
from catalog.policy import ANONYMOUS
from ingest import corrections, suggestions
from tests.ingest.test_corrections import LINES, _get, _principal, operator, pages  # noqa: F401


@pytest.fixture
def reader(catalog, pages):
    return _principal(catalog, "reader@example.org")


@pytest.fixture
def admin_a(catalog, pages):
    return _principal(catalog, "admin@rajang.example", ("partner-admin", "rajang"))


@pytest.fixture
def open_to_suggestions(catalog, admin_a):
    assert suggestions.allow_suggestions(catalog, admin_a, "rajang", True) is True
    assert suggestions.allow_suggestions(catalog, admin_a, "rajang", True) is False


def test_off_by_default(catalog, pages, reader):
    with pytest.raises(Forbidden):
        suggestions.suggest(catalog, reader, pages["a"], {1: "baharu"})


def test_only_a_profile_editor_turns_them_on(catalog, pages, operator, admin_a):
    with pytest.raises(Forbidden):
        suggestions.allow_suggestions(catalog, operator, "rajang", True)
    suggestions.allow_suggestions(catalog, admin_a, "rajang", True)
    [event] = audit_events(catalog, action="partner.suggestions")
    assert (event.before, event.after) == ({"suggestions": False}, {"suggestions": True})
    # a profile edit keeps the setting
    profiles.update_profile(catalog, "rajang", {"names": {"en": "Rajang Library"}}, "test")
    _, profile = profiles.get_profile(catalog, "rajang")
    assert profile.names == {"en": "Rajang Library"}
    with catalog.session() as s:
        assert suggestions.allows_suggestions(s.get(Partner, "rajang"))


def test_a_suggestion_waits_and_changes_nothing(catalog, pages, reader, open_to_suggestions):
    version = suggestions.suggest(catalog, reader, pages["a"], {1: "baharu di kawasan pedalaman"})
    assert version.status == "pending" and version.actor == "reader@example.org"
    page = _get(catalog, pages["a"])
    assert page.corrected_text is None and page.corrections == 0
    with catalog.session() as s:
        assert s.get(Record, pages["record"]).index_due is None
    [waiting] = suggestions.pending(
        catalog, _principal(catalog, "cur@rajang.example", ("curator", "rajang")), "rajang"
    )
    assert waiting.id == version.id and waiting.lines == (
        (1, LINES[1], "baharu di kawasan pedalaman"),
    )
    assert waiting.record_title == "Akhbar"
    assert [e.action for e in audit_events(catalog, action="page.suggest")] == ["page.suggest"]


def test_approve_applies_it_to_the_page_as_it_reads_now(
    catalog,
    pages,
    reader,
    operator,
    open_to_suggestions,
):
    waiting = suggestions.suggest(catalog, reader, pages["a"], {1: "baharu di kawasan pedalaman"})
    corrections.correct(catalog, operator, pages["a"], {0: "Kerajaan negeri membina sekolah"})
    approved = suggestions.approve(catalog, operator, waiting.id)
    assert approved.status == "accepted" and approved.number == waiting.number
    page = _get(catalog, pages["a"])
    assert page.corrected_text == "Kerajaan negeri membina sekolah\n\nbaharu di kawasan pedalaman"
    assert page.corrections == 2
    with catalog.session() as s:
        assert s.get(Record, pages["record"]).index_due is not None
    with pytest.raises(Conflict):
        suggestions.approve(catalog, operator, waiting.id)
    assert [v.status for v in corrections.history(catalog, pages["a"])] == ["accepted", "accepted"]


def test_reject_keeps_it_in_the_history(catalog, pages, reader, operator, open_to_suggestions):
    waiting = suggestions.suggest(catalog, reader, pages["a"], {1: "coretan"})
    suggestions.reject(catalog, operator, waiting.id)
    assert [v.status for v in corrections.history(catalog, pages["a"])] == ["rejected"]
    assert _get(catalog, pages["a"]).corrected_text is None
    assert suggestions.pending(catalog, operator, "rajang") == []
    with pytest.raises(Conflict):
        suggestions.reject(catalog, operator, waiting.id)


def test_who_may(catalog, pages, reader, open_to_suggestions):
    with pytest.raises(Forbidden):
        suggestions.suggest(catalog, ANONYMOUS, pages["a"], {1: "x"})
    with pytest.raises(Forbidden):  # B takes no suggestions
        suggestions.suggest(catalog, reader, pages["b"], {1: "x"})
    waiting = suggestions.suggest(catalog, reader, pages["a"], {1: "x"})
    admin_b = _principal(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
    for principal in (reader, admin_b):
        with pytest.raises(Forbidden):
            suggestions.approve(catalog, principal, waiting.id)
        with pytest.raises(Forbidden):
            suggestions.reject(catalog, principal, waiting.id)
        with pytest.raises(Forbidden):
            suggestions.pending(catalog, principal, "rajang")
    with pytest.raises(NotFound):
        suggestions.approve(catalog, admin_b, 9999)
    with catalog.session() as s:  # a withdrawn record's page takes none
        s.execute(update(Record).where(Record.id == pages["record"]).values(hidden=True))
    with pytest.raises(NotFound):
        suggestions.suggest(catalog, reader, pages["a"], {1: "y"})
    assert _get(catalog, pages["a"]).text == "\n\n".join(LINES)
