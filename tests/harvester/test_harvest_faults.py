"""Network faults and broken pages, injected by a scripted HTTP server on 127.0.0.1."""

from __future__ import annotations

import email.utils
import time

from sqlalchemy import select

from catalog.models import HarvestRun, Quarantine
from harvester.harvest import harvest_partner
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed, error, oai
from tests.harvester.servers import Reply


def _list_calls(server) -> list[dict]:
    return [q for q in server.requests if q.get("verb") == "ListRecords"]


def _nth_list(feed, fault, nth: int, *, times: int = 1):
    """A responder that applies ``fault`` to the nth ListRecords request (``times`` in a row)."""
    seen = {"n": 0}

    def respond(query, count):
        reply = feed.respond(query, count)
        if query.get("verb") == "ListRecords":
            seen["n"] += 1
            if nth <= seen["n"] < nth + times:
                return fault(reply)
        return reply

    return respond


def test_a_clean_feed_is_harvested_completely(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(45, page_size=10)
    server = serve(feed.respond)
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed"
    assert report.counts["new"] == 45 and report.counts["pages"] == 5
    assert sqlite_catalog.identifiers(pid) == {f"oai:synth:{i}" for i in range(45)}
    assert len(report.changed_record_ids) == 45


def test_timeouts_are_retried(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(r.body, delay=settings.request_timeout + 1), 2))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 30
    assert report.counts["retries"] == 1


def test_a_body_that_stalls_past_the_deadline_is_retried(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    stall = settings.request_timeout + 1
    server = serve(_nth_list(feed, lambda r: Reply(r.body, stall=stall), 2))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["retries"] == 1


def test_a_connection_cut_mid_body_is_retried(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(r.body, truncate=True), 3))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 30
    assert report.counts["retries"] == 1


def test_dropped_connections_and_5xx_are_retried(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    faults = iter([Reply(drop=True), Reply(b"busy", 502), Reply(b"oops", 500)])
    server = serve(_nth_list(feed, lambda r: next(faults), 2, times=3))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 30
    assert report.counts["retries"] == 3


def test_429_retry_after_in_seconds_and_as_http_date(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    when = email.utils.formatdate(time.time() + 1, usegmt=True)
    faults = iter(
        [
            Reply(b"slow down", 429, {"Retry-After": "1"}),
            Reply(b"maintenance", 503, {"Retry-After": when}),
        ]
    )
    server = serve(_nth_list(feed, lambda r: next(faults), 2, times=2))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["retries"] == 2


def test_retries_are_bounded_and_the_run_fails_cleanly(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(b"down", 503), 2, times=100))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "failed" and not report.ok
    assert "giving up after 4 attempts: HTTP 503" in report.report["errors"][0]
    assert len(_list_calls(server)) == 1 + 4  # page 1, then 4 attempts at page 2
    assert report.counts["new"] == 10  # what came before the failure is kept


def test_total_waiting_is_capped(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(b"", 503, {"Retry-After": "3600"}), 2, times=10))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "failed"
    assert "cap of 10 s of total waiting" in report.report["errors"][0]


