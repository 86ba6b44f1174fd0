"""Character error rate of the Warisan OCR pipeline next to raw Tesseract.

Runs every scan of ``../shared/testdata/ocr`` (real scans with human transcriptions) and
the 20 generated demo pages (``demo.scans``: Indonesian, Malay, English) through the
pipeline (store, normalise, OCR with the models and page segmentation it chooses) twice:

- **record languages**: each record carries its language as a catalogue record would —
  the RagamBahasa scans are Balinese, Javanese, Minangkabau and Sundanese (``jav`` and
  ``sun`` read with their own models, ``ban`` and ``min`` with ``ind``), Tesseract's own
  test pages English, the demo pages their own language;
- **default (no hint)**: no record names a language (``ind``, read again with ``eng+ind``
  when unsure);

and through raw ``tesseract IMAGE stdout -l ind --psm 6`` with ``OMP_THREAD_LIMIT=1`` (the
setting ``bench/ocr_speed.py`` measures the default path against). Prints the CER per
language group and pooled over all characters, and how often the page-language label
equals the demo pages' language. Exits with status 1 when the pooled CER of either
configuration is not below raw Tesseract's.

    .venv/bin/python bench/ocr_quality.py [TESTDATA_OCR_DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ocr_common import (  # noqa: E402
    Scan,
    edits,
    ground_truth_scans,
    normalise,
    pipeline_texts,
)

RAW = ("ind", "6")
"""The raw setting compared with: ``tesseract -l ind --psm 6``, one thread."""


def raw_tesseract(path: Path) -> str:
    """Raw Tesseract with ``-l ind --psm 6`` and ``OMP_THREAD_LIMIT=1``."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    lang, psm = RAW
    done = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", lang, "--psm", psm],
        capture_output=True,
        env=env,
        check=True,
        timeout=300,
    )
    return done.stdout.decode("utf-8", "replace")


def demo_scans(folder: Path) -> list[Scan]:
    """The generated demo pages (``demo.scans``) with their truth; each record names the
    page's language, as the demo records do."""
    try:
        from demo.scans import generate_scans
    except ImportError:
        return []
    truths = generate_scans(folder)
    return [Scan(folder / t.file, t.text, "demo", (t.language,), t.language) for t in truths]


def report_languages(demo: list[Scan], ours: dict, label: str) -> None:
    """Print how often the page-language label equals the demo page's language."""
    if not demo:
        return
    right = sum(ours[s.path][1] == s.language for s in demo)
    print(
        f"page language label ({label}) on the {len(demo)} demo pages: "
        f"{right}/{len(demo)} = {right / len(demo):.0%}"
    )
    for scan in demo:
        if ours[scan.path][1] != scan.language:
            print(f"  {scan.path.name}: label {ours[scan.path][1]}, truth {scan.language}")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "testdata" / "ocr"
    scans = ground_truth_scans(folder)
    if not scans:
        print(f"no scans with transcriptions under {folder}; nothing to measure")
    # group → [chars, raw edits, edits with record languages, edits without a hint]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with tempfile.TemporaryDirectory(prefix="warisan-bench-") as tmp:
        demo = demo_scans(Path(tmp) / "demo")
        everything = scans + demo
        (Path(tmp) / "hinted").mkdir()
        (Path(tmp) / "default").mkdir()
        hinted = pipeline_texts(Path(tmp) / "hinted", {s.path: s.languages for s in everything})
        default = pipeline_texts(Path(tmp) / "default", {s.path: () for s in everything})
        lang, psm = RAW
        print(f"{'image':22} {'chars':>5} {'raw CER':>8} {'languages':>9} {'no hint':>8}")
        for scan in everything:
            n = len(normalise(scan.truth))
            row = (
                n,
                edits(raw_tesseract(scan.path), scan.truth),
                edits(hinted[scan.path][0], scan.truth),
                edits(default[scan.path][0], scan.truth),
            )
            for i, value in enumerate(row):
                totals[scan.group][i] += value
            print(f"{scan.path.name:22} {n:5} " + " ".join(f"{v / n:8.3f}" for v in row[1:]))
    print()
    print(f"raw = tesseract -l {lang} --psm {psm}, OMP_THREAD_LIMIT=1; pipeline CER with the")
    print("records' languages and with no language hint (the default path):")
    print(f"{'group':12} {'chars':>6} {'raw CER':>8} {'languages':>9} {'no hint':>8}")
    for name, (chars, *counts) in sorted(totals.items()):
        print(f"{name:12} {chars:6} " + " ".join(f"{c / chars:8.4f}" for c in counts))
    chars, raw_all, hinted_all, default_all = (sum(t[i] for t in totals.values()) for i in range(4))
    print(
        f"{'pooled':12} {chars:6} {raw_all / chars:8.4f} {hinted_all / chars:8.4f} "
        f"{default_all / chars:8.4f}"
    )
    print(
        f"pooled CER ratio raw/pipeline: record languages {raw_all / max(hinted_all, 1):.2f}, "
        f"no hint {raw_all / max(default_all, 1):.2f} (target > 1: pipeline below raw)"
    )
    report_languages(demo, hinted, "record languages")
    report_languages(demo, default, "no hint")
    worse = [
        name
        for name, total in (("record languages", hinted_all), ("no hint", default_all))
        if total >= raw_all
    ]
    if worse:
        print(f"pooled CER not below raw tesseract -l {lang} --psm {psm}: {', '.join(worse)}")
        return 1
    print(f"pooled CER below raw tesseract -l {lang} --psm {psm} in both configurations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
