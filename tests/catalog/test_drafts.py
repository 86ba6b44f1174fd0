"""Drafts, review and publishing (catalog.drafts, catalog.page_review): publish and
unpublish write the change, a version, last_changed, index_due and one audit event in
one transaction; page operations change only pages in review and are audited; every
refusal (policy, public pages, bad input) changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from catalog import accounts, drafts, page_review, queries
from catalog.account_models import AuditEvent
from catalog.errors import Forbidden, InvalidInput, NotFound
from catalog.models import DigitalObject, File, Page, Record
from catalog.records import RecordData

OLD = dt.datetime(2020, 1, 1)


def _file(session, n: int) -> str:
    sha = f"{n:064x}"
    if session.get(File, sha) is None:
        session.add(File(sha256=sha, media_type="image/png", size=1, path=f"x/{sha}"))
    return sha


def add_object(catalog, record_id: int, pages: int, *, draft: bool = False) -> list[int]:
    """An object of ``pages`` pages (fake files: no image work here); returns page ids."""
    with catalog.session() as s:
        obj = DigitalObject(record_id=record_id, status="ingested", draft=draft)
        s.add(obj)
        s.flush()
        rows = []
        for order in range(1, pages + 1):
            sha = _file(s, obj.id * 100 + order)
            rows.append(Page(object_id=obj.id, order=order, image_sha256=sha, thumb_sha256=sha))
        s.add_all(rows)
        s.flush()
        return [p.id for p in rows]


@pytest.fixture
def library(catalog):
    """rajang: a draft record with two objects (3 + 2 pages) and a public record with
    one published object (2 pages) and one draft object (2 pages); khatulistiwa: a
    draft record. Everything as of ``OLD``, indexed."""
    catalog.add_partner("rajang", name="Pustaka Rajang", country="MY")
    catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
    draft = catalog.create_uploaded_record("rajang", RecordData(oai_identifier="", title="Draf"))
    public = catalog.upsert_record(
        "rajang", RecordData(oai_identifier="p1", title="Umum")
    ).record_id
    other = catalog.create_uploaded_record(
        "khatulistiwa", RecordData(oai_identifier="", title="Draf B")
    )
    ids = {
        "draft": draft,
        "public": public,
        "other": other,
        "draft_pages": add_object(catalog, draft, 3) + add_object(catalog, draft, 2),
        "public_pages": add_object(catalog, public, 2),
        "added_pages": add_object(catalog, public, 2, draft=True),
        "other_pages": add_object(catalog, other, 1),
    }
    with catalog.session() as s:
        s.execute(update(Record).where(Record.id.in_([draft, other])).values(draft=True))
        s.execute(update(Record).values(last_changed=OLD, index_due=None, version=1))
    return ids


def _principal(catalog, email, role, partner):
    user = accounts.create_user(catalog, email, "correct horse battery staple", actor="test")
    accounts.add_membership(catalog, user.id, role, partner, actor="test")
    return accounts.principal(catalog, user)


@pytest.fixture
def people(catalog, library):
    return {
        "operator": _principal(catalog, "op@rajang.example", "operator", "rajang"),
        "curator": _principal(catalog, "cur@rajang.example", "curator", "rajang"),
        "admin_b": _principal(
            catalog, "admin@khatulistiwa.example", "partner-admin", "khatulistiwa"
        ),
    }


def _row(catalog, record_id) -> Record:
    with catalog.session() as s:
        return s.get(Record, record_id)


def _order(catalog, record_id) -> list[int]:
    """The record's page ids in reading order (objects, then Page.order)."""
    with catalog.session() as s:
        rows = s.execute(
            select(Page.id)
            .join(DigitalObject, Page.object_id == DigitalObject.id)
            .where(DigitalObject.record_id == record_id)
            .order_by(DigitalObject.id, Page.order)
        )
        return list(rows.scalars())


def _events(catalog, action):
    with catalog.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _snapshot(catalog):
    with catalog.session() as s:
        records = [
            (r.id, r.draft, r.published_at, r.version, r.last_changed, r.index_due, r.cover_page_id)
            for r in s.scalars(select(Record).order_by(Record.id))
        ]
        pages = [
            (p.id, p.object_id, p.order, p.image_sha256)
            for p in s.scalars(select(Page).order_by(Page.id))
        ]
        objects = [
            (o.id, o.draft) for o in s.scalars(select(DigitalObject).order_by(DigitalObject.id))
        ]
        events = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        return records, pages, objects, events


# -- publish and unpublish ---------------------------------------------------------------


