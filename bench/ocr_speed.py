"""Throughput of ``warisan worker`` against raw Tesseract on the same pages.

40 pages — the 20 demo scans (``demo.scans``) and 20 real scans from
``../shared/testdata/ocr`` — are taken in with ``warisan ingest --csv``, then a ``warisan
worker`` with one process per core splits, normalises, makes derivatives and OCRs them;
the time runs from starting the worker until every page is stored. Two configurations:

- **record languages**: each record carries its page's language; the baseline is raw
  ``tesseract`` CLI runs with the models that language chooses and the same page
  segmentation mode (target ≥ 0.9);
- **default (no hint)**: no record names a language, so the pipeline takes its default
  path (``ind``, read again with ``eng+ind`` when unsure); the baseline is raw
  ``tesseract -l ind --psm 6`` (target ≥ 1.0).

Each baseline runs one page after another with ``OMP_THREAD_LIMIT=1`` and is divided by
the number of cores; baseline and pipeline alternate for two rounds and the best time of
each counts. Prints ratio = baseline / pipeline. As the
ideal ``baseline / cores`` assumes idle cores, it also prints raw Tesseract run ``cores``
at a time, the speed-up this machine really gives, and the CPU seconds of baseline and
pipeline (less sensitive to a busy machine than the times). Then it takes the same files
in again and checks that the second run does no OCR.

    .venv/bin/python bench/ocr_speed.py
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ocr_common import ground_truth_scans  # noqa: E402

PAGES = 40


def collect(folder: Path) -> list[tuple[Path, str]]:
    """(file, record language) for the demo scans plus real scans, PAGES in all."""
    from demo.scans import generate_scans

    items = [(folder / "demo" / t.file, t.language) for t in generate_scans(folder / "demo")]
    real = ROOT.parent / "shared" / "testdata" / "ocr"
    items += [(s.path, s.languages[0]) for s in ground_truth_scans(real)]
    return items[:PAGES]


RAW_DEFAULT = ("ind", 6)
"""The raw setting the default path is measured against: ``tesseract -l ind --psm 6``."""


def baseline(
    items: list[tuple[Path, str]], processes: int = 1, raw: tuple[str, int] | None = None
) -> float:
    """Seconds for raw Tesseract CLI runs with ``OMP_THREAD_LIMIT=1``: one page after
    another, or ``processes`` at a time (what this machine really gives in parallel);
    with the models and psm the pipeline chooses for each record, or those of ``raw``."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    from ingest.ocr import choose_psm
    from ingest.pages import plan_of
    from ingest.settings import IngestSettings

    settings = IngestSettings()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def run(item: tuple[Path, str]) -> None:
        path, language = item
        if raw is None:
            with Image.open(path) as image:
                psm = choose_psm(image.width, image.height, settings.clipping_side)
            lang = plan_of([language], settings).models
        else:
            lang, psm = raw
        command = ["tesseract", str(path), "stdout", "-l", lang, "--psm", str(psm)]
        subprocess.run(command, env=env, capture_output=True, check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(run, items))
    return time.perf_counter() - start


def warisan(instance: Path, *args: str, **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    env = {**os.environ, "WARISAN_INSTANCE": str(instance)}
    command = [sys.executable, "-c", "from portal.cli import main; main()", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True)


def take_in(instance: Path, folder: Path, items: list[tuple[Path, str]], tag: str) -> None:
    batch = folder / f"batch-{tag}"
    batch.mkdir()
    with open(batch / "metadata.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["files", "title", "language", "type"])
        for n, (path, language) in enumerate(items):
            name = f"{n:02}-{path.name}"
            os.symlink(path, batch / name)
            writer.writerow([name, f"{tag} {path.stem}", language, "text"])
    warisan(
        instance, "ingest", str(batch), "--partner", "bench", "--csv", str(batch / "metadata.csv")
    )


def run_worker(instance: Path, catalog, expected: int) -> tuple[float, float, float]:
    """Start a worker, wait until ``expected`` pages are settled; returns the seconds from
    the start and from the moment the worker was up (it says "Resumed … job(s)"), and
    the CPU seconds of the worker's processes and their Tesseract runs."""
    import threading

    from ingest.work import page_counts

    cpu = _children_cpu()
    start = time.perf_counter()
    worker = warisan(instance, "worker", background=True)
    ready: list[float] = []

    def watch() -> None:
        for line in worker.stderr:
            if line.startswith("Resumed") and not ready:
                ready.append(time.perf_counter())

    threading.Thread(target=watch, daemon=True).start()
    try:
        while True:
            counts = page_counts(catalog)
            if counts["done"] + counts["failed"] >= expected:
                end = time.perf_counter()
                break
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.returncode}")
            time.sleep(0.02)
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        worker.wait(30)
    return end - start, end - (ready[0] if ready else start), _children_cpu() - cpu


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and their own."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pipeline_round(
    folder: Path, items: list[tuple[Path, str]], tag: str
) -> tuple[tuple[float, float, float], dict]:
    """Seconds (from start, from ready, CPU) for a worker to settle the pages in a fresh
    instance, and the page counts."""
    from catalog.store import Catalog
    from ingest.work import page_counts

    instance = folder / f"instance-{tag}"
    warisan(instance, "db", "upgrade")
    warisan(instance, "partner", "add", "bench", "--name", "Bench", "--country", "ID")
    catalog = Catalog(f"sqlite:///{instance / 'warisan.db'}")
    take_in(instance, folder, items, tag)
    seconds = run_worker(instance, catalog, len(items))
    counts = page_counts(catalog)
    catalog.dispose()
    return seconds, counts


