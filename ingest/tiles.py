"""Deep-zoom tiles of page masters (Deep Zoom / DZI layout, as OpenSeadragon reads it).

A tile is cut from the master with Pillow (EXIF orientation applied, as the word
coordinates are) and written once to ``<folder>/<sha256>/<level>/<col>_<row>.jpg``
(the portal serves it from there). Level ``max_level`` is the master at full size; each
level below halves it. Masters in formats browsers cannot show (TIFF) zoom like any other.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import os
import tempfile
import threading
from pathlib import Path

from PIL import Image, ImageOps

from catalog.errors import NotFound

TILE_SIZE = 510
OVERLAP = 1
QUALITY = 85


@dataclasses.dataclass(frozen=True)
class Pyramid:
    """The levels of one image of ``width`` × ``height`` pixels."""

    width: int
    height: int

    @property
    def max_level(self) -> int:
        """The level at full size (level 0 is one pixel)."""
        return max(0, math.ceil(math.log2(max(self.width, self.height))))

    def size(self, level: int) -> tuple[int, int]:
        scale = 0.5 ** (self.max_level - level)
        return max(1, math.ceil(self.width * scale)), max(1, math.ceil(self.height * scale))

    def box(self, level: int, col: int, row: int) -> tuple[int, int, int, int]:
        """The tile's box in the level's pixels, or :class:`NotFound` when it is outside."""
        if not 0 <= level <= self.max_level:
            raise NotFound(f"no level {level}")
        width, height = self.size(level)
        x0 = col * TILE_SIZE - (OVERLAP if col else 0)
        y0 = row * TILE_SIZE - (OVERLAP if row else 0)
        if col < 0 or row < 0 or x0 >= width or y0 >= height:
            raise NotFound(f"no tile {col}_{row} at level {level}")
        x1 = min(width, (col + 1) * TILE_SIZE + OVERLAP)
        y1 = min(height, (row + 1) * TILE_SIZE + OVERLAP)
        return x0, y0, x1, y1


_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _master(path: str) -> Image.Image:
    """A decoded master, oriented and in RGB (the two most recent stay in memory)."""
    with Image.open(path) as image:
        oriented = ImageOps.exif_transpose(image)
        return oriented.convert("RGB")


def render(master_path: str, pyramid: Pyramid, level: int, col: int, row: int) -> bytes:
    """The JPEG bytes of one tile."""
    x0, y0, x1, y1 = pyramid.box(level, col, row)
    scale = 2 ** (pyramid.max_level - level)
    with _lock:
        image = _master(master_path)
    box = (x0 * scale, y0 * scale, min(x1 * scale, image.width), min(y1 * scale, image.height))
    tile = image.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    out = io.BytesIO()
    tile.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def tile(
    folder: Path, sha256: str, master: Path, pyramid: Pyramid, level: int, col: int, row: int
) -> bytes:
    """The JPEG bytes of one tile of the master ``sha256`` (file ``master``), read from
    ``folder/<sha256>/<level>/<col>_<row>.jpg`` or cut, written there and returned.
    Raises :class:`NotFound` for a tile outside the pyramid."""
    path = folder / sha256 / str(level) / f"{col}_{row}.jpg"
    if path.is_file():
        return path.read_bytes()
    data = render(str(master), pyramid, level, col, row)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tile-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return data
