"""A harvest killed with SIGKILL mid-run and started again ends with exactly the records
of an uninterrupted run, resuming from its checkpoint rather than starting over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import HarvestRun, Record
from catalog.store import Catalog
from harvester.harvest import harvest_partner
from tests.harvester.conftest import add_partner
from tests.harvester.feedgen import SyntheticFeed
from tests.harvester.servers import Reply

REPO = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from catalog.store import Catalog
from harvester.harvest import harvest_partner
from harvester.settings import HarvestSettings
harvest_partner(Catalog(sys.argv[1]), "mitra", HarvestSettings(politeness_delay=0))
"""


def _slow(feed: SyntheticFeed):
    def respond(query, count):
        reply = feed.respond(query, count)
        if query.get("verb") == "ListRecords":
            return Reply(reply.body, delay=0.05)
        return reply

    return respond


def _records(catalog: Catalog) -> dict[str, tuple]:
    with catalog.session() as s:
        rows = s.execute(
            select(Record.oai_identifier, Record.content_hash, Record.deleted, Record.datestamp)
        )
        return {r[0]: tuple(r[1:]) for r in rows}


def _pages_done(catalog: Catalog) -> int:
    with catalog.session() as s:
        run = s.scalars(select(HarvestRun).order_by(HarvestRun.id.desc())).first()
        return (run.counts or {}).get("pages", 0) if run else 0


@pytest.mark.parametrize("kill_after_pages", [1, 7])
def test_kill_9_mid_harvest_then_resume(tmp_path, settings, serve, kill_after_pages):
    feed = SyntheticFeed(150, page_size=10)
    feed.change(range(0, 150, 7), delete=True)  # tombstones too
    server = serve(_slow(feed))

    reference = Catalog(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.upgrade()
    add_partner(reference, server.url)
    assert harvest_partner(reference, "mitra", settings).status == "completed"

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    killed = Catalog(url)
    killed.upgrade()
    add_partner(killed, server.url)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        while _pages_done(killed) < kill_after_pages:
            assert child.poll() is None, "the harvest finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    pages_before = _pages_done(killed)
    assert 0 < pages_before < 15
    seen = len(server.requests)

    report = harvest_partner(killed, "mitra", settings)
    assert report.resumed and report.status == "completed"
    first_again = next(q for q in server.requests[seen:] if q.get("verb") == "ListRecords")
    assert "resumptionToken" in first_again  # went on from the checkpoint, not from scratch
    assert _records(killed) == _records(reference)
    assert report.counts["records"] == 150  # the report covers the whole harvest
    killed.dispose()
    reference.dispose()


def test_a_harvest_still_running_elsewhere_is_not_resumed_twice(sqlite_catalog, settings, serve):
    import socket

    from catalog.errors import HarvestError
    from harvester import runlog

    feed = SyntheticFeed(20, page_size=10)
    pid = add_partner(sqlite_catalog, serve(feed.respond).url)
    run = runlog.start(sqlite_catalog, pid, "incremental", None, 0)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with sqlite_catalog.session() as s:
            row = s.get(HarvestRun, run.id)
            row.checkpoint = dict(
                row.checkpoint, owner={"pid": sleeper.pid, "host": socket.gethostname()}
            )
        with pytest.raises(HarvestError, match="is running"):
            harvest_partner(sqlite_catalog, pid, settings)
    finally:
        sleeper.kill()
        sleeper.wait()
    report = harvest_partner(sqlite_catalog, pid, settings)  # its owner is gone: resumed
    assert report.resumed and report.run_id == run.id and report.counts["new"] == 20


def test_the_checkpoint_is_typed_and_reads_its_json_back():
    from harvester.checkpoint import Checkpoint, Owner

    checkpoint = Checkpoint(
        set_index=1,
        token="t|2",
        cursor=20,
        from_date="2024-01-01",
        highest="2024-02-01T00:00:00Z",
        list_ordered=False,
        restarts=1,
        live_before=7,
        pending_deletes={"oai:x:1": None},
        tally={"counts": {"new": 3}},
        owner=Owner(123, "host"),
    )
    data = checkpoint.to_json()
    assert data["from"] == "2024-01-01" and data["owner"] == {"pid": 123, "host": "host"}
    assert Checkpoint.from_json(data) == checkpoint
    # a checkpoint written before cursor and list order were kept still reads
    old = {"token": "t", "set_index": 0, "from": None, "restarts": 0, "tally": None}
    assert Checkpoint.from_json(old) == Checkpoint(token="t")
    assert Checkpoint.from_json(None) == Checkpoint()
