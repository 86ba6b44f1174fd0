"""Generated scans: deterministic, truthful boxes, and readable by the real Tesseract."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from PIL import Image, ImageDraw

from demo.data import load_records
from demo.scans import MAX_SKEW, PAGE_SIZE, load_pages, load_truth, render_page, rotate_box

LANGUAGES = ("ind", "msa", "eng")
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def test_every_scan_named_by_a_record_is_generated(scans_dir):
    named = {name for r in load_records() for name in r.get("scans", [])}
    assert named == {p.name for p in scans_dir.glob("*.png")}
    assert named == {p.with_suffix(".png").name for p in scans_dir.glob("*.json")}


def test_truth_files_match_images(scans_dir):
    owners = {r["id"]: r["partner"] for r in load_records()}
    for png in sorted(scans_dir.glob("*.png")):
        truth = load_truth(png.with_suffix(".json"))
        assert (truth.file, truth.partner) == (png.name, owners[truth.record])
        with Image.open(png) as image:
            assert image.size == (truth.width, truth.height) == PAGE_SIZE
        assert truth.language in {"ind", "msa", "eng"}
        assert 0 < abs(truth.skew_degrees) <= MAX_SKEW
        assert [w.text for w in truth.words] == truth.text.split()
        for word in truth.words:
            left, top, right, bottom = word.box
            assert 0 <= left < right <= truth.width and 0 <= top < bottom <= truth.height


def test_rendering_is_deterministic():
    page = load_pages()[0]
    first, truth_a = render_page(page)
    second, truth_b = render_page(page)
    assert first.tobytes() == second.tobytes()
    assert truth_a == truth_b


@pytest.mark.parametrize("degrees", [-1.5, 0.7])
def test_rotate_box_follows_pillow_rotation(degrees):
    image = Image.new("L", (400, 300), 0)
    box = (250, 40, 330, 70)
    ImageDraw.Draw(image).rectangle(box, fill=255)
    rotated = image.rotate(degrees, center=(200, 150), fillcolor=0)
    expected = rotated.point(lambda v: 255 if v > 127 else 0).getbbox()
    got = rotate_box((box[0], box[1], box[2] + 1, box[3] + 1), degrees, (200, 150))
    assert all(abs(a - b) <= 2 for a, b in zip(got, expected, strict=True)), (got, expected)


def _normalise(text: str) -> str:
    return " ".join(text.translate(QUOTES).split())


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _tesseract(png, out_base) -> tuple[str, str]:
    """Run Tesseract once; return its plain text and its TSV (words with boxes)."""
    command = ["tesseract", str(png), str(out_base), "-l", "+".join(LANGUAGES), "--psm", "3"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    subprocess.run([*command, "txt", "tsv"], capture_output=True, check=True, env=env)
    text = out_base.with_suffix(".txt").read_text(encoding="utf-8")
    return text, out_base.with_suffix(".tsv").read_text(encoding="utf-8")


def _tsv_boxes(tsv: str) -> dict[str, list[tuple[int, int, int, int]]]:
    boxes: dict[str, list] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            left, top, width, height = map(int, cells[6:10])
            boxes.setdefault(cells[11].strip(), []).append((left, top, left + width, top + height))
    return boxes


def _iou(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / (_area(a) + _area(b) - inter)


def _area(box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def _tesseract_missing() -> str | None:
    """Why the real Tesseract cannot run these tests, or None when it can."""
    if shutil.which("tesseract") is None:
        return "tesseract binary not installed (apt-get install tesseract-ocr)"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    missing = [lang for lang in LANGUAGES if lang not in listed.stdout.split()]
    if missing:
        return f"tesseract language data missing: {', '.join(missing)}"
    return None


TESSERACT_MISSING = _tesseract_missing()


@pytest.mark.tesseract
@pytest.mark.skipif(TESSERACT_MISSING is not None, reason=TESSERACT_MISSING or "")
@pytest.mark.parametrize(
    ("name", "word"),
    [("kha-0003-p1.png", "Poetoessibau"), ("rjg-0003-p1.png", "Kanowit")],
)
def test_tesseract_reads_scan_and_finds_word_box(scans_dir, tmp_path, name, word):
    png = scans_dir / name
    truth = load_truth(png.with_suffix(".json"))
    text, tsv = _tesseract(png, tmp_path / "ocr")
    expected = _normalise(truth.text)
    cer = _distance(expected, _normalise(text)) / len(expected)
    assert cer < 0.05, cer
    truth_box = next(w.box for w in truth.words if w.text.strip(".,:;") == word)
    found = _tsv_boxes(tsv)
    candidates = [
        box for text, boxes in found.items() if text.strip(".,:;") == word for box in boxes
    ]
    assert candidates, f"tesseract did not find {word!r}"
    assert max(_iou(truth_box, box) for box in candidates) > 0.5
