"""Benchmark: search pages with facets under load, against /healthz on the same server.

Builds an instance with the demo partners and records enlarged to 20,000 records
(variants of the authored ones, so titles, subjects, languages, types and decades stay
realistic), indexes it with the real search service (tantivy), starts gunicorn with 2
workers on loopback, and drives it with 16 concurrent clients. Prints p50/p95 latency
and throughput of search pages with facets and of /healthz, and their ratio. Target:
p95 < 300 ms for search pages.

    .venv/bin/python bench/portal.py [--records 20000] [--seconds 20] [--clients 16]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGUAGES = {
    "melayu": "msa",
    "indonesia": "ind",
    "inggris": "eng",
    "inggeris": "eng",
    "english": "eng",
    "belanda": "nld",
    "iban": "iba",
    "jawa": "jav",
}
WORDS = [
    "sambas",
    "hikayat",
    "kapuas",
    "sarawak",
    "surat",
    "peta",
    "raja",
    "sungai",
    "pontianak",
    "brunei",
    "kuching",
    "sejarah",
    "naskah",
    "cerita",
    "djakarta",
]


def build_instance(folder: Path, total: int) -> None:
    """Fill a fresh instance with ``total`` records from the demo data, and index them."""
    from catalog.records import RecordData
    from demo.data import load_partners, load_records
    from portal import create_app
    from portal.services import get_services

    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench"})
    with app.app_context():
        services = get_services()
        catalog = services.catalog
        catalog.upgrade()
        partners = load_partners()
        for p in partners:
            catalog.add_partner(
                p["id"],
                name=p["name"],
                country=p["country"],
                institution_type=p.get("institution_type", "library"),
            )
        sources = load_records(include_deleted=False)
        per_partner: dict[str, list[RecordData]] = {p["id"]: [] for p in partners}
        for n in range(total):
            src = sources[n % len(sources)]
            year = _year(src.get("date"))
            if year is not None:
                year += (n // len(sources)) % 40 - 20
            codes = tuple(LANGUAGES.get(str(v).lower(), "und") for v in src.get("languages", []))
            per_partner[src["partner"]].append(
                RecordData(
                    oai_identifier=f"bench:{src['id']}:{n}",
                    title=f"{src.get('title', '')} ({n})",
                    creators=tuple(src.get("creators", [])),
                    subjects=tuple(src.get("subjects", [])),
                    description=src.get("description"),
                    date_original=str(year) if year else src.get("date"),
                    year_from=year,
                    year_to=year,
                    type=src.get("type", "other"),
                    languages=codes,
                    source_url=src.get("url"),
                    scan_urls=tuple(f"https://example.org/{s}" for s in src.get("scans", [])),
                )
            )
        for partner_id, items in per_partner.items():
            for start in range(0, len(items), 2000):
                catalog.upsert_records(partner_id, items[start : start + 2000])
        started = time.perf_counter()
        indexed = services.search.reindex()
        print(f"indexed {indexed} records in {time.perf_counter() - started:.1f} s")
    app.extensions["warisan"].close()


def _year(value) -> int | None:
    match = re.search(r"\b(1[5-9]\d\d|20[0-2]\d)\b", str(value or ""))
    return int(match.group(1)) if match else None


def search_paths(count: int) -> list[str]:
    """Search URLs with facets, as a researcher would click them."""
    rng = random.Random(7)
    facets = [
        {"country": "MY"},
        {"country": "ID"},
        {"type": "manuscript"},
        {"type": "map"},
        {"digitized": "yes"},
        {"decade": "1920"},
        {"language": "msa"},
        {},
    ]
    paths = []
    for _ in range(count):
        args = {"q": rng.choice(WORDS)}
        args.update(rng.choice(facets))
        if rng.random() < 0.3:
            args.update(rng.choice(facets))
        if rng.random() < 0.2:
            args["page"] = str(rng.randint(2, 4))
        paths.append("/search?" + urlencode(args))
    return paths


def load(port: int, paths: list[str], clients: int, seconds: float) -> tuple[list[float], int]:
    """Request ``paths`` round-robin from ``clients`` threads for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        mine, index = [], offset
        while time.perf_counter() < stop:
            path = paths[index % len(paths)]
            index += clients
            began = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            finally:
                conn.close()
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def report(name: str, latencies: list[float], errors: int, seconds: float) -> float:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    rate = len(ordered) / seconds
    print(
        f"{name:<22} {len(ordered):>6} req  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
        f"{rate:8.1f} req/s  errors {errors}"
    )
    return rate


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="warisan-bench-"))
    proc = None
    try:
        build_instance(folder / "instance", args.records)
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "WARISAN_INSTANCE": str(folder / "instance"),
            "WARISAN_SECRET_KEY": "bench",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        proc = subprocess.Popen(
            [
                str(gunicorn),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "portal:create_app()",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_ready(port, proc)
        paths = search_paths(500)
        load(port, paths, args.clients, 3)  # warm up both workers
        print(
            f"gunicorn 2 workers, {args.clients} clients, {args.seconds:.0f} s each, "
            f"{args.records} records"
        )
        lat, err = load(port, ["/healthz"], args.clients, args.seconds)
        base = report("/healthz (baseline)", lat, err, args.seconds)
        lat, err = load(port, paths, args.clients, args.seconds)
        rate = report("search with facets", lat, err, args.seconds)
        p95 = sorted(lat)[int(len(lat) * 0.95) - 1] * 1000
        print(f"ratio search/healthz throughput: {rate / base:.3f}")
        print(f"p95 target < 300 ms: {'met' if p95 < 300 else 'NOT met'} ({p95:.0f} ms)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
