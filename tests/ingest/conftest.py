"""Fixtures of the ingest tests: rendered page images with known word positions, a
catalogue with a partner and a record, the file store, and small settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from catalog.models import DigitalObject, ObjectStatus
from catalog.pagetext import Word
from catalog.records import RecordData
from ingest.objects import store_file
from ingest.settings import IngestSettings

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


@dataclasses.dataclass
class Rendered:
    """An image with the boxes ``(word, left, top, right, bottom)`` where text was drawn."""

    image: Image.Image
    boxes: list[tuple[str, int, int, int, int]]


def render(
    lines: list[str], *, size=(1700, 1200), font_size=40, origin=(120, 120), gap=1.8, mode="L"
) -> Rendered:
    """Draw lines of text in black on white; returns the image and each word's ink box."""
    if not FONT.is_file():
        pytest.skip("fonts-dejavu-core is not installed")
    font = ImageFont.truetype(str(FONT), font_size)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    boxes = []
    x0, y = origin
    for line in lines:
        x = x0
        for word in line.split():
            draw.text((x, y), word, font=font, fill=0)
            ink = Image.new("L", size, 0)
            ImageDraw.Draw(ink).text((x, y), word, font=font, fill=255)
            left, top, right, bottom = ink.getbbox()
            boxes.append((word, left, top, right, bottom))
            x = right + round(font_size * 0.35)
        y += round(font_size * gap)
    return Rendered(image.convert(mode) if mode != "L" else image, boxes)


MALAY = [
    "Kerajaan negeri akan membina sekolah",
    "baharu di kawasan luar bandar pada",
    "tahun hadapan kata menteri besar.",
]
INDONESIAN = [
    "Pemerintah daerah akan membangun sekolah",
    "baru di wilayah pedesaan pada tahun",
    "depan kata bupati kemarin.",
]
ENGLISH = [
    "The government will build new schools",
    "in rural districts next year the",
    "minister said on Monday.",
]


@pytest.fixture(autouse=True)
def _keep_pillow_limit(monkeypatch):
    """Intake sets Pillow's global decompression-bomb limit; give other suites theirs back."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)


@pytest.fixture
def settings() -> IngestSettings:
    return IngestSettings()


@pytest.fixture
def partner(sqlite_catalog):
    sqlite_catalog.add_partner("pustaka-test", name="Pustaka Test", country="MY")
    return "pustaka-test"


@pytest.fixture
def make_object(sqlite_catalog, file_store, partner, tmp_path):
    """Store a file as a digital object of a new uploaded record; returns the object id."""
    counter = iter(range(10_000))

    def make(path: Path, languages: tuple[str, ...] = ()) -> int:
        record_id = sqlite_catalog.create_uploaded_record(
            partner,
            RecordData(oai_identifier="", title=f"Item {next(counter)}", languages=languages),
        )
        row = store_file(sqlite_catalog, file_store, path, path.name)
        with sqlite_catalog.session() as s:
            obj = DigitalObject(
                record_id=record_id,
                origin="uploaded",
                file_sha256=row.sha256,
                status=ObjectStatus.STORED,
            )
            s.add(obj)
            s.flush()
            return obj.id

    return make


def save(image: Image.Image, path: Path, **options) -> Path:
    image.save(path, **options)
    return path


def match_words(words, boxes, scale: float = 1.0, tolerance: int = 4) -> int:
    """How many drawn words OCR found with the right text and a box within ``tolerance``
    pixels of where they were drawn (drawn boxes multiplied by ``scale``); ``words`` are
    :class:`Word` or their stored rows (``Page.words``)."""
    found = 0
    read = [w if isinstance(w, Word) else Word.from_row(w) for w in words]
    for text, left, top, right, bottom in boxes:
        want = [round(v * scale) for v in (left, top, right, bottom)]
        for word in read:
            got = [word.x, word.y, word.x + word.w, word.y + word.h]
            if word.text.strip(".,") == text.strip(".,") and all(
                abs(a - b) <= tolerance for a, b in zip(got, want, strict=True)
            ):
                found += 1
                break
    return found
