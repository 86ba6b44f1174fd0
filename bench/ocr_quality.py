"""Character error rate of the Warisan OCR pipeline next to raw Tesseract.

Runs every scan of ``../shared/testdata/ocr`` (real scans with human transcriptions)
through the pipeline (store, normalise, OCR with the page segmentation chosen by input)
and through raw ``tesseract IMAGE stdout`` with default settings, and prints the CER of
both per language group. Each scan's record carries its language as a catalogue record
would: the RagamBahasa scans are Balinese, Javanese, Minangkabau and Sundanese (none of
ind/msa/eng, so the default ``ind+msa+eng`` applies); Tesseract's own test pages are
English (``eng``). The 20 generated demo pages (``demo.scans``, Indonesian, Malay and
English) are measured the same way, each with its record's language, and the page
language detected from the OCR text is compared with their truth. Exits with status 1
when the pipeline makes more character errors than raw Tesseract on any group.

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


def raw_tesseract(path: Path) -> str:
    """Raw Tesseract with default settings (English, ``--psm 3``), one thread."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(path), "stdout"], capture_output=True, env=env, check=True, timeout=300
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


def report_languages(demo: list[Scan], ours: dict) -> None:
    """Print how often the detected page language equals the demo page's language."""
    if not demo:
        return
    right = sum(ours[s.path][1] == s.language for s in demo)
    print(
        f"page language identified (lingua, ind/msa/eng) on the {len(demo)} demo pages: "
        f"{right}/{len(demo)} = {right / len(demo):.0%}"
    )
    for scan in demo:
        if ours[scan.path][1] != scan.language:
            print(f"  {scan.path.name}: detected {ours[scan.path][1]}, truth {scan.language}")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "testdata" / "ocr"
    scans = ground_truth_scans(folder)
    if not scans:
        print(f"no scans with transcriptions under {folder}; nothing to measure")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with tempfile.TemporaryDirectory(prefix="warisan-bench-") as tmp:
        demo = demo_scans(Path(tmp) / "demo")
        ours = pipeline_texts(Path(tmp), {s.path: s.languages for s in scans + demo})
        print(f"{'image':22} {'chars':>5} {'raw CER':>8} {'pipeline CER':>12}")
        for scan in scans + demo:
            n = len(normalise(scan.truth))
            raw = edits(raw_tesseract(scan.path), scan.truth)
            mine = edits(ours[scan.path][0], scan.truth)
            for i, value in enumerate((n, raw, mine)):
                totals[scan.group][i] += value
            print(f"{scan.path.name:22} {n:5} {raw / n:8.3f} {mine / n:12.3f}")
    print()
    print(f"{'group':12} {'chars':>6} {'raw CER':>8} {'pipeline CER':>12}  ratio raw/pipeline")
    worse = []
    for name, (chars, raw_edits, our_edits) in sorted(totals.items()):
        ratio = raw_edits / our_edits if our_edits else float("inf")
        print(
            f"{name:12} {chars:6} {raw_edits / chars:8.4f} {our_edits / chars:12.4f}  {ratio:.2f}"
        )
        if our_edits > raw_edits:
            worse.append(name)
    chars, raw_all, ours_all = (sum(t[i] for t in totals.values()) for i in range(3))
    print(
        f"{'all':12} {chars:6} {raw_all / chars:8.4f} {ours_all / chars:12.4f}  "
        f"{raw_all / max(ours_all, 1):.2f}"
    )
    report_languages(demo, ours)
    if worse:
        print(f"pipeline worse than raw Tesseract on: {', '.join(worse)}")
        return 1
    print("pipeline is not worse than raw Tesseract on any group")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