def test_publishing_a_draft_makes_it_and_its_objects_public_in_one_step(catalog, library, people):
    done = drafts.publish(catalog, people["operator"], library["draft"])
    assert done.record and done.changed and len(done.objects) == 0
    row = _row(catalog, library["draft"])
    assert not row.draft and row.published_at is not None
    assert row.version == 2 and row.last_changed > OLD and row.index_due is not None
    assert queries.is_visible(row) and queries.is_exposed(row)
    (event,) = _events(catalog, "record.publish")
    assert event.before["draft"] is True and event.after["draft"] is False
    assert event.partner_id == "rajang" and event.actor == "op@rajang.example"
    # publishing again changes nothing
    assert not drafts.publish(catalog, people["operator"], library["draft"]).changed
    assert _row(catalog, library["draft"]).version == 2


def test_publishing_a_public_records_draft_scans(catalog, library, people):
    with catalog.session() as s:
        added = s.get(Page, library["added_pages"][0]).object_id
    done = drafts.publish(catalog, people["curator"], library["public"])
    assert not done.record and done.objects == (added,)
    with catalog.session() as s:
        assert s.get(DigitalObject, added).draft is False
    row = _row(catalog, library["public"])
    assert row.version == 2 and row.index_due is not None
    (event,) = _events(catalog, "record.publish-scans")
    assert event.before["draft_objects"] == [added] and event.after["objects"] == [added]


def test_the_first_publication_time_is_kept(catalog, library, people):
    drafts.publish(catalog, people["curator"], library["draft"])
    first = _row(catalog, library["draft"]).published_at
    drafts.unpublish(catalog, people["curator"], library["draft"], "Salah judul")
    drafts.publish(catalog, people["curator"], library["draft"])
    assert _row(catalog, library["draft"]).published_at == first


def test_unpublishing_needs_a_reason_and_is_audited(catalog, library, people):
    before = _snapshot(catalog)
    with pytest.raises(InvalidInput):
        drafts.unpublish(catalog, people["curator"], library["public"], "  ")
    with pytest.raises(InvalidInput):
        drafts.unpublish(catalog, people["curator"], library["public"], "x" * 2001)
    assert _snapshot(catalog) == before
    assert drafts.unpublish(catalog, people["curator"], library["public"], "Hak cipta ") is True
    row = _row(catalog, library["public"])
    assert row.draft and not queries.is_visible(row)
    assert row.published_at is not None and queries.is_exposed(row)  # OAI: deleted
    assert row.version == 2 and row.last_changed > OLD and row.index_due is not None
    (event,) = _events(catalog, "record.unpublish")
    assert event.after["draft"] is True and event.after["reason"] == "Hak cipta"
    assert event.before["draft"] is False
    # a draft stays a draft
    assert drafts.unpublish(catalog, people["curator"], library["public"], "lagi") is False


def test_the_policy_decides_with_the_records_own_partner(catalog, library, people):
    before = _snapshot(catalog)
    with pytest.raises(Forbidden):  # an operator may publish, not unpublish
        drafts.unpublish(catalog, people["operator"], library["public"], "no")
    for who, record in (("admin_b", "draft"), ("admin_b", "public"), ("operator", "other")):
        with pytest.raises(Forbidden):
            drafts.publish(catalog, people[who], library[record])
    with pytest.raises(Forbidden):
        drafts.unpublish(catalog, people["admin_b"], library["public"], "no")
    with pytest.raises(Forbidden):
        page_review.set_cover(
            catalog, people["admin_b"], library["draft"], library["draft_pages"][0]
        )
    with pytest.raises(NotFound):
        drafts.publish(catalog, people["operator"], 99_999)
    assert _snapshot(catalog) == before


# -- page operations ---------------------------------------------------------------------


def test_reordering_moves_pages_across_the_records_objects(catalog, library, people):
    pages = library["draft_pages"]
    new = [pages[4], pages[0], pages[2], pages[3], pages[1]]
    assert page_review.reorder(catalog, people["operator"], library["draft"], new) is True
    assert _order(catalog, library["draft"]) == new
    with catalog.session() as s:
        objects = [s.get(Page, pid).object_id for pid in new]
        orders = [s.get(Page, pid).order for pid in new]
    assert objects[:3] == [objects[0]] * 3 and objects[3:] == [objects[3]] * 2  # 3 + 2 kept
    assert orders == [1, 2, 3, 1, 2]
    (event,) = _events(catalog, "page.reorder")
    assert event.before == {"pages": pages} and event.after == {"pages": new}
    assert page_review.reorder(catalog, people["operator"], library["draft"], new) is False


def test_a_bad_order_is_refused_and_changes_nothing(catalog, library, people):
    pages = library["draft_pages"]
    before = _snapshot(catalog)
    for bad in (pages[:4], [*pages, pages[0]], [*pages[:4], library["other_pages"][0]], ["x"]):
        with pytest.raises(InvalidInput):
            page_review.reorder(catalog, people["operator"], library["draft"], bad)
    assert _snapshot(catalog) == before


