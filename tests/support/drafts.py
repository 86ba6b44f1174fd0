"""A draft record made as an upload makes one: real files through the real ingest
(:func:`ingest.objects.ingest_object`), pages readable by Tesseract, for the review
tests in the portal and in the browser."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import update

from catalog.models import DigitalObject, ObjectStatus, Page, Record
from catalog.records import RecordData
from ingest import objects, pages
from ingest.settings import IngestSettings

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
COLOURS = ("#fffdf5", "#f3f7ff", "#f6fff3", "#fff3f6", "#f7f3ff")


@dataclasses.dataclass(frozen=True)
class Draft:
    record_id: int
    object_ids: list[int]
    page_ids: list[int]
    """In reading order."""


def page_image(label: str, n: int) -> Image.Image:
    """A portrait page with ``label`` written large (one word, so OCR reads it)."""
    image = Image.new("RGB", (620, 820), COLOURS[n % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 64) if FONT.is_file() else ImageFont.load_default()
    draw.text((60, 120), label, font=font, fill="black")
    draw.text((60, 240), "Warisan", font=font, fill="black")
    draw.rectangle([20, 20, 600, 800], outline="black", width=4)
    return image


def _file(labels: list[str], start: int, sideways: frozenset[str]) -> tuple[bytes, str]:
    frames = [page_image(label, start + i) for i, label in enumerate(labels)]
    frames = [
        frame.transpose(Image.Transpose.ROTATE_90) if label in sideways else frame
        for frame, label in zip(frames, labels, strict=True)
    ]
    out = io.BytesIO()
    if len(frames) == 1:
        frames[0].save(out, "PNG", dpi=(300, 300))
        return out.getvalue(), "page.png"
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    return out.getvalue(), "pages.tif"


def make_draft(
    catalog,
    files,
    partner_id: str,
    groups: list[list[str]],
    *,
    title: str = "Hikayat Draf",
    tmp: Path,
    ocr: bool = False,
    draft_record: bool = True,
    sideways: frozenset[str] = frozenset(),
) -> Draft:
    """A record of ``partner_id`` with one object per group of page labels (a PNG for
    one page, a multi-page TIFF for more), ingested; a draft unless ``draft_record`` is
    False, when the objects are the draft scans of a public record. With ``ocr`` the
    pages are read by Tesseract. Pages named in ``sideways`` are scanned turned a
    quarter anticlockwise (turning them right puts them upright)."""
    settings = IngestSettings()
    record_id = catalog.create_uploaded_record(
        partner_id, RecordData(oai_identifier="", title=title, languages=("msa",))
    )
    object_ids, start = [], 0
    for group in groups:
        data, name = _file(group, start, sideways)
        start += len(group)
        path = tmp / f"{record_id}-{start}-{name}"
        path.write_bytes(data)
        stored = objects.store_file(catalog, files, path, name)
        with catalog.session() as s:
            obj = DigitalObject(
                record_id=record_id,
                origin="uploaded",
                file_sha256=stored.sha256,
                status=ObjectStatus.STORED,
                draft=not draft_record,
            )
            s.add(obj)
            s.flush()
            object_ids.append(obj.id)
        outcome = objects.ingest_object(catalog, files, obj.id, settings)
        if ocr:
            for page_id in outcome.pages_to_ocr:
                pages.ocr_page(catalog, files, page_id, settings)
    with catalog.session() as s:
        s.execute(update(Record).where(Record.id == record_id).values(draft=draft_record))
        ids = [
            p.id
            for oid in object_ids
            for p in s.query(Page).filter(Page.object_id == oid).order_by(Page.order)
        ]
    return Draft(record_id, object_ids, ids)
