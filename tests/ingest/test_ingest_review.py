"""Rotating and replacing a page in review (ingest.review): a new master, lossless where
the format allows (the original file stays the object's file), new derivatives, the
reading started over and re-read by the real OCR; hostile replacements are refused
with their reason and change nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select, update

from catalog import accounts
from catalog.account_models import AuditEvent
from catalog.drafts import NotReviewable
from catalog.errors import IngestError, InvalidInput
from catalog.models import DigitalObject, File, Page, Record
from ingest import objects, pages, review

from .conftest import MALAY, render, save


@pytest.fixture
def operator(sqlite_catalog, partner):
    user = accounts.create_user(sqlite_catalog, "op@test.example", "a long passphrase", actor="t")
    accounts.add_membership(sqlite_catalog, user.id, "operator", partner, actor="t")
    return accounts.principal(sqlite_catalog, user)


@pytest.fixture
def draft_page(sqlite_catalog, file_store, make_object, settings):
    """Ingest a file as the only object of a draft record; returns (record, page ids)."""

    def make(path, *, draft: bool = True):
        object_id = make_object(path)
        objects.ingest_object(sqlite_catalog, file_store, object_id, settings)
        with sqlite_catalog.session() as s:
            obj = s.get(DigitalObject, object_id)
            s.execute(update(Record).where(Record.id == obj.record_id).values(draft=draft))
            return obj.record_id, [p.id for p in obj.pages]

    return make


def _page(catalog, page_id) -> Page:
    with catalog.session() as s:
        return s.get(Page, page_id)


def _pixels(path) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(path) as image:
        return image.mode, image.size, image.tobytes()


def _events(catalog, action):
    with catalog.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_jpeg_turns_without_touching_its_compressed_data(
    sqlite_catalog, file_store, settings, operator, draft_page, tmp_path
):
    path = save(render(MALAY, size=(900, 600)).image, tmp_path / "p.jpg", quality=90)
    record_id, [page_id] = draft_page(path)
    before = _page(sqlite_catalog, page_id)
    review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 90)
    after = _page(sqlite_catalog, page_id)
    assert after.image_sha256 != before.image_sha256
    new = file_store.read(after.image_sha256)
    _head, body = review._jpeg_head(new)
    assert body == review._jpeg_head(path.read_bytes())[1]  # the same scan data
    with Image.open(io.BytesIO(new)) as image:
        assert image.getexif()[review.ORIENTATION] == 6
    assert (after.width, after.height) == (600, 900)
    with Image.open(file_store.path(after.display_sha256)) as display:
        assert display.size == (600, 900)
    with sqlite_catalog.session() as s:
        obj = s.get(DigitalObject, after.object_id)
        assert obj.file_sha256 == before.image_sha256  # the original stays the object's file
        assert s.get(File, after.image_sha256).media_type == "image/jpeg"
    assert file_store.exists(before.image_sha256)
    assert after.ocr_status == "pending" and after.text is None and after.words == []
    (event,) = _events(sqlite_catalog, "page.rotate")
    assert event.after["degrees"] == 90 and event.before["image_sha256"] == before.image_sha256
    # a further turn composes with the orientation: 90 + 270 is upright again
    review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 270)
    upright = _page(sqlite_catalog, page_id)
    with Image.open(file_store.path(upright.image_sha256)) as image:
        assert image.getexif().get(review.ORIENTATION) == 1
    assert (upright.width, upright.height) == (900, 600)


@pytest.mark.parametrize(
    ("name", "mode", "options"),
    [
        ("p.png", "RGB", {}),
        ("p.tif", "I;16", {"compression": "tiff_lzw"}),
        ("p.jp2", "L", {"irreversible": False}),
    ],
)
def test_other_formats_turn_pixel_for_pixel(
    sqlite_catalog, file_store, settings, operator, draft_page, tmp_path, name, mode, options
):
    grey = Image.effect_noise((120, 80), 60).convert("L")
    source = grey
    if mode == "RGB":
        mirrored = grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        source = Image.merge("RGB", (grey, mirrored, grey))
    if mode == "I;16":  # 16-bit: each grey value in both bytes
        wide = bytes(b for value in grey.tobytes() for b in (value, value))
        source = Image.frombytes("I;16", grey.size, wide)
    path = save(source, tmp_path / name, **options)
    record_id, [page_id] = draft_page(path)
    review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 180)
    turned = _page(sqlite_catalog, page_id)
    expected = source.transpose(Image.Transpose.ROTATE_180)
    got = _pixels(file_store.path(turned.image_sha256))
    assert got == (source.mode, expected.size, expected.tobytes())


@pytest.mark.tesseract
def test_a_sideways_page_reads_once_turned(
    sqlite_catalog, file_store, settings, operator, draft_page, tmp_path
):
    drawn = render(MALAY, size=(1500, 700))
    sideways = drawn.image.transpose(Image.Transpose.ROTATE_90)  # anticlockwise
    record_id, [page_id] = draft_page(save(sideways, tmp_path / "s.png", dpi=(300, 300)))
    pages.ocr_page(sqlite_catalog, file_store, page_id, settings)
    assert "Kerajaan" not in (_page(sqlite_catalog, page_id).text or "")
    review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 90)
    assert _page(sqlite_catalog, page_id).ocr_status == "pending"
    pages.ocr_page(sqlite_catalog, file_store, page_id, settings)
    read = _page(sqlite_catalog, page_id)
    assert read.ocr_status == "done" and "Kerajaan negeri" in read.text
    assert (read.width, read.height) == drawn.image.size


def test_replacing_a_page(sqlite_catalog, file_store, settings, operator, draft_page, tmp_path):
    record_id, [first, second] = draft_page(_two_page_tiff(tmp_path / "two.tif"))
    new = save(Image.new("RGB", (300, 400), "teal"), tmp_path / "new.png")
    review.replace_page(
        sqlite_catalog, file_store, settings, operator, record_id, second, new, "ganti.png"
    )
    page = _page(sqlite_catalog, second)
    assert file_store.read(page.image_sha256) == new.read_bytes()
    assert (page.width, page.height) == (300, 400) and page.ocr_status == "pending"
    with sqlite_catalog.session() as s:
        assert s.get(File, page.image_sha256).original_name == "ganti.png"
    (event,) = _events(sqlite_catalog, "page.replace")
    assert event.after["file"] == "ganti.png"
    assert _page(sqlite_catalog, first).image_sha256 != page.image_sha256


def test_hostile_replacements_are_refused_and_change_nothing(
    sqlite_catalog, file_store, settings, operator, draft_page, tmp_path
):
    record_id, [page_id] = draft_page(save(Image.new("L", (200, 100), 255), tmp_path / "a.png"))
    before = _page(sqlite_catalog, page_id).image_sha256
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"<html>not an image</html>")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(_png_bytes(Image.effect_noise((400, 400), 50))[:300])
    cases = {
        fake: "not a supported file",
        empty: "empty",
        truncated: "broken or truncated",
        _two_page_tiff(tmp_path / "two.tif"): "one image, not several",
    }
    for path, message in cases.items():
        with pytest.raises(IngestError) as refused:
            review.replace_page(
                sqlite_catalog, file_store, settings, operator, record_id, page_id, path
            )
        assert message in refused.value.message, path.name
    with pytest.raises(InvalidInput):
        review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 45)
    assert _page(sqlite_catalog, page_id).image_sha256 == before
    assert _events(sqlite_catalog, "page.replace") == []


def test_a_public_records_page_is_not_turned(
    sqlite_catalog, file_store, settings, operator, draft_page, tmp_path
):
    path = save(Image.new("L", (200, 100), 255), tmp_path / "a.png")
    record_id, [page_id] = draft_page(path, draft=False)
    count = len(list(file_store.iter_checksums()))
    with pytest.raises(NotReviewable):
        review.rotate_page(sqlite_catalog, file_store, settings, operator, record_id, page_id, 90)
    with pytest.raises(NotReviewable):
        review.replace_page(
            sqlite_catalog, file_store, settings, operator, record_id, page_id, path
        )
    assert len(list(file_store.iter_checksums())) == count  # refused before any work


def test_orientations_compose():
    assert review.compose(1, 90) == 6
    assert review.compose(6, 90) == 3
    assert review.compose(3, 90) == 8
    assert review.compose(8, 90) == 1
    assert review.compose(1, 180) == 3
    assert review.compose(2, 180) == 4  # a mirrored scan stays mirrored


def _png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _two_page_tiff(path):
    first = Image.new("L", (200, 300), 255)
    first.save(path, save_all=True, append_images=[Image.new("L", (200, 300), 128)])
    return path
