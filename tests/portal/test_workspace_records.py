"""The workspace's record controls, end to end through the real app: a withdrawn record
answers 410 on its page and in the API, is reported deleted by our OAI-PMH provider with
a new datestamp, leaves search, and comes back on restore; embargoes show on the record
page and end by the release job; nothing of partner A changes by the hand of partner B's
admin, without a CSRF token, or with a bad value."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree, html
from sqlalchemy import select, update

from catalog.account_models import AuditEvent
from catalog.models import DigitalObject, Record, utcnow
from portal.services import get_services
from search import indexing
from tests.portal.public.conftest import build_library
from tests.support.web import csrf_token, log_in, make_user

OAI = {"o": "http://www.openarchives.org/OAI/2.0/"}
OLD = dt.datetime(2020, 1, 1)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
HOSTILE = '<script>alert("x")</script> <b>ahli waris</b>'


@pytest.fixture
def library(app):
    library = build_library(app)
    with app.app_context():
        catalog = get_services().catalog
        with catalog.session() as s:
            s.execute(update(Record).values(last_changed=OLD))
        get_services().search.reindex()
        indexing.drain(catalog, get_services().search)
    return library


@pytest.fixture
def users(app, library):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        catalog = get_services().catalog
        make_user(catalog, "curator@rajang.example", ("curator", "rajang"))
        make_user(catalog, "admin@khatulistiwa.example", ("partner-admin", "khatulistiwa"))
        make_user(catalog, "op@rajang.example", ("operator", "rajang"))
    return {
        "curator A": "curator@rajang.example",
        "admin B": "admin@khatulistiwa.example",
        "operator A": "op@rajang.example",
    }


def _client(app, email):
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


@pytest.fixture
def curator(app, users):
    return _client(app, users["curator A"])


@pytest.fixture
def admin_b(app, users):
    return _client(app, users["admin B"])


def _post(client, path, data, form_page):
    return client.post(path, data={"csrf_token": csrf_token(client, form_page), **data})


def _drain(app):
    with app.app_context():
        services = get_services()
        indexing.drain(services.catalog, services.search)


def _state(app):
    """Everything the controls could change, and how many audit events there are."""
    with app.app_context(), get_services().catalog.session() as s:
        records = [
            (r.id, r.hidden, r.hidden_reason, r.embargo_until, r.access, r.version)
            for r in s.scalars(select(Record).order_by(Record.id))
        ]
        objects = [(o.id, o.access) for o in s.scalars(select(DigitalObject))]
        events = len(list(s.scalars(select(AuditEvent.id))))
        return records, objects, events


def _search_ids(client, q="hikayat"):
    return {hit["id"] for hit in client.get("/api/search", query_string={"q": q}).json["hits"]}


def _check_withdrawn_schema(client, body) -> None:
    """The 410 body is what the OpenAPI document says each record path may answer."""
    from jsonschema import Draft202012Validator

    doc = client.get("/api/openapi.json").get_json()
    gone = doc["components"]["responses"]["Withdrawn"]
    schema = gone["content"]["application/json"]["schema"]
    assert list(Draft202012Validator(schema).iter_errors(body)) == []
    assert list(Draft202012Validator(schema).iter_errors({"error": "Withdrawn"}))  # it checks
    for path in ("/api/records/{record_id}", "/api/records/{record_id}/pages/{number}"):
        assert doc["paths"][path]["get"]["responses"]["410"] == {
            "$ref": "#/components/responses/Withdrawn"
        }


def _oai_header(client, record_id):
    doc = etree.fromstring(
        client.get(
            "/oai",
            query_string={
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": f"oai:warisan.example:{record_id}",
            },
        ).data
    )
    return doc.find(".//o:header", OAI)


def test_withdraw_and_restore_end_to_end(app, library, curator):
    public = app.test_client()
    rid = library.manuscript
    page = f"/workspace/records/{rid}"
    assert rid in _search_ids(public)
    before_withdraw = utcnow().replace(microsecond=0)

    done = _post(curator, f"{page}/withdraw", {"reason": HOSTILE}, page)
    assert done.status_code == 302 and done.headers["Location"] == page
    assert "The record was withdrawn." in curator.get(page).text
    _drain(app)

    gone = public.get(f"/records/{rid}")
    assert gone.status_code == 410 and gone.headers["Cache-Control"] == "no-cache"
    assert "withdrawn by the partner" in gone.text and "Pustaka Warisan Rajang" in gone.text
    reason = html.fromstring(gone.data).xpath('//*[@class="withdrawn-reason"]')[0]
    assert reason.text_content() == HOSTILE  # the markup is text
    assert "<script>alert" not in gone.text
    api = public.get(f"/api/records/{rid}")
    assert api.status_code == 410 and api.json["reason"] == HOSTILE
    assert api.headers["Cache-Control"] == "no-cache"
    _check_withdrawn_schema(public, api.json)
    assert public.get(f"/api/records/{rid}/pages/1").status_code == 410
    header = _oai_header(public, rid)
    assert header.get("status") == "deleted"
    stamp = dt.datetime.strptime(
        header.findtext("o:datestamp", namespaces=OAI), "%Y-%m-%dT%H:%M:%SZ"
    )
    assert stamp >= before_withdraw
    since = before_withdraw.strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = etree.fromstring(
        public.get(
            "/oai",
            query_string={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": since},
        ).data
    )
    headers = listed.findall(".//o:header", OAI)
    assert [(h.findtext("o:identifier", namespaces=OAI), h.get("status")) for h in headers] == [
        (f"oai:warisan.example:{rid}", "deleted")
    ]
    assert rid not in _search_ids(public)
    assert public.get(f"/records/{library.deleted}").status_code == 404  # a tombstone: as before

    done = _post(curator, f"{page}/restore", {}, page)
    assert done.status_code == 302
    _drain(app)
    assert public.get(f"/records/{rid}").status_code == 200
    assert public.get(f"/api/records/{rid}").status_code == 200
    assert _oai_header(public, rid).get("status") is None
    assert rid in _search_ids(public)


def test_bulk_withdraw_and_restore_from_the_list(app, library, curator):
    listing = "/workspace/partners/rajang/records"
    ids = [library.manuscript, library.hostile]
    out = _post(curator, listing, {"record": ids, "reason": "Hak cipta", "withdraw": "1"}, listing)
    assert out.status_code == 302
    page = curator.get(listing, query_string={"state": "withdrawn"})
    assert "2 records withdrawn." in page.text
    rows = html.fromstring(page.data).xpath('//input[@name="record"]/@value')
    assert sorted(int(r) for r in rows) == sorted(ids)
    for rid in ids:
        assert app.test_client().get(f"/records/{rid}").status_code == 410
    out = _post(curator, listing, {"record": ids, "restore": "1"}, listing)
    assert out.status_code == 302
    assert (
        curator.get(listing, query_string={"state": "withdrawn"}).text.count('name="record"') == 0
    )
    for rid in ids:
        assert app.test_client().get(f"/records/{rid}").status_code == 200


def test_the_list_filters_by_state_and_text(app, library, curator):
    listing = "/workspace/partners/rajang/records"
    page = f"/workspace/records/{library.hostile}"
    _post(curator, f"{page}/embargo", {"until": "2999-01-01"}, page)

    def titles(**args):
        doc = html.fromstring(curator.get(listing, query_string=args).data)
        return sorted(a.text_content() for a in doc.xpath("//table//td/a"))

    assert len(titles()) == 3  # the tombstone included
    assert titles(state="embargoed") == ['Surat <script>alert("x")</script> & co']
    assert titles(state="metadata-only") == ['Surat <script>alert("x")</script> & co']
    assert titles(q="sambas") == ["Hikajat Radja-Radja Sambas"]
    assert titles(q="oai:rajang:3") == ["Gone"]
    assert titles(q="100%") == []
    assert curator.get(listing, query_string={"state": "bogus"}).status_code == 400


def test_another_partners_admin_changes_nothing(app, library, admin_b):
    a, b = library.manuscript, library.plain
    own = f"/workspace/records/{b}"
    listing_a = "/workspace/partners/rajang/records"
    listing_b = "/workspace/partners/khatulistiwa/records"
    before = _state(app)
    token = csrf_token(admin_b, own)
    attempts = [
        (f"/workspace/records/{a}/withdraw", {"reason": "x"}, 403),
        (f"/workspace/records/{a}/restore", {}, 403),
        (f"/workspace/records/{a}/embargo", {"until": "2999-01-01"}, 403),
        (f"/workspace/records/{a}/embargo/lift", {}, 403),
        (f"/workspace/records/{a}/access", {"level": "metadata"}, 403),
        (f"/workspace/records/{a}/rights", {"uri": CC_BY}, 403),
        (
            f"/workspace/records/{a}/access",
            {"level": "metadata", "object": library.object_id},
            403,
        ),
        # its own record's URL with an object of A's record
        (f"{own}/access", {"level": "metadata", "object": library.object_id}, 404),
        (listing_a, {"record": [a], "reason": "x", "withdraw": "1"}, 403),
        (listing_b, {"record": [b, a], "reason": "x", "withdraw": "1"}, 404),
        (listing_b, {"record": [b, a], "restore": "1"}, 404),
    ]
    for path, data, status in attempts:
        got = admin_b.post(path, data={"csrf_token": token, **data})
        assert got.status_code == status, (path, data, got.status_code)
    assert admin_b.get(f"/workspace/records/{a}").status_code == 403
    assert _state(app) == before


def test_an_operator_sees_the_records_but_may_not_change_them(app, library, users):
    operator = _client(app, users["operator A"])
    page = f"/workspace/records/{library.manuscript}"
    shown = operator.get(page)
    assert shown.status_code == 200 and "/withdraw" not in shown.text
    before = _state(app)
    token = csrf_token(operator, "/workspace/partners/rajang/records")
    for path, data in (
        (f"{page}/withdraw", {"reason": "x"}),
        (f"{page}/access", {"level": "onsite"}),
    ):
        assert operator.post(path, data={"csrf_token": token, **data}).status_code == 403
    assert _state(app) == before


def test_a_missing_or_wrong_csrf_token_is_refused(app, library, curator):
    page = f"/workspace/records/{library.manuscript}"
    before = _state(app)
    for data in ({}, {"csrf_token": "forged"}):
        assert curator.post(f"{page}/withdraw", data={**data, "reason": "x"}).status_code == 400
        assert curator.post(f"{page}/embargo/lift", data=data).status_code == 400
        listing = "/workspace/partners/rajang/records"
        bulk = {**data, "record": [library.manuscript], "reason": "x", "withdraw": "1"}
        assert curator.post(listing, data=bulk).status_code == 400
    assert _state(app) == before


def test_bad_values_are_clear_and_keep_what_was_typed(app, library, curator):
    page = f"/workspace/records/{library.manuscript}"
    before = _state(app)
    empty = _post(curator, f"{page}/withdraw", {"reason": "   "}, page)
    assert empty.status_code == 400 and "Give a reason for withdrawing." in empty.text
    past = _post(curator, f"{page}/embargo", {"until": "2001-02-03"}, page)
    assert past.status_code == 400 and "The date must be in the future." in past.text
    assert 'value="2001-02-03"' in past.text
    assert _post(curator, f"{page}/embargo", {"until": "soon"}, page).status_code == 400
    assert _post(curator, f"{page}/access", {"level": "secret"}, page).status_code == 400
    listing = "/workspace/partners/rajang/records"
    no_reason = _post(
        curator, listing, {"record": [library.manuscript], "reason": "", "withdraw": "1"}, listing
    )
    assert no_reason.status_code == 400
    rid = library.manuscript
    assert f'value="{rid}" id="pick-{rid}" checked' in no_reason.text
    nothing = _post(curator, listing, {"reason": "alasan", "withdraw": "1"}, listing)
    assert nothing.status_code == 400 and "Choose at least one record" in nothing.text
    assert _state(app) == before


def test_embargo_shows_on_the_record_page_and_ends_by_the_release_job(
    app, library, curator, runner
):
    rid = library.manuscript
    page = f"/workspace/records/{rid}"
    until = (utcnow() + dt.timedelta(days=30)).date()
    assert _post(curator, f"{page}/embargo", {"until": until.isoformat()}, page).status_code == 302
    public = app.test_client().get(f"/records/{rid}")
    assert public.status_code == 200
    assert "Under embargo" in public.text and str(until.year) in public.text
    assert runner.invoke(args=["embargo", "release"]).output.startswith("0 embargoes released")
    with app.app_context(), get_services().catalog.session() as s:
        s.execute(
            update(Record)
            .where(Record.id == rid)
            .values(embargo_until=utcnow() - dt.timedelta(minutes=1))
        )
    result = runner.invoke(args=["embargo", "release"])
    assert result.exit_code == 0 and result.output.startswith("1 embargo released"), result.output
    assert "Under embargo" not in app.test_client().get(f"/records/{rid}").text
    with app.app_context(), get_services().catalog.session() as s:
        row = s.get(Record, rid)
        assert row.embargo_until is None and row.index_due is None  # released and indexed
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "record.embargo-released"))
        assert event.actor == "system" and event.target_id == str(rid)


def test_access_levels_of_the_record_and_an_object(app, library, curator):
    page = f"/workspace/records/{library.manuscript}"
    assert _post(curator, f"{page}/access", {"level": "onsite"}, page).status_code == 302
    obj = {"level": "metadata", "object": library.object_id}
    assert _post(curator, f"{page}/access", obj, page).status_code == 302
    shown = curator.get(page).text
    assert "The access level was saved." in shown
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(Record, library.manuscript).access == "onsite"
        assert s.get(DigitalObject, library.object_id).access == "metadata"
    follow = {"level": "", "object": library.object_id}
    assert _post(curator, f"{page}/access", follow, page).status_code == 302
    with app.app_context(), get_services().catalog.session() as s:
        assert s.get(DigitalObject, library.object_id).access is None


def test_the_partner_page_links_the_records_section(app, library, curator):
    page = curator.get("/workspace/partners/rajang/")
    assert 'href="/workspace/partners/rajang/records"' in page.text


def test_rights_chosen_from_the_list(app, library, curator):
    page = f"/workspace/records/{library.manuscript}"
    form = html.fromstring(curator.get(page).data)
    offered = form.xpath('//select[@name="uri"]/option/@value')
    assert "" in offered and CC_BY in offered
    assert _post(curator, f"{page}/rights", {"uri": CC_BY}, page).status_code == 302
    shown = curator.get(page).text
    assert "The rights statement was saved." in shown and "CC BY 4.0" in shown
    with app.app_context(), get_services().catalog.session() as s:
        row = s.get(Record, library.manuscript)
        assert (row.rights_uri, row.rights_source) == (CC_BY, "workspace")
    before = _state(app)
    bad = _post(curator, f"{page}/rights", {"uri": "https://example.org/mine"}, page)
    assert bad.status_code == 400
    assert _state(app) == before
    assert _post(curator, f"{page}/rights", {"uri": ""}, page).status_code == 302
    with app.app_context(), get_services().catalog.session() as s:
        row = s.get(Record, library.manuscript)
        # "Domain publik" in the library maps to the Public Domain Mark
        assert row.rights_source == "harvest"
        assert row.rights_uri == "https://creativecommons.org/publicdomain/mark/1.0/"


def test_the_queue_releases_ended_embargoes_every_ten_minutes(app, library):
    from portal.foreground import run_queue
    from portal.tasks import get_jobs

    app.config["QUEUE_URL"] = "memory://"
    rid = library.manuscript
    with app.app_context():
        jobs = get_jobs()
        names = {t.name for t in jobs.huey.read_periodic(dt.datetime(2026, 1, 1, 12, 10))}
        assert "release_embargoes" in names
        assert "release_embargoes" not in {
            t.name for t in jobs.huey.read_periodic(dt.datetime(2026, 1, 1, 12, 15))
        }
        with get_services().catalog.session() as s:
            s.get(Record, rid).embargo_until = utcnow() - dt.timedelta(seconds=1)
        assert jobs.release_embargoes.call_local() == 1
        assert run_queue(jobs) == 1  # the indexer it queued
        with get_services().catalog.session() as s:
            row = s.get(Record, rid)
            assert row.embargo_until is None and row.index_due is None


def test_a_withdrawal_queues_the_indexer_so_search_follows(app, library, curator):
    """The web change queues the indexer at once (not at the next periodic recovery):
    the worker's one run takes the record out of public search."""
    from portal.foreground import run_queue
    from portal.tasks import get_jobs

    app.config["QUEUE_URL"] = "memory://"
    rid = library.manuscript
    page = f"/workspace/records/{rid}"
    public = app.test_client()
    assert rid in _search_ids(public)
    assert _post(curator, f"{page}/withdraw", {"reason": "copy"}, page).status_code == 302
    with app.app_context():
        jobs = get_jobs()
        assert ("index_due", None) in jobs.queued()
        assert run_queue(jobs) == 1
    assert rid not in _search_ids(public)
