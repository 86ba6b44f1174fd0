"""Deep-zoom tiles cut from page masters."""

from __future__ import annotations

import io
import json

import pytest
from lxml import html
from PIL import Image

from portal.tiles import Pyramid


def test_pyramid_levels_and_tile_boxes():
    pyramid = Pyramid(800, 600)
    assert pyramid.max_level == 10
    assert pyramid.size(10) == (800, 600) and pyramid.size(9) == (400, 300)
    assert pyramid.size(0) == (1, 1)
    assert pyramid.box(10, 0, 0) == (0, 0, 511, 511)
    assert pyramid.box(10, 1, 1) == (509, 509, 800, 600)
    assert pyramid.box(9, 0, 0) == (0, 0, 400, 300)


def _tile(client, sha, level, col, row):
    response = client.get(f"/tiles/{sha}/{level}/{col}_{row}.jpg")
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
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
