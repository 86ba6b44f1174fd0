"""Every kind of bad input gets a clear per-file error, nothing of it is stored, and the
batch goes on with the good files."""

from __future__ import annotations

import io
import zlib

import pypdf
import pytest
from PIL import Image
from sqlalchemy import func, select

from catalog.errors import IngestError
from catalog.models import DigitalObject, File, Record
from ingest import batch, intake
from ingest.settings import IngestSettings

from .conftest import render, save


def _png(tmp_path, name="good.png", size=(400, 200)):
    return save(render(["Selamat datang"], size=size, origin=(20, 40)).image, tmp_path / name)


def _bomb_png(path, width, height):
    """A valid PNG of width x height white pixels that compresses to a few kilobytes."""

    def chunk(kind, data):
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def _encrypted_pdf(path):
    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, "PDF")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt("rahsia", algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _bad_files(tmp_path):
    good = _png(tmp_path)
    data = good.read_bytes()
    jpeg = io.BytesIO()
    render(["Surat khabar"], size=(400, 200), origin=(20, 40)).image.save(jpeg, "JPEG")
    bad = {
        "empty.png": (b"", "empty"),
        "truncated.png": (data[: len(data) // 2], "truncated"),
        "truncated.jpg": (jpeg.getvalue()[: len(jpeg.getvalue()) // 3], "truncated"),
        "notes.jpg": (b"Minutes of the meeting, 1936.\n" * 20, "not a supported file"),
        "anim.gif": (b"GIF89a" + b"\x00" * 100, "not a supported file"),
        "broken.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%garbage", "PDF is broken"),
    }
    paths = {}
    for name, (content, _) in bad.items():
        (tmp_path / name).write_bytes(content)
        paths[name] = bad[name][1]
    _bomb_png(tmp_path / "bomb.png", 12_000, 12_000)
    paths["bomb.png"] = "decompression bomb"
    _bomb_png(tmp_path / "tall.png", 40, 40_000)
    paths["tall.png"] = "longest side allowed"
    _encrypted_pdf(tmp_path / "locked.pdf")
    paths["locked.pdf"] = "encrypted"
    return good, paths


SMALL = IngestSettings(max_pixels=50_000_000, max_side=30_000)


def test_each_bad_file_has_a_clear_error(tmp_path):
    _, bad = _bad_files(tmp_path)
    for name, expected in bad.items():
        with pytest.raises(IngestError) as info:
            intake.check_file(tmp_path / name, SMALL)
        assert expected in str(info.value), (name, str(info.value))
        assert name in str(info.value)


def test_batch_goes_on_and_keeps_nothing_of_bad_files(
    tmp_path, sqlite_catalog, file_store, partner
):
    good, bad = _bad_files(tmp_path)
    names = [*sorted(bad), good.name]
    items = [batch.Item((tmp_path / n,), None) for n in names]
    reports = batch.take_in(sqlite_catalog, file_store, partner, items, SMALL)
    by_name = {r.file: r for r in reports}
    assert [r.file for r in reports] == names
    assert by_name[good.name].status == "ok"
    assert all(by_name[n].status == "error" and by_name[n].message for n in bad)
    with sqlite_catalog.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 1
        assert s.scalar(select(func.count()).select_from(DigitalObject)) == 1
        assert s.scalar(select(func.count()).select_from(File)) == 1
    assert len(list(file_store.iter_checksums())) == 1


def test_pillow_limit_is_set_from_the_settings(tmp_path):
    _bomb_png(tmp_path / "bomb.png", 6_000, 6_000)
    intake.check_file(tmp_path / "bomb.png", IngestSettings(max_pixels=40_000_000))
    assert Image.MAX_IMAGE_PIXELS == 40_000_000
    with pytest.raises(IngestError, match="decompression bomb"):
        intake.check_file(tmp_path / "bomb.png", IngestSettings(max_pixels=30_000_000))
    assert Image.MAX_IMAGE_PIXELS == 30_000_000


def test_too_large_file_is_refused(tmp_path):
    path = _png(tmp_path)
    with pytest.raises(IngestError, match="more than the limit"):
        intake.check_file(path, IngestSettings(max_file_bytes=100))
