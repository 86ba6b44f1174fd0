"""A small public library for the portal's view tests: partners, records, pages, files.

Everything goes through the real catalogue and file store (``Catalog.upsert_records``,
session adds) with small Pillow images; nothing is mocked.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image, ImageDraw

from catalog.models import DigitalObject, File, Page
from catalog.records import RecordData
from portal.services import get_services

WORDS = [
    # text, left, top, width, height, confidence, line
    ["Hikajat", 40, 60, 180, 40, 91.0, 1],
    ["radja", 240, 60, 120, 40, 88.0, 1],
    ["Sambas", 40, 140, 170, 40, 93.0, 2],
]
SECOND_PAGE_WORDS = [WORDS[0], ["Kapuas", 300, 400, 160, 40, 90.0, 2]]


@dataclasses.dataclass
class Library:
    """Ids of what the fixture stored."""

    manuscript: int
    hostile: int
    deleted: int
    plain: int
    object_id: int
    page_ids: list[int]
    master_sha: str
    display_sha: str
    thumb_sha: str


def _png(size, words) -> bytes:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for text, left, top, width, height, *_ in words:
        draw.rectangle([left, top, left + width, top + height], outline="black")
        draw.text((left + 4, top + 4), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _jpeg(size) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "ivory").save(out, "JPEG")
    return out.getvalue()


def _store(session, files, data: bytes, media_type: str) -> str:
    stored = files.put_bytes(data)
    if session.get(File, stored.sha256) is None:
        session.add(
            File(sha256=stored.sha256, media_type=media_type, size=stored.size, path=stored.relpath)
        )
    return stored.sha256


def build_library(app) -> Library:
    """Two partners, four records (one hostile, one deleted), one object with two pages."""
    with app.app_context():
        services = get_services()
        catalog = services.catalog
        catalog.add_partner(
            "rajang",
            name="Pustaka Warisan Rajang",
            country="MY",
            oai_url="http://127.0.0.1/oai",
            website="https://pustaka-rajang.example",
            set_list=[{"spec": "manuskrip", "name": "Manuskrip Melayu"}],
        )
        catalog.add_partner("khatulistiwa", name="Arsip Khatulistiwa", country="ID")
        outcomes = catalog.upsert_records(
            "rajang",
            [
                RecordData(
                    oai_identifier="oai:rajang:1",
                    title="Hikajat Radja-Radja Sambas",
                    titles=(
                        {"value": "Hikajat Radja-Radja Sambas", "lang": None},
                        {"value": "Chronicle of the Kings of Sambas", "lang": "eng"},
                    ),
                    creators=("Anonim",),
                    subjects=("Sejarah", "Hikayat"),
                    description="Naskah tentang raja-raja Sambas & silsilahnya.",
                    date_original="1923",
                    year_from=1923,
                    year_to=1923,
                    type="manuscript",
                    languages=("msa",),
                    rights="Domain publik",
                    rights_uri="https://creativecommons.org/publicdomain/mark/1.0/",
                    identifiers=("ML 112",),
                    source_url="https://pustaka-rajang.example/item/1",
                    scan_urls=("https://pustaka-rajang.example/scans/ml112-p1.png",),
                    sets=("manuskrip",),
                    extra={"publisher": ["Pustaka Rajang"], "extent": ["86 halaman"]},
                ),
                RecordData(
                    oai_identifier="oai:rajang:2",
                    title='Surat <script>alert("x")</script> & co',
                    type="text",
                    languages=("ind",),
                    year_from=1950,
                    year_to=1950,
                    date_original="1950",
                ),
                RecordData(oai_identifier="oai:rajang:3", title="Gone", type="map"),
            ],
        )
        catalog.mark_deleted("rajang", ["oai:rajang:3"])
        plain = catalog.upsert_records(
            "khatulistiwa",
            [
                RecordData(
                    oai_identifier="k1",
                    title="Peta Pontianak",
                    type="map",
                    year_from=1890,
                    year_to=1890,
                    date_original="1890",
                    languages=("nld",),
                    subjects=("Peta",),
                ),
            ],
        )[0].record_id
        master = _png((800, 600), WORDS)
        with catalog.session() as s:
            master_sha = _store(s, services.files, master, "image/png")
            display_sha = _store(s, services.files, _jpeg((400, 300)), "image/jpeg")
            thumb_sha = _store(s, services.files, _jpeg((100, 75)), "image/jpeg")
            second_sha = _store(s, services.files, _png((800, 600), SECOND_PAGE_WORDS), "image/png")
            obj = DigitalObject(record_id=outcomes[0].record_id, label="Naskah", status="done")
            s.add(obj)
            s.flush()
            pages = [
                Page(
                    object_id=obj.id,
                    order=1,
                    image_sha256=master_sha,
                    display_sha256=display_sha,
                    thumb_sha256=thumb_sha,
                    width=800,
                    height=600,
                    text="Hikajat radja\nSambas",
                    words=WORDS,
                    language="msa",
                    ocr_status="done",
                    mean_confidence=90.0,
                ),
                Page(
                    object_id=obj.id,
                    order=2,
                    image_sha256=second_sha,
                    width=800,
                    height=600,
                    text="Hikajat\nKapuas",
                    words=SECOND_PAGE_WORDS,
                    ocr_status="done",
                ),
            ]
            s.add_all(pages)
            s.flush()
            object_id, page_ids = obj.id, [p.id for p in pages]
        return Library(
            manuscript=outcomes[0].record_id,
            hostile=outcomes[1].record_id,
            deleted=outcomes[2].record_id,
            plain=plain,
            object_id=object_id,
            page_ids=page_ids,
            master_sha=master_sha,
            display_sha=display_sha,
            thumb_sha=thumb_sha,
        )


@pytest.fixture
def library(app) -> Library:
    return build_library(app)


@pytest.fixture
def indexed(app, library) -> Library:
    """The library, indexed by the real search service (tantivy in the instance folder)."""
    with app.app_context():
        get_services().search.reindex()
    return library
