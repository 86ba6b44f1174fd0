"""Deterministic demo page scans with OCR ground truth.

Each page of ``data/pages.json`` (a heading and paragraphs of Indonesian, Malay or
English text, some in pre-1972 spelling) is typeset in DejaVu Serif on an A4 page at
150 dpi (1240 x 1754 px), skewed by at most 1.5 degrees, and given a scanned look:
paper tone, uneven lighting, mild blur and grain. Randomness is seeded by the file name,
so the same Pillow and FreeType produce the same pixels.

Next to every ``<name>.png`` goes ``<name>.json``: a ``ScanTruth`` with the full text
(lines joined by ``\\n``, blocks by a blank line), the language (``ind``/``msa``/``eng``)
and every word's box ``[left, top, right, bottom]`` in final image pixels (the box
corners rotated with the page, then the axis-aligned box around them).

CLI: ``python -m demo.scans OUT_DIR``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from demo.data import DATA_DIR, load_records

PAGE_SIZE = (1240, 1754)
DPI = 150
MARGIN_LEFT, MARGIN_TOP = 130, 160
BODY_PX, HEADING_PX = 30, 38
LINE_HEIGHT = 1.5
MAX_SKEW = 1.5
INK = 38
GRAIN = (18, 34)
BLUR = (0.5, 1.0)

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class WordBox:
    """One word of the ground truth and its box in final image pixels."""

    text: str
    box: Box
    line: int


@dataclass(frozen=True)
class ScanTruth:
    """Ground truth of one generated scan (what ``<name>.json`` holds)."""

    file: str
    record: str
    partner: str
    language: str
    text: str
    width: int
    height: int
    dpi: int
    skew_degrees: float
    words: tuple[WordBox, ...]

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (boxes as lists)."""
        data = asdict(self)
        data["words"] = [{**w, "box": list(w["box"])} for w in data["words"]]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ScanTruth:
        """Build from ``to_dict()`` output (for example a loaded ``<name>.json``)."""
        words = tuple(WordBox(w["text"], tuple(w["box"]), w["line"]) for w in data["words"])
        return cls(**{**data, "words": words})


def load_pages() -> list[dict]:
    """Return the page texts to render (``data/pages.json``), each with its ``partner``."""
    partners = {r["id"]: r["partner"] for r in load_records()}
    pages = json.loads((DATA_DIR / "pages.json").read_text(encoding="utf-8"))
    return [{**page, "partner": partners[page["record"]]} for page in pages]


def load_truth(path: str | Path) -> ScanTruth:
    """Read a ``<name>.json`` truth file written by ``generate_scans``."""
    return ScanTruth.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Serif (found by Pillow in the system font folders), else Pillow's default."""
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _layout(page: dict, draw: ImageDraw.ImageDraw) -> tuple[list[tuple], str]:
    """Place words on the unrotated page.

    Returns ``[(word, (x, y), font, line_no, box)]`` and the truth text.
    """
    width = PAGE_SIZE[0] - 2 * MARGIN_LEFT
    blocks = [(page["heading"], _font(HEADING_PX, bold=True))]
    blocks += [(text, _font(BODY_PX)) for text in page["paragraphs"]]
    placed, text_blocks, y, line_no = [], [], MARGIN_TOP, 0
    for text, font in blocks:
        lines = [ln for forced in text.split("\n") for ln in _wrap(forced, font, width)]
        step = round(font.size * LINE_HEIGHT)
        for words in lines:
            x = MARGIN_LEFT
            for word in words:
                box = draw.textbbox((x, y), word, font=font)
                placed.append((word, (x, y), font, line_no, box))
                x += font.getlength(word + " ")
            y, line_no = y + step, line_no + 1
        text_blocks.append("\n".join(" ".join(words) for words in lines))
        y += step // 2
    return placed, "\n\n".join(text_blocks)


