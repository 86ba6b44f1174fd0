"""Partner logos: an uploaded image checked like any upload, then re-encoded.

:func:`logo_png` accepts PNG, JPEG, WebP and GIF (the type decided by the first bytes,
never the name; no SVG, which can carry scripts), refuses empty, oversized, truncated,
corrupt and decompression-bomb input with :class:`LogoInvalid`, and returns a fresh PNG
of at most :data:`LOGO_SIDE` pixels a side drawn from the decoded pixels only: no byte,
metadata or trailing payload of the upload is ever served. :func:`set_logo` stores that
PNG in the file store and records it as the partner's logo (audited).
"""

from __future__ import annotations

import dataclasses
import io
import warnings

from PIL import Image

from catalog import profiles
from catalog.audit import Actor
from catalog.errors import IngestError
from catalog.files import FileStore
from ingest import images
from ingest.settings import IngestSettings

LOGO_MAX_BYTES = 2 * 1024 * 1024
"""The largest logo file accepted."""
LOGO_MAX_PIXELS = 16_000_000
"""The most pixels a logo may declare (checked from its header, before decoding)."""
LOGO_MAX_SIDE = 8_000
LOGO_SIDE = 512
"""The longest side of the stored logo."""

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
LIMITS = dataclasses.replace(IngestSettings(), max_pixels=LOGO_MAX_PIXELS, max_side=LOGO_MAX_SIDE)


class LogoInvalid(IngestError):
    """An upload that cannot be a logo. ``reason`` says why, for a translated message:
    ``empty``, ``too-large``, ``svg``, ``not-image``, ``too-many-pixels``, ``broken``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


def sniff(data: bytes) -> str:
    """The Pillow format of ``data`` from its first bytes, or :class:`LogoInvalid`."""
    if not data:
        raise LogoInvalid("empty", "the logo file is empty")
    for magic, fmt in SIGNATURES:
        if data.startswith(magic):
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise LogoInvalid("svg", "SVG logos are not accepted (they can carry scripts)")
    raise LogoInvalid("not-image", "the logo must be a PNG, JPEG, WebP or GIF image")


def logo_png(data: bytes) -> bytes:
    """``data`` checked and redrawn as a PNG of at most :data:`LOGO_SIDE` a side
    (orientation applied, transparency kept, no metadata); :class:`LogoInvalid`
    when it is not an acceptable image."""
    if len(data) > LOGO_MAX_BYTES:
        raise LogoInvalid("too-large", f"the logo has more than {LOGO_MAX_BYTES} bytes")
    fmt = sniff(data)
    with _opened(data, fmt) as probe:  # the header only: nothing decoded yet
        _check_size(probe)
        try:
            probe.verify()
        except images.BAD_IMAGE_ERRORS as exc:
            raise LogoInvalid("broken", f"the logo image is broken ({exc})") from exc
    with _opened(data, fmt) as opened:
        _check_size(opened)
        try:
            picture = images.load_frame(opened, "logo")
        except IngestError as exc:
            raise LogoInvalid("broken", exc.message) from exc
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
        picture.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "PNG", optimize=True)
        return out.getvalue()


def set_logo(catalog, files: FileStore, partner_id: str, data: bytes, actor: Actor) -> str:
    """Check and re-encode ``data`` (:func:`logo_png`), store it, and make it the
    partner's logo (audited as ``partner.logo``); returns its sha256. On
    :class:`LogoInvalid` nothing is stored and the old logo stays."""
    profiles.get_profile(catalog, partner_id)  # NotFound before any work
    stored = files.put_bytes(logo_png(data))
    profiles.store_logo(catalog, partner_id, stored, actor)
    return stored.sha256


def _opened(data: bytes, fmt: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=[fmt])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LogoInvalid("too-many-pixels", f"the logo has too many pixels ({exc})") from exc
    except images.BAD_IMAGE_ERRORS as exc:
        raise LogoInvalid("broken", f"the logo is not a readable {fmt} image ({exc})") from exc


def _check_size(image: Image.Image) -> None:
    if image.width <= 0 or image.height <= 0:
        raise LogoInvalid("broken", "the logo image has no pixels")
    try:
        images.check_size(image.width, image.height, LIMITS, "logo")
    except IngestError as exc:
        raise LogoInvalid("too-many-pixels", exc.message) from exc


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
