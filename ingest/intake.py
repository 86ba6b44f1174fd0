"""Reading an incoming file into page images, refusing bad input with a clear error.

Accepted: TIFF (multi-page, 16-bit, CMYK…), JPEG, PNG, JPEG 2000 and PDF. The type is
decided by the file's first bytes, never by its name. Every problem is an
:class:`catalog.errors.IngestError` naming the file.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from catalog.errors import IngestError
from catalog.pagetext import PageText
from ingest import images, pdf
from ingest.settings import IngestSettings

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),
    (b"MM\x00+", "image/tiff"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2"),
    (b"\xffO\xffQ", "image/jp2"),
    (b"%PDF-", "application/pdf"),
)
MEDIA_TYPES = tuple(sorted({media for _, media in SIGNATURES}))
PIL_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "image/jp2": "JPEG2000",
}


@dataclasses.dataclass
class SourcePage:
    """One page of an incoming file.

    ``image`` is the decoded, oriented page; ``master`` the bytes to store as the page's
    own master file (None when the incoming file itself is the master: a single image);
    ``text_layer`` the PDF's usable embedded text, if any.
    """

    image: Image.Image
    master: bytes | None
    master_type: str
    text_layer: PageText | None = None


def sniff(path: Path, name: str | None = None) -> str:
    """The media type of a file from its first bytes, or :class:`IngestError`."""
    name = name or path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise IngestError(f"{name}: cannot be read ({exc.strerror})", file=name) from exc
    if not head:
        raise IngestError(f"{name}: the file is empty", file=name)
    for magic, media in SIGNATURES:
        if head.startswith(magic):
            return media
    if b"%PDF-" in head:
        return "application/pdf"
    raise IngestError(
        f"{name}: not a supported file (TIFF, JPEG, PNG, JPEG 2000 or PDF); "
        f"it starts with {head[:8]!r}",
        file=name,
    )


def check_file(path: Path, settings: IngestSettings, name: str | None = None) -> int:
    """Read every page of a file once, as ingest will; returns the page count.

    Raises :class:`IngestError` for empty, truncated, hostile or unsupported input.
    """
    count = 0
    for _page in iter_pages(path, settings, name):
        count += 1
    return count


def iter_pages(
    path: Path, settings: IngestSettings, name: str | None = None
) -> Iterator[SourcePage]:
    """Yield the pages of a file in order (one for JPEG/PNG/JPEG 2000, one per frame of a
    TIFF, one per page of a PDF)."""
    name = name or path.name
    size = path.stat().st_size
    if size > settings.max_file_bytes:
        raise IngestError(
            f"{name}: the file has {size} bytes, more than the limit of {settings.max_file_bytes}",
            file=name,
        )
    media = sniff(path, name)
    if media == "application/pdf":
        yield from _pdf_pages(path, settings, name)
    else:
        yield from _image_pages(path, media, settings, name)


def _image_pages(
    path: Path, media: str, settings: IngestSettings, name: str
) -> Iterator[SourcePage]:
    images.apply_limits(settings)
    try:
        opened = Image.open(path, formats=[PIL_FORMATS[media]])
    except (*images.BAD_IMAGE_ERRORS, Image.DecompressionBombWarning) as exc:
        raise IngestError(f"{name}: not a readable {media} image ({exc})", file=name) from exc
    with opened:
        frames = getattr(opened, "n_frames", 1)
        if frames > settings.max_pages:
            raise IngestError(
                f"{name}: the image has {frames} pages; the limit is {settings.max_pages}",
                file=name,
            )
        for index in range(frames):
            if frames > 1:
                _seek(opened, index, name)
            images.check_size(opened.width, opened.height, settings, name)
            page = images.load_frame(opened, name)
            master = _frame_master(opened, name) if frames > 1 else None
            yield SourcePage(page, master, "image/tiff" if master else media)


def _seek(opened: Image.Image, index: int, name: str) -> None:
    try:
        opened.seek(index)
    except images.BAD_IMAGE_ERRORS as exc:
        raise IngestError(f"{name}: page {index + 1} is broken ({exc})", file=name) from exc


def _frame_master(opened: Image.Image, name: str) -> bytes:
    """One TIFF frame as a single-page TIFF, losslessly (mode and bit depth kept)."""
    out = io.BytesIO()
    try:
        frame = opened.copy()
        kwargs = {"compression": "tiff_adobe_deflate"}
        if "dpi" in opened.info:
            kwargs["dpi"] = opened.info["dpi"]
        orientation = opened.getexif().get(0x0112)
        if orientation:
            exif = Image.Exif()
            exif[0x0112] = orientation
            kwargs["exif"] = exif
        frame.save(out, "TIFF", **kwargs)
    except images.BAD_IMAGE_ERRORS as exc:
        raise IngestError(f"{name}: a page cannot be stored ({exc})", file=name) from exc
    return out.getvalue()


def _pdf_pages(path: Path, settings: IngestSettings, name: str) -> Iterator[SourcePage]:
    document = pdf.open_pdf(path, settings, name)
    try:
        for image, layer in pdf.iter_pdf_pages(document, settings, name):
            out = io.BytesIO()
            dpi = image.info.get("dpi")
            image.save(out, "PNG", dpi=dpi) if dpi else image.save(out, "PNG")
            yield SourcePage(image, out.getvalue(), "image/png", layer)
    finally:
        document.close()
