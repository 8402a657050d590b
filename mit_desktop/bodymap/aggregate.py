"""Mean and count over a set of body maps (e.g. all "anxiety" maps of four weeks)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from mit_desktop.bodymap.layout import CANVAS_HEIGHT, CANVAS_WIDTH, MAP_SHAPE
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.raster import layer_crops
from mit_desktop.bodymap.serialize import _read_header, read_cells, read_signed_map

log = logging.getLogger(__name__)

MapLike = BodyMap | bytes | bytearray | memoryview | np.ndarray


@dataclass(frozen=True)
class Aggregate:
    """Pixel-wise mean of ``count`` signed maps (float64 522 × 171, unmasked)."""

    mean: np.ndarray
    count: int


def aggregate(items: Iterable[MapLike]) -> Aggregate:
    """Mean and count of body maps given as BodyMaps, serialised bytes or arrays.

    Serialised maps with stored point cells are summed as cells and blurred once
    (the blur is linear, so this equals the mean of their maps up to float
    rounding, and is much faster); others are summed as maps. An empty set gives
    ``count == 0`` and an all-zero mean. Raises ``BodyMapFormatError`` for damaged
    bytes and ValueError for an array of the wrong shape.
    """
    map_sum = np.zeros(MAP_SHAPE, dtype=np.float64)
    cell_index: list[np.ndarray] = []
    cell_counts: list[np.ndarray] = []
    count = 0
    for item in items:
        count += 1
        if isinstance(item, BodyMap):
            map_sum += item.signed_map()
        elif isinstance(item, np.ndarray):
            if item.shape != MAP_SHAPE:
                raise ValueError(f"a map must be {MAP_SHAPE[0]} × {MAP_SHAPE[1]}")
            map_sum += item
        else:
            cells = read_cells(item)
            if cells is None:
                map_sum += read_signed_map(item, np.float64)
            else:
                cell_index.append(cells[0])
                cell_counts.append(cells[1])
    if cell_index:
        grid = np.bincount(np.concatenate(cell_index), weights=np.concatenate(cell_counts),
                           minlength=CANVAS_HEIGHT * CANVAS_WIDTH)
        left, right = layer_crops(grid.reshape(CANVAS_HEIGHT, CANVAS_WIDTH))
        map_sum += left - right
    mean = map_sum / count if count else map_sum
    log.debug("aggregated %d maps", count)
    return Aggregate(mean=mean, count=count)


def validate_blob(blob: bytes) -> None:
    """Raise ``BodyMapFormatError`` unless ``blob`` has a readable header."""
    _read_header(blob)