def second_run(folder: Path, items: list[tuple[Path, str]], tag: str) -> tuple[float, str]:
    """Take the same files in again on the instance of round ``tag``: no OCR is needed."""
    from catalog.store import Catalog

    instance = folder / f"instance-{tag}"
    catalog = Catalog(f"sqlite:///{instance / 'warisan.db'}")
    take_in(instance, folder, items, f"{tag}-again")
    seconds = run_worker(instance, catalog, 2 * len(items))[0]
    catalog.dispose()
    return seconds, warisan(instance, "ocr", "--pending").stdout.strip().splitlines()[0]


def main(rounds: int = 2) -> int:
    """Alternate baseline and pipeline ``rounds`` times (this machine is shared, so its
    load changes) and compare the best time of each, for both configurations."""
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="warisan-speed-") as tmp:
        folder = Path(tmp)
        items = collect(folder)
        hintless = [(path, "") for path, _ in items]
        bases, parallels, pipelines, base_cpu = [], [], [], []
        default_bases, default_pipelines, default_cpu, default_parallels = [], [], [], []
        for n in range(rounds):
            cpu = _children_cpu()
            bases.append(baseline(items))
            base_cpu.append(_children_cpu() - cpu)
            seconds, counts = pipeline_round(folder, items, f"r{n}")
            pipelines.append(seconds)
            parallels.append(baseline(items, cores))
            cpu = _children_cpu()
            default_bases.append(baseline(hintless, raw=RAW_DEFAULT))
            default_cpu.append(_children_cpu() - cpu)
            seconds, default_counts = pipeline_round(folder, hintless, f"d{n}")
            default_pipelines.append(seconds)
            default_parallels.append(baseline(hintless, cores, raw=RAW_DEFAULT))
        second, again = second_run(folder, items, "r0")
    report_default(
        cores, default_bases, default_pipelines, default_cpu, default_counts, default_parallels
    )
    base, parallel = min(bases), min(parallels)
    first, warm = min(p[0] for p in pipelines), min(p[1] for p in pipelines)
    print(
        f"record languages: pages {len(items)} ({counts['done']} done, {counts['failed']} failed)"
    )
    print(f"best of {rounds} rounds (each: baseline, pipeline, parallel raw); all times in s:")
    print(
        f"  baseline runs {_list(bases)}, pipeline runs {_list([p[0] for p in pipelines])}, "
        f"parallel raw runs {_list(parallels)}"
    )
    print(
        f"baseline: raw tesseract one after another {base:.1f} s / {cores} cores = "
        f"{base / cores:.1f} s"
    )
    print(f"pipeline: warisan worker, {cores} processes: {first:.1f} s")
    print(f"ratio baseline/pipeline: {base / cores / first:.2f} (target >= 0.9)")
    print(
        f"  the same once the worker is up (start-up of {first - warm:.1f} s left out): "
        f"{warm:.1f} s, ratio {base / cores / warm:.2f}"
    )
    print(
        f"for reference, raw tesseract {cores} at a time: {parallel:.1f} s (parallel speed-up "
        f"{base / parallel:.2f} of {cores}); ratio against it: {parallel / first:.2f}"
    )
    print(
        f"CPU seconds: raw tesseract one after another {_list(base_cpu)}, pipeline (worker "
        f"processes and their Tesseract runs) {_list([p[2] for p in pipelines])}"
    )
    print(f"second intake of the same files: {second:.1f} s, served from the OCR cache")
    print(f"warisan ocr --pending afterwards: {again}")
    return 0


def report_default(
    cores: int,
    bases: list[float],
    pipelines: list[tuple],
    cpu: list[float],
    counts: dict,
    parallels: list[float],
) -> None:
    """The default path (no language hint) against raw ``tesseract -l ind --psm 6``."""
    lang, psm = RAW_DEFAULT
    base, first = min(bases), min(p[0] for p in pipelines)
    warm = min(p[1] for p in pipelines)
    print(
        f"default (no hint): pages {counts['done']} done, {counts['failed']} failed; cores {cores}"
    )
    print(
        f"  raw tesseract -l {lang} --psm {psm}, OMP_THREAD_LIMIT=1, one after another: runs "
        f"{_list(bases)}, best {base:.1f} s / {cores} cores = {base / cores:.1f} s"
    )
    print(f"  pipeline runs {_list([p[0] for p in pipelines])}, best {first:.1f} s")
    print(f"ratio default/raw -l {lang} --psm {psm}: {base / cores / first:.2f} (target >= 1.0)")
    print(f"  once the worker is up ({first - warm:.1f} s of start-up left out): ", end="")
    print(f"{base / cores / warm:.2f}")
    print(
        f"  raw -l {lang} --psm {psm} run {cores} at a time: runs {_list(parallels)}; ratio "
        f"against its best: {min(parallels) / first:.2f} (as loaded a machine as the pipeline)"
    )
    print(
        f"  CPU seconds: raw {_list(cpu)}, pipeline {_list([p[2] for p in pipelines])} "
        f"(ratio {min(cpu) / min(p[2] for p in pipelines):.2f})"
    )


def _list(values: list[float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