def test_moving_a_page_up_and_down(catalog, library, people):
    p = library["draft_pages"]
    op = people["operator"]
    assert page_review.move_page(catalog, op, library["draft"], p[3], -1)  # over the boundary
    assert _order(catalog, library["draft"]) == [p[0], p[1], p[3], p[2], p[4]]
    assert page_review.move_page(catalog, op, library["draft"], p[0], 1)
    assert _order(catalog, library["draft"]) == [p[1], p[0], p[3], p[2], p[4]]
    assert not page_review.move_page(catalog, op, library["draft"], p[1], -1)  # first already
    assert not page_review.move_page(catalog, op, library["draft"], p[4], 1)  # last already
    assert len(_events(catalog, "page.reorder")) == 2


def test_only_the_draft_scans_of_a_public_record_move(catalog, library, people):
    published, added = library["public_pages"], library["added_pages"]
    op = people["operator"]
    before = _snapshot(catalog)
    with pytest.raises(drafts.NotReviewable) as refused:
        page_review.move_page(catalog, op, library["public"], published[1], 1)
    assert "review is for drafts" in refused.value.message
    with pytest.raises(InvalidInput):  # the published pages are not part of the review
        page_review.reorder(catalog, op, library["public"], [*published, *added[::-1]])
    assert _snapshot(catalog) == before
    assert page_review.reorder(catalog, op, library["public"], added[::-1])
    assert _order(catalog, library["public"]) == [*published, *added[::-1]]


def test_deleting_pages_and_an_emptied_object(catalog, library, people):
    p = library["draft_pages"]
    op = people["operator"]
    page_review.set_cover(catalog, op, library["draft"], p[3])
    assert page_review.delete_page(catalog, op, library["draft"], p[3])
    assert _row(catalog, library["draft"]).cover_page_id is None
    assert page_review.delete_page(catalog, op, library["draft"], p[4])
    assert _order(catalog, library["draft"]) == p[:3]
    with catalog.session() as s:
        objects = s.scalars(
            select(DigitalObject.id).where(DigitalObject.record_id == library["draft"])
        ).all()
        assert len(objects) == 1  # the second object went with its last page
        assert s.get(File, f"{0:064x}") is None  # (no file is removed: only rows of pages)
    events = _events(catalog, "page.delete")
    assert [e.before["page"] for e in events] == [p[3], p[4]]
    assert [e.after["object_removed"] for e in events] == [False, True]
    with pytest.raises(NotFound):
        page_review.delete_page(catalog, op, library["draft"], p[3])
    with pytest.raises(NotFound):  # a page of another record
        page_review.delete_page(catalog, op, library["draft"], library["public_pages"][0])
    # the page order still reorders after deletions
    assert page_review.reorder(catalog, op, library["draft"], p[:3][::-1])


def test_published_pages_of_a_public_record_are_refused(catalog, library, people):
    published = library["public_pages"][0]
    op = people["curator"]
    before = _snapshot(catalog)
    for change in (
        lambda: page_review.delete_page(catalog, op, library["public"], published),
        lambda: page_review.set_cover(catalog, op, library["public"], published),
        lambda: page_review.move_page(catalog, op, library["public"], published, 1),
    ):
        with pytest.raises(drafts.NotReviewable):
            change()
    assert _snapshot(catalog) == before


def test_setting_the_cover(catalog, library, people):
    page = library["draft_pages"][2]
    assert page_review.set_cover(catalog, people["operator"], library["draft"], page)
    assert _row(catalog, library["draft"]).cover_page_id == page
    assert not page_review.set_cover(catalog, people["operator"], library["draft"], page)
    (event,) = _events(catalog, "record.cover")
    assert event.before == {"cover_page_id": None} and event.after == {"cover_page_id": page}
    # page operations on drafts leave the record's version and index mark alone
    row = _row(catalog, library["draft"])
    assert row.version == 1 and row.index_due is None


def test_the_review_read_model(catalog, library, people):
    with catalog.session() as s:
        s.execute(
            update(Page).where(Page.id == library["added_pages"][1]).values(mean_confidence=40.0)
        )
        s.execute(
            update(Page).where(Page.id == library["public_pages"][0]).values(mean_confidence=90.0)
        )
        s.execute(
            update(Page).where(Page.id == library["added_pages"][0]).values(mean_confidence=70.0)
        )
    found = page_review.review(catalog, library["public"])
    assert [p.number for p in found.pages] == [1, 2, 3, 4]
    assert [p.in_review for p in found.pages] == [False, False, True, True]
    assert found.publishable and len(found.in_review) == 2
    worst = [p.id for p in page_review.worst_first(found.pages)]
    public, added = library["public_pages"], library["added_pages"]
    assert worst == [added[1], added[0], public[0], public[1]]  # unread pages last
    with pytest.raises(NotFound):
        page_review.review(catalog, 99_999)
