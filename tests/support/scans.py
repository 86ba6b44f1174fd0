"""Small real scans and hostile files for the upload tests, each with the words its
rejection message must contain (see :func:`ingest.intake.check_file`)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def page_image(size=(600, 400), mode="L", text="Surat khabar 1936") -> Image.Image:
    """A page-like image: a frame and a line of text in the default bitmap font."""
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] - 10, size[1] - 10), outline="black", width=3)
    draw.text((40, 40), text, fill="black")
    return image


def tiff_bytes(size=(600, 400), pages: int = 1, **options) -> bytes:
    """An uncompressed (multi-page) TIFF."""
    frames = [page_image(size, text=f"Halaman {n + 1}") for n in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=pages > 1, append_images=frames[1:], **options)
    return out.getvalue()


def jpeg_bytes(size=(600, 400)) -> bytes:
    out = io.BytesIO()
    page_image(size, mode="RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def png_bytes(size=(600, 400)) -> bytes:
    out = io.BytesIO()
    page_image(size).save(out, "PNG")
    return out.getvalue()


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of ``width`` × ``height`` white pixels in a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """File name → (content, words of its rejection message)."""
    tiff, jpeg = tiff_bytes(), jpeg_bytes()
    return {
        "bomb.png": (bomb_png(), "decompression bomb"),
        "truncated.tif": (tiff[: len(tiff) // 2], "truncated"),
        "truncated.jpg": (jpeg[: len(jpeg) // 3], "truncated"),
        "notes.tif": (b"Minutes of the meeting, 1936.\n" * 40, "not a supported file"),
        "empty.tif": (b"", "empty"),
    }


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path
