"""Listing the audit log: filters, pages (newest first), and diffs as text."""

from __future__ import annotations

import datetime as dt

from catalog.account_models import AuditEvent
from catalog.audit import AuditFilter, audit_choices, audit_page, changes, record_audit


def add(catalog, actor, action, target, partner, at, before=None, after=None):
    with catalog.session() as s:
        event = record_audit(s, actor, action, target, before, after, partner_id=partner)
        event.at = at


def fill(catalog):
    day = dt.datetime(2026, 3, 1, 12, 0)
    add(catalog, "siti@rajang.example", "partner.profile", ("partner", "rajang"), "rajang", day)
    add(catalog, "cli", "partner.update", ("partner", "rajang"), "rajang", day.replace(day=2))
    add(catalog, "ali@kalbar.example", "partner.profile", ("partner", "kalbar"), "kalbar", day)
    add(catalog, "cli", "user.create", ("user", 1), None, day.replace(day=3))
    add(catalog, "100%_sure", "record.hide", ("record", 7), "rajang", day.replace(day=4))


def actions(page):
    return [e.action for e in page.events]


def test_filters_narrow_and_newest_comes_first(sqlite_catalog):
    fill(sqlite_catalog)
    everything = audit_page(sqlite_catalog, AuditFilter())
    assert everything.total == 5
    assert actions(everything)[:2] == ["record.hide", "user.create"]
    rajang = audit_page(sqlite_catalog, AuditFilter(partner_id="rajang"))
    assert actions(rajang) == ["record.hide", "partner.update", "partner.profile"]
    assert audit_page(sqlite_catalog, AuditFilter(actor="SITI")).total == 1
    assert audit_page(sqlite_catalog, AuditFilter(actor="%")).total == 1  # a literal %
    assert audit_page(sqlite_catalog, AuditFilter(actor="0%_")).total == 1
    assert audit_page(sqlite_catalog, AuditFilter(action="partner.profile")).total == 2
    assert audit_page(sqlite_catalog, AuditFilter(target_type="user", target_id="1")).total == 1
    window = AuditFilter(since=dt.datetime(2026, 3, 2), until=dt.datetime(2026, 3, 4))
    assert actions(audit_page(sqlite_catalog, window)) == ["user.create", "partner.update"]
    scoped = AuditFilter(partner_id="rajang", target_type="partner", target_id="kalbar")
    assert audit_page(sqlite_catalog, scoped).total == 0


def test_pages_hold_per_page_events_each(sqlite_catalog):
    fill(sqlite_catalog)
    first = audit_page(sqlite_catalog, AuditFilter(), page=1, per_page=2)
    third = audit_page(sqlite_catalog, AuditFilter(), page=3, per_page=2)
    assert (first.pages, len(first.events), len(third.events)) == (3, 2, 1)
    assert audit_page(sqlite_catalog, AuditFilter(), page=9, per_page=2).events == []


def test_choices_of_one_partner_name_only_its_events(sqlite_catalog):
    fill(sqlite_catalog)
    mine = audit_choices(sqlite_catalog, "kalbar")
    assert mine == {
        "action": ["partner.profile"],
        "target_type": ["partner"],
        "partner_id": ["kalbar"],
    }
    assert "user.create" in audit_choices(sqlite_catalog)["action"]


def test_changes_are_text_field_by_field():
    event = AuditEvent(
        before={"names.en": "Old", "sets": ["a"], "gone": "x"},
        after={"names.en": "<b>New</b>", "sets": ["a", "b"], "active": False},
    )
    assert [(c.field, c.before, c.after) for c in changes(event)] == [
        ("active", "", "false"),
        ("gone", "x", ""),
        ("names.en", "Old", "<b>New</b>"),
        ("sets", '["a"]', '["a", "b"]'),
    ]
