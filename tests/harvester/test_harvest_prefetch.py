"""Pages fetched, parsed and mapped in a second process (:mod:`harvester.prefetch`).

The same harvest with the fetcher process and inline stores the same records; the
process ends with the walk (also when the walk fails, and when its parent is killed);
a restart after ``badResumptionToken`` drops what the fetcher had prepared; the fetcher
never gets more than its lookahead ahead of the walk.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from catalog.models import Record
from catalog.store import Catalog
from harvester.harvest import harvest_partner
from harvester.prefetch import LOOKAHEAD
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed, error
from tests.harvester.servers import Reply

REPO = Path(__file__).resolve().parents[2]


def _with_process(settings):
    """The settings with the fetcher process on (by default it is on with two CPUs)."""
    return dataclasses.replace(settings, fetch_process=True)


def _records(catalog: Catalog) -> dict[str, tuple]:
    with catalog.session() as s:
        rows = s.execute(
            select(
                Record.oai_identifier,
                Record.content_hash,
                Record.deleted,
                Record.datestamp,
                Record.titles,
                Record.extra,
                Record.raw_xml_id.is_(None),
            )
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def test_the_fetcher_process_and_inline_store_the_same_records(tmp_path, settings, serve):
    feed = SyntheticFeed(95, page_size=10, scan_host="scans.example.org")
    feed.change(range(0, 95, 9), delete=True)
    server = serve(feed.respond)
    stored = []
    for fetch_process in (True, False):
        catalog = Catalog(f"sqlite:///{tmp_path / f'{fetch_process}.db'}")
        catalog.upgrade()
        pid = add_partner(catalog, server.url)
        chosen = dataclasses.replace(settings, fetch_process=fetch_process)
        report = harvest_partner(catalog, pid, chosen)
        assert report.status == "completed" and report.counts["records"] == 95
        stored.append((_records(catalog), report.counts))
        catalog.dispose()
    (with_process, counts), (inline, inline_counts) = stored
    assert len(with_process) == 95 and with_process == inline
    assert {k: counts[k] for k in ("new", "deleted", "scan_jobs", "pages")} == {
        k: inline_counts[k] for k in ("new", "deleted", "scan_jobs", "pages")
    }


def test_the_fetcher_process_ends_with_the_walk(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(30, page_size=10)
    pid = add_partner(sqlite_catalog, serve(feed.respond).url)
    assert harvest_partner(sqlite_catalog, pid, _with_process(settings)).status == "completed"
    assert multiprocessing.active_children() == []


def test_the_fetcher_process_ends_when_the_walk_fails(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(60, page_size=10)

    def respond(query, count):
        if query.get("resumptionToken", "").startswith("30|"):
            return Reply(error("badArgument", "no such thing"))
        return feed.respond(query, count)

    pid = add_partner(sqlite_catalog, serve(respond).url)
    report = harvest_partner(sqlite_catalog, pid, _with_process(settings))
    assert report.status == "failed" and "badArgument" in report.report["errors"][0]
    assert report.counts["new"] == 30  # the pages before the error are kept
    assert multiprocessing.active_children() == []


def test_a_restart_drops_the_pages_the_fetcher_had_prepared(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(60, page_size=10)
    rejected = {"n": 0}

    def respond(query, count):
        token = query.get("resumptionToken", "")
        if token.startswith("30|") and not rejected["n"]:
            rejected["n"] += 1
            return Reply(error("badResumptionToken", "expired"))
        return feed.respond(query, count)

    pid = add_partner(sqlite_catalog, serve(respond).url)
    report = harvest_partner(sqlite_catalog, pid, _with_process(settings))
    assert report.status == "completed" and report.counts["restarts"] == 1
    assert sqlite_catalog.identifiers(pid) == {f"oai:synth:{i}" for i in range(60)}


def test_the_fetcher_stays_within_its_lookahead(sqlite_catalog, settings, serve):
    feed = SyntheticFeed(200, page_size=10)
    served: list[float] = []

    def respond(query, count):
        if query.get("verb") == "ListRecords":
            served.append(time.monotonic())
        return feed.respond(query, count)

    pid = add_partner(sqlite_catalog, serve(respond).url)
    stored_at: list[float] = []

    def progress(done, total):
        stored_at.append(time.monotonic())
        time.sleep(0.02)  # a slow store: the fetcher must wait for it

    report = harvest_partner(sqlite_catalog, pid, _with_process(settings), progress=progress)
    assert report.status == "completed" and report.counts["pages"] == 20
    for stored, when in enumerate(stored_at, start=1):
        requested = sum(1 for t in served if t < when)
        # the stored pages, the one being stored next, LOOKAHEAD ready and one requested
        assert requested <= stored + LOOKAHEAD + 1


CHILD = """
import sys
from catalog.store import Catalog
from harvester.harvest import harvest_partner
from harvester.settings import HarvestSettings
settings = HarvestSettings(politeness_delay=0, fetch_process=True)
harvest_partner(Catalog(sys.argv[1]), "mitra", settings)
"""


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_the_fetcher_process_goes_when_the_harvest_is_killed(tmp_path, settings, serve):
    feed = SyntheticFeed(400, page_size=10)

    def slow(query, count):
        reply = feed.respond(query, count)
        if query.get("verb") == "ListRecords":
            return Reply(reply.body, delay=0.05)
        return reply

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    catalog = Catalog(url)
    catalog.upgrade()
    add_partner(catalog, serve(slow).url)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(_processes_with(url)) < 2:  # the harvest and its fetcher
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    deadline = time.monotonic() + 10
    while _processes_with(url):
        assert time.monotonic() < deadline, "the fetcher outlived its harvest"
        time.sleep(0.05)
    catalog.dispose()
