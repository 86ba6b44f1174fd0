"""The audit log pages: who sees which events, filters, pages, diffs as text."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html

from catalog import profiles
from catalog.audit import record_audit
from tests.portal.profile.conftest import A, B

MINE = f"/workspace/partners/{A}/audit"
THEIRS = f"/workspace/partners/{B}/audit"
ALL = "/workspace/audit"


@pytest.fixture
def events(catalog):
    """A profile change at A (with markup), one at B, and the members' events."""
    profiles.update_profile(catalog, A, {"names": {"en": "<i>Rajang</i> Library"}}, "cli")
    profiles.update_profile(catalog, B, {"names": {"id": "Arsip Rahasia B"}}, "admin-b@example.org")
    return catalog


def event_actions(response) -> list[str]:
    doc = html.fromstring(response.data)
    return [s.text for s in doc.xpath('//li[@class="audit-event"]/p[1]/strong')]


def listed(response) -> str:
    """The text of the listed events (the page echoes its own query string elsewhere)."""
    doc = html.fromstring(response.data)
    return " ".join(ol.text_content() for ol in doc.xpath('//ol[@class="audit-events"]'))


def test_a_partner_admin_sees_only_their_partners_events(events, login):
    client = login("admin-a@example.org")
    page = client.get(MINE)
    assert page.status_code == 200
    assert "partner.profile" in event_actions(page)
    assert "Arsip Rahasia B" not in page.text and B not in listed(page)
    assert "&lt;i&gt;Rajang&lt;/i&gt; Library" in page.text  # values shown as text
    assert "<i>Rajang" not in page.text
    for url in (
        f"{MINE}?partner={B}",
        f"{MINE}?target_type=partner&target_id={B}",
        f"{MINE}?actor=cli&action=partner.profile&partner_id={B}",
    ):
        response = client.get(url)
        assert "Arsip Rahasia B" not in response.text and B not in listed(response), url
    assert client.get(THEIRS).status_code == 403
    assert client.get(ALL).status_code == 403


def test_curators_and_researchers_do_not_see_the_log(events, login):
    curator = login("curator-a@example.org")
    assert curator.get(MINE).status_code == 403
    assert curator.get(ALL).status_code == 403


def test_a_consortium_admin_sees_everything_and_filters_it(events, login):
    client = login("root@example.org")
    everything = client.get(ALL)
    assert everything.status_code == 200
    assert "Arsip Rahasia B" in everything.text and "Rajang" in everything.text
    assert "user.create" in event_actions(everything)
    only_b = client.get(f"{ALL}?partner={B}&action=partner.profile")
    assert event_actions(only_b) == ["partner.profile"] and "Arsip Rahasia B" in only_b.text
    by_actor = client.get(f"{ALL}?actor=ADMIN-B")
    assert event_actions(by_actor) == ["partner.profile"]
    assert "Arsip Rahasia B" in listed(by_actor) and "Rajang" not in listed(by_actor)
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    assert "No changes match." in client.get(f"{ALL}?since={tomorrow}").text
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert "partner.profile" in event_actions(client.get(f"{ALL}?since={today}&until={today}"))
    assert client.get(f"{THEIRS}").status_code == 200
    assert client.get("/workspace/partners/nobody/audit").status_code == 404


def test_bad_filters_are_an_error_next_to_the_field(events, login):
    client = login("root@example.org")
    response = client.get(f"{ALL}?since=not-a-date&action=no.such.action")
    assert response.status_code == 400
    doc = html.fromstring(response.data)
    assert doc.get_element_by_id("since-errors") is not None
    assert doc.get_element_by_id("action-errors") is not None


def test_the_log_is_paged_newest_first(events, login):
    with events.session() as s:
        for n in range(55):
            record_audit(s, "cli", "record.hide", ("record", n), None, {"n": n}, partner_id=A)
    client = login("admin-a@example.org")
    first = client.get(f"{MINE}?action=record.hide")
    doc = html.fromstring(first.data)
    assert len(event_actions(first)) == 50
    assert "Page 1 of 2" in first.text
    older = doc.xpath('//a[@rel="next"]/@href')[0]
    assert "action=record.hide" in older and "page=2" in older
    second = client.get(older)
    assert len(event_actions(second)) == 5
