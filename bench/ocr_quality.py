"""Character error rate of the Warisan OCR pipeline next to raw Tesseract.

Runs every scan of ``../shared/testdata/ocr`` (real scans with human transcriptions)
through the pipeline (store, normalise, OCR with the page segmentation chosen by input)
and through raw ``tesseract IMAGE stdout`` with default settings, and prints the CER of
both per language group. Each scan's record carries its language as a catalogue record
would: the RagamBahasa scans are Balinese, Javanese, Minangkabau and Sundanese (none of
ind/msa/eng, so the default ``ind+msa+eng`` applies); Tesseract's own test pages are
English (``eng``). Exits with status 1 when the pipeline makes more character errors
than raw Tesseract on any group.

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

from bench.ocr_common import edits, ground_truth_scans, normalise, pipeline_texts  # noqa: E402


def raw_tesseract(path: Path) -> str:
    """Raw Tesseract with default settings (English, ``--psm 3``), one thread."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(path), "stdout"], capture_output=True, env=env, check=True, timeout=300
    )
    return done.stdout.decode("utf-8", "replace")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "testdata" / "ocr"
    scans = ground_truth_scans(folder)
    if not scans:
        print(f"no scans with transcriptions under {folder}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="warisan-bench-") as tmp:
        ours = pipeline_texts(Path(tmp), {s.path: s.languages for s in scans})
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    print(f"{'image':22} {'chars':>5} {'raw CER':>8} {'pipeline CER':>12}")
    for scan in scans:
        n = len(normalise(scan.truth))
        raw, mine = edits(raw_tesseract(scan.path), scan.truth), edits(ours[scan.path], scan.truth)
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
    if worse:
        print(f"pipeline worse than raw Tesseract on: {', '.join(worse)}")
        return 1
    print("pipeline is not worse than raw Tesseract on any group")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
