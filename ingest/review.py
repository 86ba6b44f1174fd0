"""The review screen's page operations that make new files: rotate a page, replace it
with a new image.

Both keep the old files (the object's own file stays its file; a content-addressed
file may be shared) and give the page a new master, display image and thumbnail, made
by the ingest pipeline's own functions (:func:`ingest.intake.iter_pages`,
:func:`ingest.images.derivatives`); deep-zoom tiles are cut from the new master on
demand (:mod:`ingest.tiles`: they are keyed by the master's checksum). The page's
reading starts over: its OCR text, word boxes and current correction are cleared
(the correction history stays) and it is ``pending`` again, for the caller to queue
(a replacement PDF page with a usable text layer is read from it at once).

Rotation is lossless where the format allows: a JPEG master keeps its compressed data
and gets an EXIF orientation (every reader of masters here applies it); PNG, TIFF
(bit depth and mode kept) and JPEG 2000 (reversible wavelet) are rotated pixel for
pixel and written again without loss.

Each function checks the page with :func:`catalog.drafts.review_target` before the
image work and again in the writing transaction (refusing a page changed meanwhile
with :class:`~catalog.errors.Conflict`), and writes one audit event.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps

from catalog import drafts
from catalog.errors import Conflict, IngestError, InvalidInput
from catalog.files import FileStore
from catalog.models import File, OcrStatus, Page
from catalog.policy import Principal
from catalog.store import Catalog
from ingest import images, intake
from ingest.pages import write_text
from ingest.settings import IngestSettings

ROTATIONS = (90, 180, 270)
"""Clockwise quarter turns a page may be rotated by."""
ORIENTATION = 0x0112
"""The EXIF orientation tag."""
_EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
"""How a viewer turns stored pixels upright for each EXIF orientation (the EXIF spec)."""
_CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
"""Pillow's transposition for a clockwise turn (Pillow's ROTATE_n turn anticlockwise)."""


def rotate_page(
    catalog: Catalog,
    files: FileStore,
    settings: IngestSettings,
    principal: Principal,
    record_id: int,
    page_id: int,
    degrees: int,
) -> int:
    """Turn a page in review ``degrees`` (90, 180 or 270) clockwise; returns the page
    id, now pending OCR. Raises :class:`InvalidInput` for another angle."""
    if degrees not in ROTATIONS:
        raise InvalidInput("a page turns by 90, 180 or 270 degrees", field="degrees")
    with catalog.session() as s:
        _row, _obj, page = drafts.review_target(s, principal, record_id, page_id)
        old = page.image_sha256
        source = s.get(File, old)
        media = source.media_type if source else intake.sniff(files.path(old))
    data, media = rotated_master(files.path(old), media, degrees)
    stored = files.put_bytes(data)
    page_image = _single_page(files.path(stored.sha256), settings, f"page {page_id}")
    new = {"image_sha256": (stored.sha256, media, stored.size, stored.relpath)}
    target = (principal, record_id, page_id, old)
    return _write(catalog, files, settings, target, new, page_image, "page.rotate", degrees)


def replace_page(
    catalog: Catalog,
    files: FileStore,
    settings: IngestSettings,
    principal: Principal,
    record_id: int,
    page_id: int,
    path: Path,
    name: str | None = None,
) -> int:
    """Replace a page in review with the single-page image (or one-page PDF) at
    ``path``, checked as intake checks every file (type sniffed, size, bombs,
    truncation: :class:`~catalog.errors.IngestError` saying why). Returns the page id."""
    name = name or path.name
    with catalog.session() as s:
        _row, _obj, page = drafts.review_target(s, principal, record_id, page_id)
        old = page.image_sha256
    pages = intake.iter_pages(path, settings, name)
    first = _only(pages, name)
    if first.master is not None:
        stored = files.put_bytes(first.master)
        media = first.master_type
    else:
        media = intake.sniff(path, name)
        stored = files.put_file(path)
    new = {"image_sha256": (stored.sha256, media, stored.size, stored.relpath, name)}
    target = (principal, record_id, page_id, old)
    return _write(catalog, files, settings, target, new, first, "page.replace", name)


def rotated_master(path: Path, media: str, degrees: int) -> tuple[bytes, str]:
    """The bytes and media type of the master at ``path`` turned ``degrees`` clockwise,
    without loss (see the module's notes). Raises :class:`IngestError` for a master
    that cannot be read or a format that cannot be turned."""
    data = path.read_bytes()
    if media == "image/jpeg":
        return _jpeg_turned(data, degrees), media
    fmt = intake.PIL_FORMATS.get(media)
    if fmt is None:
        raise IngestError(f"a {media} page cannot be turned", media_type=media)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
            info = dict(image.info)
            upright = ImageOps.exif_transpose(image)
            turned = upright.transpose(_CLOCKWISE[degrees])
    except images.BAD_IMAGE_ERRORS as exc:
        raise IngestError(f"the page's master cannot be read ({exc})") from exc
    out = io.BytesIO()
    options = {"dpi": info["dpi"]} if "dpi" in info else {}
    if fmt == "TIFF":
        options["compression"] = "tiff_adobe_deflate"
    if fmt == "JPEG2000":  # reversible wavelet, no quality layers: lossless
        options = {"irreversible": False}
    turned.save(out, fmt, **options)
    return out.getvalue(), media


def compose(orientation: int, degrees: int) -> int:
    """The EXIF orientation that shows pixels stored under ``orientation`` turned a
    further ``degrees`` clockwise."""
    probe = Image.new("L", (2, 3))
    probe.putdata(range(6))
    want = _upright(probe, orientation).transpose(_CLOCKWISE[degrees])
    for candidate in range(1, 9):
        seen = _upright(probe, candidate)
        if seen.size == want.size and seen.tobytes() == want.tobytes():
            return candidate
    raise AssertionError("the eight orientations cover every turn")  # pragma: no cover


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = _EXIF_TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image.copy()


def _jpeg_turned(data: bytes, degrees: int) -> bytes:
    """The JPEG with the same compressed data and an EXIF orientation turned
    ``degrees`` further (the other EXIF fields kept)."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            exif = image.getexif()
    except images.BAD_IMAGE_ERRORS as exc:
        raise IngestError(f"the page's master cannot be read ({exc})") from exc
    exif[ORIENTATION] = compose(int(exif.get(ORIENTATION, 1) or 1), degrees)
    payload = exif.tobytes()
    if len(payload) + 2 > 0xFFFF:
        raise IngestError("the page's EXIF data is too large to add an orientation")
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    head, body = _jpeg_head(data)
    kept = [seg for seg in head if not (seg[1] == 0xE1 and seg[4:10] == b"Exif\x00\x00")]
    at = 1 if kept and kept[0][1] == 0xE0 else 0  # after a JFIF APP0
    kept.insert(at, segment)
    return b"\xff\xd8" + b"".join(kept) + body


def _jpeg_head(data: bytes) -> tuple[list[bytes], bytes]:
    """The marker segments of a JPEG before its first non-APP segment, and the rest."""
    if data[:2] != b"\xff\xd8":
        raise IngestError("the page's master is not a JPEG")
    segments, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            raise IngestError("the page's JPEG master is broken")
        segments.append(data[pos : pos + 2 + length])
        pos += 2 + length
    return segments, data[pos:]


def _only(pages: Iterator[intake.SourcePage], name: str) -> intake.SourcePage:
    first = next(pages, None)
    if first is None:
        raise IngestError(f"{name}: the file has no page", file=name)
    if next(pages, None) is not None:
        raise IngestError(f"{name}: a page is replaced by one image, not several", file=name)
    return first


def _single_page(path: Path, settings: IngestSettings, name: str) -> intake.SourcePage:
    return _only(intake.iter_pages(path, settings, name), name)


def _write(
    catalog: Catalog,
    files: FileStore,
    settings: IngestSettings,
    target: tuple[Principal, int, int, str],
    new: dict[str, tuple],
    source: intake.SourcePage,
    action: str,
    detail: int | str,
) -> int:
    """Store the derivatives of ``source`` and point the page at its new files (``new``:
    column → ``(sha256, media type, size, relpath[, original name])``), in one
    transaction with the audit event (``detail``: the angle or the file's name); the
    page's reading starts over. ``target`` is ``(principal, record id, page id, the
    master checksum seen before the work)``."""
    principal, record_id, page_id, old = target
    display, thumb = images.derivatives(
        source.image, settings.display_side, settings.thumb_side, settings.display_quality
    )
    made = dict(new)
    for key, data in (("display_sha256", display), ("thumb_sha256", thumb)):
        stored = files.put_bytes(data)
        made[key] = (stored.sha256, "image/jpeg", stored.size, stored.relpath)
    with catalog.session() as s:
        row, _obj, page = drafts.review_target(s, principal, record_id, page_id)
        if page.image_sha256 != old:
            raise Conflict(
                f"page {page_id} changed meanwhile; look at it again", page=page_id, record=row.id
            )
        for sha, media, size, relpath, *name in made.values():
            if s.get(File, sha) is None:
                original = name[0] if name else None
                s.add(
                    File(
                        sha256=sha,
                        media_type=media,
                        size=size,
                        path=relpath,
                        original_name=original,
                    )
                )
        s.flush()
        before = {"page": page.id, "image_sha256": old, "display_sha256": page.display_sha256}
        for key, (sha, *_rest) in made.items():
            setattr(page, key, sha)
        page.width, page.height = source.image.width, source.image.height
        _start_over(page)
        s.flush()
        if source.text_layer is not None:
            write_text(s, page.id, row.id, source.text_layer)
        key = "degrees" if action == "page.rotate" else "file"
        after = {"page": page.id, "image_sha256": page.image_sha256, key: detail}
        drafts.audit(s, principal, action, row, before, after)
        return page.id


def _start_over(page: Page) -> None:
    """Clear the page's reading (OCR and the current correction) and make it pending."""
    page.text, page.words, page.lines = None, [], []
    page.mean_confidence = page.language = page.text_source = None
    page.ocr_status, page.ocr_key, page.ocr_error, page.ocr_at = OcrStatus.PENDING, None, None, None
    page.corrected_text = page.corrected_words = page.corrected_at = None