def _wrap(text: str, font, width: int) -> list[list[str]]:
    """Greedy word wrap of one forced line into lines no wider than ``width``."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        candidate = " ".join([*lines[-1], word])
        if lines[-1] and font.getlength(candidate) > width:
            lines.append([word])
        else:
            lines[-1].append(word)
    return [line for line in lines if line]


def rotate_box(box: Box, degrees: float, center: tuple[float, float]) -> Box:
    """Axis-aligned box around ``box`` rotated like ``Image.rotate(degrees, center=...)``.

    Pillow turns the image counter-clockwise, so a point at offset (dx, dy) from the
    centre (y downwards) moves to (dx cos a + dy sin a, -dx sin a + dy cos a).
    """
    a = math.radians(degrees)
    cx, cy = center
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(cx + dx * math.cos(a) + dy * math.sin(a))
        ys.append(cy - dx * math.sin(a) + dy * math.cos(a))
    return (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))


def _paper(rng: random.Random) -> Image.Image:
    """Paper tone with uneven lighting: a smooth gradient from a tiny random grid."""
    grid = Image.new("L", (3, 4))
    grid.putdata([rng.randint(200, 238) for _ in range(12)])
    return grid.resize(PAGE_SIZE, Image.Resampling.BICUBIC)


def _grain(rng: random.Random, amount: int) -> Image.Image:
    """Seeded uniform noise in 0..amount (Pillow's effect_noise cannot be seeded)."""
    noise = Image.frombytes("L", PAGE_SIZE, rng.randbytes(PAGE_SIZE[0] * PAGE_SIZE[1]))
    return noise.point(lambda v: v * amount // 255)


def render_page(page: dict) -> tuple[Image.Image, ScanTruth]:
    """Render one page of ``pages.json``; return the image and its ground truth."""
    rng = random.Random(f"warisan-demo-scan:{page['file']}")
    mask = Image.new("L", PAGE_SIZE, 0)
    draw = ImageDraw.Draw(mask)
    placed, text = _layout(page, draw)
    for word, origin, font, _, _ in placed:
        draw.text(origin, word, fill=255, font=font)
    skew = round(rng.uniform(0.3, MAX_SKEW) * rng.choice((-1, 1)), 2)
    center = (PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2)
    mask = mask.rotate(skew, resample=Image.Resampling.BICUBIC, center=center, fillcolor=0)
    image = Image.composite(Image.new("L", PAGE_SIZE, INK), _paper(rng), mask)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(*BLUR)))
    grain = rng.randint(*GRAIN)
    image = ImageChops.subtract(image, _grain(rng, grain), offset=grain // 2)
    words = tuple(
        WordBox(word, rotate_box(box, skew, center), line) for word, _, _, line, box in placed
    )
    truth = ScanTruth(
        page["file"],
        page["record"],
        page["partner"],
        page["language"],
        text,
        *PAGE_SIZE,
        DPI,
        skew,
        words,
    )
    return image, truth


def generate_scans(out_dir: str | Path) -> list[ScanTruth]:
    """Write every demo scan as ``<name>.png`` plus ``<name>.json`` into ``out_dir``.

    Creates the folder if needed and overwrites earlier files; returns the truths in
    ``pages.json`` order.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=4) as pool:  # Pillow releases the GIL
        return list(pool.map(lambda page: _write_page(page, folder), load_pages()))


def _write_page(page: dict, folder: Path) -> ScanTruth:
    """Render one page and write its PNG and JSON truth into ``folder``."""
    image, truth = render_page(page)
    image.save(folder / truth.file, dpi=(DPI, DPI))
    json_path = (folder / truth.file).with_suffix(".json")
    json_path.write_text(
        json.dumps(truth.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth


def main(argv: list[str] | None = None) -> None:
    """CLI: render the demo scans into a folder."""
    parser = argparse.ArgumentParser(
        prog="python -m demo.scans", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out_dir", type=Path, help="folder to write PNG and JSON files into")
    args = parser.parse_args(argv)
    truths = generate_scans(args.out_dir)
    print(f"wrote {len(truths)} scans with ground truth to {args.out_dir}")


if __name__ == "__main__":
    main()
