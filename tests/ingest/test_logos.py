"""Partner logos: real images are redrawn as small PNGs; hostile files are refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from catalog import profiles
from catalog.audit import audit_events
from catalog.files import FileStore
from catalog.models import File
from ingest import logos


def image_bytes(fmt: str, size=(1200, 600), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, fmt, **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width``×``height`` pixels (a bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "mode", "save"),
    [
        ("PNG", "RGBA", {}),
        ("JPEG", "RGB", {"quality": 90}),
        ("WEBP", "RGB", {}),
        ("GIF", "P", {}),
    ],
)
def test_each_accepted_format_becomes_a_small_png(fmt, mode, save):
    out = logos.logo_png(image_bytes(fmt, mode=mode, **save))
    redrawn = Image.open(io.BytesIO(out))
    assert redrawn.format == "PNG"
    assert redrawn.size == (logos.LOGO_SIDE, logos.LOGO_SIDE // 2)


def test_nothing_of_the_upload_but_its_pixels_is_kept():
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    upload = image_bytes("JPEG", size=(64, 64), exif=exif) + b"<script>alert(1)</script>"
    out = logos.logo_png(upload)
    assert b"secret description" not in out and b"<script>" not in out
    assert Image.open(io.BytesIO(out)).size == (64, 64)  # small logos are not enlarged
    assert not Image.open(io.BytesIO(out)).getexif()


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (image_bytes("PNG")[:300], "broken"),  # truncated PNG
        (b"just some text, saved as logo.png\n", "not-image"),
        (png_header_claiming(100_000, 100_000), "too-many-pixels"),  # beyond Pillow's own
        (png_header_claiming(5_000, 5_000), "too-many-pixels"),  # beyond the logo limit
        (SVG, "svg"),
        (b"  <svg onload='alert(1)'></svg>", "svg"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * logos.LOGO_MAX_BYTES, "too-large"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "broken"),
    ],
    ids=["truncated", "text", "bomb", "big-header", "svg", "svg-bare", "empty", "huge", "junk"],
)
def test_hostile_or_broken_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(logos.LogoInvalid) as caught:
        logos.logo_png(data)
    assert caught.value.reason == reason
    assert caught.value.status == 422


def test_set_logo_stores_the_png_and_audits_it(sqlite_catalog, tmp_path):
    sqlite_catalog.add_partner("rajang", name="Pustaka Warisan Rajang", country="MY")
    files = FileStore(tmp_path / "files")
    sha = logos.set_logo(sqlite_catalog, files, "rajang", image_bytes("JPEG"), "cli")
    partner, _profile = profiles.get_profile(sqlite_catalog, "rajang")
    assert partner.logo_sha256 == sha
    assert Image.open(io.BytesIO(files.read(sha))).format == "PNG"
    with sqlite_catalog.session() as s:
        assert s.get(File, sha).media_type == "image/png"
    assert profiles.public_logo(sqlite_catalog, sha) is not None
    [event] = audit_events(sqlite_catalog, partner_id="rajang")
    assert (event.action, event.before, event.after) == (
        "partner.logo",
        {"logo": None},
        {"logo": sha},
    )

    with pytest.raises(logos.LogoInvalid):
        logos.set_logo(sqlite_catalog, files, "rajang", SVG, "cli")
    assert profiles.get_profile(sqlite_catalog, "rajang")[0].logo_sha256 == sha  # kept

    assert profiles.remove_logo(sqlite_catalog, "rajang", "cli") is True
    assert profiles.get_profile(sqlite_catalog, "rajang")[0].logo_sha256 is None
    assert profiles.public_logo(sqlite_catalog, sha) is None
    assert profiles.remove_logo(sqlite_catalog, "rajang", "cli") is False
    latest = audit_events(sqlite_catalog, partner_id="rajang")[0]
    assert latest.after == {"logo": None}
