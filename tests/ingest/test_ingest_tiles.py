"""Deep-zoom tiles: the pyramid's levels and tile boxes, tiles cut once and then read."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.errors import NotFound
from ingest.tiles import Pyramid, tile


def test_pyramid_levels_and_tile_boxes():
    pyramid = Pyramid(800, 600)
    assert pyramid.max_level == 10
    assert pyramid.size(10) == (800, 600) and pyramid.size(9) == (400, 300)
    assert pyramid.size(0) == (1, 1)
    assert pyramid.box(10, 0, 0) == (0, 0, 511, 511)
    assert pyramid.box(10, 1, 1) == (509, 509, 800, 600)
    assert pyramid.box(9, 0, 0) == (0, 0, 400, 300)


def test_a_tile_is_cut_once_and_then_read_from_its_folder(tmp_path):
    master = tmp_path / "master.png"
    Image.new("RGB", (600, 400), "white").save(master)
    folder = tmp_path / "tiles"
    pyramid = Pyramid(600, 400)
    first = tile(folder, "abc", master, pyramid, 10, 1, 0)
    cached = folder / "abc" / "10" / "1_0.jpg"
    assert cached.read_bytes() == first
    assert Image.open(io.BytesIO(first)).size == (91, 400)
    master.unlink()  # the cut tile no longer needs the master
    assert tile(folder, "abc", master, pyramid, 10, 1, 0) == first
    with pytest.raises(NotFound):
        tile(folder, "abc", master, pyramid, 11, 0, 0)
