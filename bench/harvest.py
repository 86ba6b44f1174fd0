"""Benchmark: harvesting 50,000 oai_dc records (pages of 100) from a local OAI-PMH server.

Prints records/s of (a) bare sickle iteration over the feed (the baseline) and (b)
``warisan harvest --no-index`` into a fresh SQLite catalogue, the ratio b/a (target >= 0.5),
and the peak RSS of each (target < 300 MB for (b): streaming, never the whole feed in
memory); then (c) the cost of indexing what was harvested (``warisan reindex``), which a
plain ``warisan harvest`` pays too.
The server runs in its own process with every page built before timing starts; (a) and
(b) each run as a child process so their peak RSS is their own. ``warisan harvest`` works
in two processes (pages are fetched, parsed and mapped by a second one, ahead of the
store: ``harvester.prefetch``), so for (b) the RSS of both is also sampled and summed
(shared copy-on-write pages count twice there: an upper bound).

    .venv/bin/python bench/harvest.py [--records 50000] [--page-size 100] [--rounds 3]

This machine is shared and its load changes by the minute, so (a) and (b) alternate for
``--rounds`` rounds, each (b) into a fresh catalogue, and the best of each counts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SICKLE = """
import sys, time
from sickle import Sickle
started = time.perf_counter()
n = sum(1 for _ in Sickle(sys.argv[1]).ListRecords(metadataPrefix="oai_dc"))
print(n, time.perf_counter() - started)
"""


def _serve(records: int, page_size: int, ready) -> None:
    from tests.harvester.feedgen import SyntheticFeed
    from tests.harvester.servers import ScriptedServer

    feed = SyntheticFeed(records, page_size)
    token = ""
    for cursor in range(0, records, page_size):  # build (and cache) every page up front
        feed.respond(
            {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
            if not cursor
            else {"verb": "ListRecords", "resumptionToken": token}
        )
        token = f"{cursor + page_size}||0"
    server = ScriptedServer(feed.respond)
    ready.send(server.url)
    ready.recv()  # wait for "stop"
    server.shutdown()


def _child(args: list[str], env: dict[str, str]) -> tuple[str, float, int, int]:
    """Run a child; returns its stdout, wall seconds, its own peak RSS in kB (wait4) and the
    peak of the RSS of it and its descendants summed (sampled every 0.1 s)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    done.set()
    sampler.join()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{args[:3]} failed ({proc.returncode}):\n{out}")
    return out, seconds, usage.ru_maxrss, max(peak[0], usage.ru_maxrss)


def _tree_rss(pid: int) -> int:
    """RSS in kB of a process and its descendants, summed (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(ln.split()[1] for ln in status.splitlines() if ln[:6] == "VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of (a) and (b); best counts"
    )
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(args.records, args.page_size, theirs))
    server.start()
    url = ours.recv()
    warisan = [str(Path(sys.executable).parent / "warisan")]
    sickle_rates, harvests = [], []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for n in range(args.rounds):
                out, _wall, sickle_rss, _tree = _child(
                    [sys.executable, "-c", SICKLE, url], dict(os.environ)
                )
                count, sickle_seconds = out.split()
                sickle_rates.append(int(count) / float(sickle_seconds))
                env = _instance(warisan, Path(folder) / f"round{n}", url)
                _out, startup, _rss, _tree = _child([*warisan, "partner", "list"], env)
                _out, seconds, rss, tree = _child([*warisan, "harvest", "bench", "--no-index"], env)
                harvests.append((seconds, startup, rss, tree, env))
            seconds, startup, harvest_rss, harvest_tree, env = min(harvests, key=lambda h: h[0])
            stored = _count(env["WARISAN_INSTANCE"])
            _out, index_seconds, index_rss, _tree = _child([*warisan, "reindex"], env)
    finally:
        ours.send("stop")
        server.join()
    baseline, rate = max(sickle_rates), stored / seconds
    print(f"records in feed          {args.records} (pages of {args.page_size})")
    print(
        f"rounds                   {args.rounds}, (a) then (b) in each; best of each below "
        f"(a: {_rates(sickle_rates)}; b: {_rates([stored / h[0] for h in harvests])} records/s)"
    )
    print(f"(a) bare sickle          {baseline:9.0f} records/s  ({int(count)} records)")
    print(
        f"(b) warisan harvest      {rate:9.0f} records/s  ({stored} records stored, "
        f"{seconds:.1f} s incl. start-up)"
    )
    print(
        f"    without start-up     {stored / (seconds - startup):9.0f} records/s  "
        f"(the command's start-up alone: {startup:.1f} s)"
    )
    paired = [stored / h[0] / a for h, a in zip(harvests, sickle_rates, strict=True)]
    print(f"ratio b/a                {rate / baseline:9.2f}   (target >= 0.5; best b / best a)")
    print(
        f"    each round's own b/a {statistics.median(paired):9.2f}   (median of "
        f"{_ratios(paired)}: a round's two runs share the machine's load of that moment)"
    )
    print(
        f"peak RSS (b)             {harvest_rss / 1024:9.0f} MB   (target < 300 MB; its two "
        f"processes summed: {harvest_tree / 1024:.0f} MB)"
    )
    print(f"peak RSS (a, for scale)  {sickle_rss / 1024:9.0f} MB")
    print(
        f"(c) then warisan reindex {stored / index_seconds:9.0f} records/s  "
        f"({index_seconds:.1f} s; peak RSS {index_rss / 1024:.0f} MB; a plain `warisan harvest` "
        "also indexes what it changed)"
    )


def _instance(warisan: list[str], folder: Path, url: str) -> dict[str, str]:
    """A fresh instance with the catalogue created and the bench partner registered."""
    folder.mkdir()
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        WARISAN_INSTANCE=str(folder),
        WARISAN_HARVEST_POLITENESS_DELAY="0",
    )
    partner = ["partner", "add", "bench", "--name", "Bench", "--country", "ID", "--url", url]
    for setup in (["db", "upgrade"], [*partner, "--delay", "0"]):
        subprocess.run(warisan + setup, env=env, cwd=REPO, check=True, capture_output=True)
    return env


def _ratios(values: list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def _rates(values: list[float]) -> str:
    return "/".join(f"{v:.0f}" for v in values)


def _count(instance: str) -> int:
    import sqlite3

    with sqlite3.connect(Path(instance) / "warisan.db") as db:
        return db.execute("SELECT count(*) FROM record WHERE deleted = 0").fetchone()[0]


if __name__ == "__main__":
    main()
