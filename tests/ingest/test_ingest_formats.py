"""Each accepted format becomes pages whose word boxes lie where the text was drawn, in
master pixels: PNG, JPEG with EXIF orientation, small upscaled clippings, multi-page TIFF
with 16-bit and CMYK pages, JPEG 2000, image-only PDF and PDF with a text layer."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.models import File, Page
from ingest import images, objects, ocr, pages
from ingest.settings import IngestSettings

from .conftest import ENGLISH, INDONESIAN, MALAY, match_words, render, save

pytestmark = pytest.mark.tesseract


def _ingest_and_ocr(catalog, files, object_id, settings) -> list[Page]:
    outcome = objects.ingest_object(catalog, files, object_id, settings)
    for page_id in outcome.pages_to_ocr:
        pages.ocr_page(catalog, files, page_id, settings)
    with catalog.session() as s:
        return list(s.query(Page).filter(Page.object_id == object_id).order_by(Page.order))


def test_png_words_are_boxed_where_drawn(
    sqlite_catalog, file_store, make_object, tmp_path, settings
):
    drawn = render(MALAY)
    path = save(drawn.image, tmp_path / "akhbar.png", dpi=(300, 300))
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert page.ocr_status == "done" and page.text_source == "ocr"
    assert (page.width, page.height) == drawn.image.size
    assert match_words(page.words, drawn.boxes) >= len(drawn.boxes) - 1
    assert page.language == "msa"
    assert page.mean_confidence > 80
    assert len(page.lines) == 3 and {w[6] for w in page.words} == {0, 1, 2}
    assert "Kerajaan negeri" in page.text


def test_master_is_kept_and_derivatives_are_made(sqlite_catalog, file_store, make_object, tmp_path):
    drawn = render(ENGLISH, size=(3000, 1500))
    path = save(drawn.image, tmp_path / "wide.png")
    object_id = make_object(path)
    settings = IngestSettings()
    outcome = objects.ingest_object(sqlite_catalog, file_store, object_id, settings)
    with sqlite_catalog.session() as s:
        page = s.get(Page, outcome.pages_to_ocr[0])
        assert file_store.read(page.image_sha256) == path.read_bytes()
        display = Image.open(file_store.path(page.display_sha256))
        thumb = Image.open(file_store.path(page.thumb_sha256))
        assert display.format == "JPEG" and display.size == (2000, 1000)
        assert max(thumb.size) == 300
        assert s.get(File, page.display_sha256).media_type == "image/jpeg"
    again = objects.ingest_object(sqlite_catalog, file_store, object_id, settings)
    assert again.created is False and again.pages == 1


def test_exif_orientation_gives_boxes_in_the_upright_page(
    sqlite_catalog, file_store, make_object, tmp_path, settings
):
    drawn = render(INDONESIAN, mode="RGB")
    stored = drawn.image.transpose(Image.Transpose.ROTATE_90)  # upright after orientation 6
    exif = Image.Exif()
    exif[0x0112] = 6
    path = save(stored, tmp_path / "miring.jpg", exif=exif, quality=95)
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert (page.width, page.height) == drawn.image.size
    assert match_words(page.words, drawn.boxes) >= len(drawn.boxes) - 2
    assert page.language == "ind"


def _png_with_exif_after_the_image_data(image: Image.Image, exif: Image.Exif) -> bytes:
    import struct
    import zlib

    data = io.BytesIO()
    image.save(data, "PNG")
    body, payload = data.getvalue(), exif.tobytes()[6:]  # without the "Exif\0\0" header
    chunk = struct.pack(">I", len(payload)) + b"eXIf" + payload
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + payload))
    return body[:-12] + chunk + body[-12:]  # just before IEND


@pytest.mark.parametrize("where", ["before", "after"])
def test_png_exif_orientation_is_applied_wherever_the_chunk_is(
    sqlite_catalog, file_store, make_object, tmp_path, settings, where
):
    drawn = render(MALAY)
    stored = drawn.image.transpose(Image.Transpose.ROTATE_90)  # upright after orientation 6
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "miring.png"
    if where == "before":
        save(stored, path, exif=exif, dpi=(300, 300))
    else:
        path.write_bytes(_png_with_exif_after_the_image_data(stored, exif))
    with Image.open(path) as check:
        assert ("exif" in check.info) == (where == "before")
        assert check.getexif()[0x0112] == 6
    assert images.readable_as_is(path) is None  # decoded and turned upright first
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert (page.width, page.height) == drawn.image.size
    assert match_words(page.words, drawn.boxes) >= len(drawn.boxes) - 2


def test_plain_png_goes_to_tesseract_as_it_is(tmp_path):
    path = save(render(MALAY).image, tmp_path / "plain.png", dpi=(300, 300))
    assert images.readable_as_is(path) is not None


def test_small_clipping_words_are_boxed(
    sqlite_catalog, file_store, make_object, tmp_path, settings
):
    drawn = render(
        ["Sarawak Gazette 1936", "harga lima sen"], size=(420, 110), font_size=16, origin=(10, 15)
    )
    path = save(drawn.image, tmp_path / "keratan.png")
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert page.width == 420
    assert match_words(page.words, drawn.boxes, tolerance=3) >= len(drawn.boxes) - 1


def test_enlarged_reading_boxes_are_mapped_back_to_master_pixels():
    drawn = render(["Kuching Sarawak 1936"], size=(500, 80), font_size=18, origin=(10, 20))
    factor = images.ocr_scale(drawn.image, IngestSettings())
    assert factor == 2.0  # no declared resolution, longest side 500 px: enlarged to 1000
    enlarged = images.ocr_image(drawn.image, factor)
    assert enlarged.size == (1000, 160)
    reading = ocr.recognise(enlarged, "eng", psm=6, dpi=300, timeout=60, cmd="tesseract")
    mapped = reading.scaled(factor)
    assert match_words(mapped.words, drawn.boxes, tolerance=3) == 3


def test_multipage_tiff_with_16bit_and_cmyk_pages(
    sqlite_catalog, file_store, make_object, tmp_path, settings
):
    first = render(MALAY)
    second = render(ENGLISH)
    wide = _to_16bit(first.image)
    cmyk = second.image.convert("CMYK")
    path = tmp_path / "bundle.tif"
    wide.save(path, "TIFF", save_all=True, append_images=[cmyk], compression="tiff_adobe_deflate")
    result = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert [p.order for p in result] == [1, 2]
    masters = [Image.open(file_store.path(p.image_sha256)) for p in result]
    assert masters[0].mode.startswith("I;16") and masters[1].mode == "CMYK"
    assert match_words(result[0].words, first.boxes) >= len(first.boxes) - 1
    assert match_words(result[1].words, second.boxes) >= len(second.boxes) - 1
    assert [p.language for p in result] == ["msa", "eng"]


def _to_16bit(image: Image.Image) -> Image.Image:
    return image.convert("I").point(lambda v: v * 257).convert("I;16")


def test_jpeg_2000(sqlite_catalog, file_store, make_object, tmp_path, settings):
    drawn = render(ENGLISH)
    path = save(drawn.image, tmp_path / "scan.jp2", quality_mode="rates", quality_layers=[10])
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert match_words(page.words, drawn.boxes) >= len(drawn.boxes) - 1


def test_image_only_pdf_is_rasterised_and_ocrd(sqlite_catalog, file_store, make_object, tmp_path):
    drawn = render(INDONESIAN, size=(1200, 500), font_size=30)
    path = tmp_path / "scan.pdf"
    drawn.image.save(path, "PDF", resolution=100)  # 1200 px at 100 dpi = 864 pt
    settings = IngestSettings(pdf_dpi=200)
    [page] = _ingest_and_ocr(sqlite_catalog, file_store, make_object(path), settings)
    assert page.text_source == "ocr"
    assert (page.width, page.height) == (2400, 1000)
    assert Image.open(file_store.path(page.image_sha256)).size == (2400, 1000)
    assert match_words(page.words, drawn.boxes, scale=2.0, tolerance=6) >= len(drawn.boxes) - 1


def _text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (612x792 pt) with Helvetica text, a line every 30 pt from y=700."""
    ops = ["BT /F1 24 Tf 72 700 Td"]
    for n, line in enumerate(lines):
        ops.append(("" if n == 0 else "0 -30 Td ") + f"({line}) Tj")
    ops.append("ET")
    content = "\n".join(ops).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    return out.getvalue()


def test_pdf_text_layer_is_kept_and_not_ocrd(sqlite_catalog, file_store, make_object, tmp_path):
    path = tmp_path / "born-digital.pdf"
    path.write_bytes(_text_pdf(MALAY))
    settings = IngestSettings(pdf_dpi=150)
    outcome = objects.ingest_object(sqlite_catalog, file_store, make_object(path), settings)
    assert outcome.pages_to_ocr == []
    with sqlite_catalog.session() as s:
        page = s.query(Page).one()
        assert page.text_source == "pdf" and page.ocr_status == "done"
        assert page.text.splitlines() == MALAY
        assert page.language == "msa"
        first = page.words[0]
        scale = 150 / 72
        assert first[0] == "Kerajaan" and abs(first[1] - 72 * scale) <= 6
        baseline = (792 - 700) * scale
        assert first[2] < baseline <= first[2] + first[4] + 1
        image = Image.open(file_store.path(page.image_sha256)).convert("L")
        box = image.crop((first[1], first[2], first[1] + first[3], first[2] + first[4]))
        assert box.getextrema()[0] < 100  # the word's ink is inside its box
