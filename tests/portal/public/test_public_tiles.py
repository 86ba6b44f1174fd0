"""Deep-zoom tiles of public page masters, served by the records views."""

from __future__ import annotations

import io
import json

import pytest
from lxml import html
from PIL import Image


def _tile(client, sha, level, col, row):
    response = client.get(f"/tiles/{sha}/{level}/{col}_{row}.jpg")
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, no-cache"  # revalidated: access
    return response, Image.open(io.BytesIO(response.data))


def test_full_size_tiles_show_the_master_pixels(client, library):
    _, first = _tile(client, library.master_sha, 10, 0, 0)
    assert first.size == (511, 511)
    # the fixture drew the outline of the word "Hikajat" from (40, 60) to (220, 100)
    assert max(first.getpixel((40, 80))) < 100 and min(first.getpixel((30, 80))) > 200
    _, last = _tile(client, library.master_sha, 10, 1, 1)
    assert last.size == (291, 91)


def test_smaller_levels_are_scaled_down(client, library):
    _, half = _tile(client, library.master_sha, 9, 0, 0)
    assert half.size == (400, 300)
    assert max(half.getpixel((20, 40))) < 160  # the outline at half size


def test_tiles_are_cached_and_revalidated(app, client, library):
    response, _ = _tile(client, library.master_sha, 8, 0, 0)
    cached = app.instance_path + f"/tiles/{library.master_sha}/8/0_0.jpg"
    with open(cached, "rb") as fh:
        assert fh.read() == response.data
    again = client.get(
        f"/tiles/{library.master_sha}/8/0_0.jpg",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["11/0_0", "10/2_0", "10/0_2"])
def test_tiles_outside_the_image_are_not_found(client, library, path):
    assert client.get(f"/tiles/{library.master_sha}/{path}.jpg").status_code == 404


def test_only_masters_of_public_pages_are_tiled(client, library):
    assert client.get(f"/tiles/{library.display_sha}/0/0_0.jpg").status_code == 404
    assert client.get(f"/tiles/{'0' * 64}/0/0_0.jpg").status_code == 404


def test_viewer_gets_the_tile_base_url(client, library):
    doc = html.fromstring(client.get(f"/records/{library.manuscript}").data)
    pages = json.loads(doc.find_class("viewer")[0].get("data-pages"))
    assert pages[0]["tiles"] == f"/tiles/{library.master_sha}/"


def test_tiles_follow_the_exif_orientation_like_the_word_boxes(app, client, library):
    from catalog.models import File, Page
    from portal.services import get_services

    raw = Image.new("RGB", (60, 80), "white")
    raw.paste((255, 0, 0), (0, 0, 10, 10))  # top left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90° clockwise: 80 × 60, the mark at the top right
    out = io.BytesIO()
    raw.save(out, "JPEG", quality=95, exif=exif)
    with app.app_context():
        services = get_services()
        stored = services.files.put_bytes(out.getvalue())
        with services.catalog.session() as s:
            s.add(
                File(
                    sha256=stored.sha256,
                    media_type="image/jpeg",
                    size=stored.size,
                    path=stored.relpath,
                )
            )
            s.add(
                Page(
                    object_id=library.object_id,
                    order=3,
                    image_sha256=stored.sha256,
                    width=80,
                    height=60,
                )
            )
    _, tile = _tile(client, stored.sha256, 7, 0, 0)
    assert tile.size == (80, 60)
    red, green, blue = tile.getpixel((75, 4))
    assert red > 200 and green < 80 and blue < 80
    assert min(tile.getpixel((4, 4))) > 200
