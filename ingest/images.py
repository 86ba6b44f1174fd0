"""Image normalisation with Pillow: orientation, mode, bit depth, resolution, derivatives.

Masters are never changed: these functions return new images. Page coordinates are
those of the master *as displayed*, i.e. after its EXIF orientation is applied.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from catalog.errors import IngestError
from ingest.settings import IngestSettings

BAD_IMAGE_ERRORS = (OSError, SyntaxError, ValueError, Image.DecompressionBombError, EOFError)


def apply_limits(settings: IngestSettings) -> None:
    """Set Pillow's decompression-bomb limit to ``settings.max_pixels`` (on purpose)."""
    Image.MAX_IMAGE_PIXELS = settings.max_pixels


def check_size(width: int, height: int, settings: IngestSettings, name: str) -> None:
    """Refuse images larger than the configured pixel count or side length."""
    if width <= 0 or height <= 0:
        raise IngestError(f"{name}: image has no pixels ({width}x{height})", file=name)
    if max(width, height) > settings.max_side:
        raise IngestError(
            f"{name}: image is {width}x{height} pixels; the longest side allowed is "
            f"{settings.max_side}",
            file=name,
        )
    if width * height > settings.max_pixels:
        raise IngestError(
            f"{name}: image has {width * height} pixels, more than the limit of "
            f"{settings.max_pixels} (possible decompression bomb)",
            file=name,
        )


def load_frame(image: Image.Image, name: str) -> Image.Image:
    """Decode the current frame fully (so truncation shows now) and orient it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            return ImageOps.exif_transpose(image)  # a new image, upright
    except (*BAD_IMAGE_ERRORS, Image.DecompressionBombWarning) as exc:
        raise IngestError(f"{name}: image data is broken or truncated ({exc})", file=name) from exc


def to_8bit(image: Image.Image) -> Image.Image:
    """A copy in an 8-bit mode Tesseract and JPEG understand: ``L`` or ``RGB``.

    16-bit and float images are stretched over their actual range; CMYK and palette
    images become RGB; transparency is flattened onto white.
    """
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        wide = image.convert("F")
        low, high = wide.getextrema()
        scale = 255.0 / (high - low) if high > low else 1.0
        return wide.point(lambda v: (v - low) * scale).convert("L")
    if mode in ("LA", "PA", "RGBA", "P") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def ocr_scale(image: Image.Image, settings: IngestSettings) -> float:
    """How much to enlarge a page for OCR: low declared resolution or a small image is
    upscaled (at most ``max_upscale``); everything else is left as it is (1.0)."""
    dpi = _dpi(image)
    factor = 1.0
    if dpi and dpi < settings.min_dpi:
        factor = 300.0 / dpi
    elif not dpi and max(image.size) < settings.small_side:
        factor = settings.small_side / max(image.size)
    return min(max(factor, 1.0), settings.max_upscale)


def readable_as_is(path) -> Image.Image | None:
    """The (lazily opened, not decoded) image when Tesseract can read the file exactly as
    the pipeline would see it: a single-frame 8-bit grey, RGB or bilevel PNG, JPEG or TIFF
    without an EXIF rotation. None otherwise (then the page is decoded and converted)."""
    try:
        with Image.open(path) as image:
            plain = (
                image.format in ("PNG", "JPEG", "TIFF")
                and image.mode in ("L", "RGB", "1")
                and getattr(image, "n_frames", 1) == 1
                and "transparency" not in image.info
                and _orientation(image, path) == 1
            )
            return image if plain else None
    except BAD_IMAGE_ERRORS:
        return None


def _orientation(image: Image.Image, path) -> int | None:
    """The EXIF orientation of an opened image, without decoding its pixels.

    Pillow's ``getexif()`` decodes a whole PNG in case an ``eXIf`` chunk follows the
    image data; here such a file answers None (unknown), and a PNG without one answers 1
    after a byte scan.
    """
    if image.format != "PNG" or "exif" in image.info:
        return image.getexif().get(0x0112, 1)
    with open(path, "rb") as fh:
        return None if b"eXIf" in fh.read() else 1


def ocr_image(image: Image.Image, factor: float) -> Image.Image:
    """The grayscale image Tesseract reads, enlarged by ``factor`` (see :func:`ocr_scale`)."""
    gray = to_8bit(image).convert("L")
    if factor > 1.0:
        size = (round(gray.width * factor), round(gray.height * factor))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


def effective_dpi(image: Image.Image, factor: float) -> int:
    """The resolution of the OCR image: declared dpi times the factor, else 300."""
    dpi = _dpi(image)
    return round(dpi * factor) if dpi else 300


def derivatives(
    image: Image.Image, display_side: int, thumb_side: int, quality: int
) -> tuple[bytes, bytes]:
    """The page's display JPEG (longest side at most ``display_side``) and thumbnail
    (at most ``thumb_side``), the thumbnail made from the display image."""
    display = to_8bit(image).copy()
    display.thumbnail((display_side, display_side), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return _jpeg(display, quality), _jpeg(thumb, 80)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG with the standard Huffman tables: optimised tables save little space
    for much encoding time, CPU taken from Tesseract on every page ingested."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _dpi(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 20 <= value <= 5000 else None