def test_oai_errors_sent_with_http_422_are_read_as_oai_errors(sqlite_catalog, settings, serve):
    def respond(query, count):
        if query.get("verb") == "ListRecords":
            return Reply(error("noRecordsMatch", "nothing new"), 422)
        return SyntheticFeed(1).respond(query)

    pid = add_partner(sqlite_catalog, serve(respond).url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["records"] == 0


def test_illegal_xml_characters_are_cleaned(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(20, page_size=10)

    def dirty(r):
        body = r.body.replace(b"Penulis", b"Pen\x0bulis&#x1;")
        return Reply(body.replace(b"Sejarah", b"Sejarah\x00"))

    server = serve(_nth_list(feed, dirty, 1))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 20
    assert report.counts["cleaned_chars"] > 0
    record = sqlite_catalog.find_record(pid, "oai:synth:1")
    assert record.creators == ["Penulis 1"] and record.subjects == ["Sejarah Borneo"]


def test_a_truncated_body_is_fetched_again(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(r.body[: len(r.body) // 2]), 2))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 30
    assert report.counts["quarantined_pages"] == 0


def test_an_html_page_is_quarantined_and_the_run_goes_on_with_its_token(
    sqlite_catalog, settings, serve
):
    feed = SyntheticFeed(30, page_size=10)

    def html(reply):  # a proxy's error page that still carries the token text
        token = reply.body.split(b'">', 2)[-1].split(b"</resumptionToken>")[0].split(b">")[-1]
        return Reply(
            b"<html><body><h1>Gateway</h1><p>oops <br> </p><resumptionToken>"
            + token
            + b"</resumptionToken></body>",
            200,
            {"Content-Type": "text/html"},
        )

    server = serve(_nth_list(feed, html, 2, times=2))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "partial" and report.ok
    assert report.counts["quarantined_pages"] == 1 and report.counts["new"] == 20
    with sqlite_catalog.session() as s:
        kept = s.scalars(select(Quarantine)).one()
    assert kept.kind == "page" and kept.content.startswith(b"<html>")
    assert "not well-formed" in kept.error or "not an OAI-PMH" in kept.error
    assert report.report["quarantined"][0]["kind"] == "page"


def test_a_broken_page_without_a_token_ends_the_list_and_is_reported(
    sqlite_catalog, settings, serve
):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(r.body[:-200]), 2, times=5))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "partial" and report.counts["quarantined_pages"] == 1
    assert report.counts["new"] == 10
    # a partial run is no baseline: the next incremental run covers the same window again
    assert harvest_partner(sqlite_catalog, pid, settings).from_date is None


def test_billion_laughs_is_refused_and_reported(sqlite_catalog, settings, serve):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><OAI-PMH xmlns="http://'
        b'www.openarchives.org/OAI/2.0/"><ListRecords>&lol2;</ListRecords></OAI-PMH>'
    )
    feed = SyntheticFeed(5, page_size=10)
    server = serve(_nth_list(feed, lambda r: Reply(bomb), 1, times=3))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.counts["quarantined_pages"] == 1 and report.counts["records"] == 0
    assert "declares entities" in report.report["quarantined"][0]["error"]


def test_a_record_that_fails_mapping_is_quarantined_and_the_rest_kept(
    sqlite_catalog, settings, serve
):
    feed = SyntheticFeed(10, page_size=10)

    def broken(r):
        bad = b"<metadata><unknown xmlns='urn:x'/><oai_dc:dc"
        return Reply(r.body.replace(b"<metadata><oai_dc:dc", bad, 1))

    server = serve(_nth_list(feed, broken, 1))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["failed"] == 1
    assert report.counts["new"] == 9
    with sqlite_catalog.session() as s:
        kept = s.scalars(select(Quarantine)).one()
    assert kept.kind == "record" and kept.identifier == "oai:synth:0"
    assert b"oai:synth:0" in kept.content


def test_a_repeated_token_is_a_loop(sqlite_catalog, settings, serve):
    body = oai(
        "<ListRecords>" + SyntheticFeed(3).record(0) + "<resumptionToken>same"
        "</resumptionToken></ListRecords>"
    )
    second = oai(
        "<ListRecords>" + SyntheticFeed(3).record(1) + "<resumptionToken>same"
        "</resumptionToken></ListRecords>"
    )

    def respond(query, count):
        if query.get("verb") != "ListRecords":
            return SyntheticFeed(1).respond(query)
        return Reply(second if "resumptionToken" in query else body)

    pid = add_partner(sqlite_catalog, serve(respond).url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "failed"
    assert "resumption loop" in report.report["errors"][0]


def test_the_same_page_twice_is_a_loop(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(3)
    counter = {"n": 0}

    def respond(query, count):
        if query.get("verb") != "ListRecords":
            return feed.respond(query)
        counter["n"] += 1
        return Reply(
            oai(
                "<ListRecords>" + feed.record(0) + f"<resumptionToken>t{counter['n']}"
                "</resumptionToken></ListRecords>"
            )
        )

    pid = add_partner(sqlite_catalog, serve(respond).url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "failed" and "same page came twice" in report.report["errors"][0]
    assert counter["n"] == 2


def test_an_empty_resumption_token_element_ends_the_list(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(2)
    page = oai(
        "<ListRecords>" + feed.record(0) + feed.record(1) + "<resumptionToken "
        'completeListSize="2" cursor="0"/></ListRecords>'
    )

    def respond(query, count):
        return Reply(page) if query.get("verb") == "ListRecords" else feed.respond(query)

    server = serve(respond)
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["new"] == 2
    assert len(_list_calls(server)) == 1


def test_pages_are_capped(sqlite_catalog, settings, serve):
    import dataclasses

    feed = SyntheticFeed(50, page_size=5)
    pid = add_partner(sqlite_catalog, serve(feed.respond).url)
    report = harvest_partner(sqlite_catalog, pid, dataclasses.replace(settings, max_pages=3))
    assert report.status == "failed" and "cap of 3 pages" in report.report["errors"][0]
    assert report.counts["new"] == 15


def test_bad_resumption_token_in_an_ordered_list_restarts_from_the_last_good_datestamp(
    sqlite_catalog, settings, serve
):
    feed = SyntheticFeed(30, page_size=10)
    server = serve(_bad_token_once(feed))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["restarts"] == 1
    assert sqlite_catalog.identifiers(pid) == {f"oai:synth:{i}" for i in range(30)}
    assert report.counts["new"] == 30
    restart = _list_calls(server)[3]
    assert restart["from"] == "2024-01-01T00:18:59Z"  # record 19's datestamp minus 1 s


def test_bad_resumption_token_in_an_unordered_list_restarts_from_the_window_start(
    sqlite_catalog, settings, serve
):
    import datetime as dt

    from tests.harvester.feedgen import BASE

    feed = SyntheticFeed(30, page_size=10)
    feed.change([5], when=BASE + dt.timedelta(days=2))  # page 1 out of datestamp order
    server = serve(_bad_token_once(feed, prefix=f"20||{feed.edition}"))
    pid = add_partner(sqlite_catalog, server.url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    assert report.status == "completed" and report.counts["restarts"] == 1
    assert sqlite_catalog.identifiers(pid) == {f"oai:synth:{i}" for i in range(30)}
    assert "from" not in _list_calls(server)[3]  # the whole window again


def _bad_token_once(feed, prefix: str = "20|"):
    state = {"done": False}

    def respond(query, count):
        if query.get("resumptionToken", "").startswith(prefix) and not state["done"]:
            state["done"] = True
            return Reply(error("badResumptionToken", "expired"), 422)
        return feed.respond(query)

    return respond


def test_the_run_row_keeps_counts_and_report(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(12, page_size=5)
    pid = add_partner(sqlite_catalog, serve(feed.respond).url)
    report = harvest_partner(sqlite_catalog, pid, settings)
    with sqlite_catalog.session() as s:
        run = s.get(HarvestRun, report.run_id)
        assert run.status == "completed" and run.finished_at is not None
        assert run.counts["new"] == 12 and run.checkpoint is None
        assert run.report["fill_rates"]["title"] == 1.0
        assert run.report["response_seconds"]["requests"] == 3
        assert run.highest_datestamp == "2024-01-01T00:11:00Z"


def test_response_times_stay_bounded_in_the_checkpoint():
    from harvester.report import MAX_TIMES, Tally

    tally = Tally()
    for i in range(MAX_TIMES + 500):
        tally.response(0.001 * (i % 7), 10)
    again = Tally.from_dict(tally.to_dict())
    assert len(again.seconds) == MAX_TIMES
    timing = again.summary()["response_seconds"]
    assert timing["requests"] == MAX_TIMES + 500 and timing["max"] == 0.006
    assert again.counts["bytes"] == 10 * (MAX_TIMES + 500)
