"""Rasterisation of painted points to emBODY's signed 522 × 171 map.

This follows the preprocessing of emBODY's ``embody_demo.m`` step by step:

1. every painted point ``(x, y)`` (canvas px) adds 1 to a 600 × 900 count grid at
   1-based ``(ceil(y + 1), ceil(x + 1))``, clamped into the grid;
2. the grid is filtered with ``fspecial('gaussian', [15 15], 5)`` through
   ``imfilter`` (correlation, zero padding outside the grid, same size);
3. both silhouettes are cropped (rows 10–531; columns 33–203 and 696–866) and the
   right crop is subtracted from the left one.

Only the two crop windows (plus the 7 px the kernel reaches) are filtered, which
gives the same numbers as filtering the whole grid. The map is not masked: masking
is for display and statistics (:mod:`mit_desktop.bodymap.silhouette`).
"""

from __future__ import annotations

import logging

import numpy as np

from mit_desktop.bodymap.layout import (
    CANVAS_HEIGHT,
    CANVAS_WIDTH,
    CROP_ROW0,
    LEFT_COL0,
    MAP_COLS,
    MAP_ROWS,
    RIGHT_COL0,
)

log = logging.getLogger(__name__)

KERNEL_SIZE = 15
KERNEL_SIGMA = 5.0
KERNEL_REACH = KERNEL_SIZE // 2  # 7 px either side of a point


def gaussian_1d(size: int = KERNEL_SIZE, sigma: float = KERNEL_SIGMA) -> np.ndarray:
    """The normalised 1-D Gaussian whose outer product is Matlab's ``fspecial`` kernel.

    ``fspecial('gaussian', [n n], s)`` is ``exp(-(i² + j²) / 2s²)`` normalised to sum
    1, which factorises exactly into ``g ⊗ g`` with this ``g``.
    """
    half = (size - 1) / 2.0
    offsets = np.arange(size, dtype=np.float64) - half
    g = np.exp(-(offsets * offsets) / (2.0 * sigma * sigma))
    return g / g.sum()


def gaussian_kernel(size: int = KERNEL_SIZE, sigma: float = KERNEL_SIGMA) -> np.ndarray:
    """The 2-D ``size × size`` kernel of ``fspecial('gaussian', [size size], sigma)``."""
    g = gaussian_1d(size, sigma)
    return np.outer(g, g)


def point_indices(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """0-based ``(rows, cols)`` of canvas points in the 600 × 900 count grid.

    emBODY's rule: 1-based ``ceil(v + 1)``, values ≤ 0 become 1, values ≥ the size
    become the size.
    """
    rows = np.clip(np.ceil(np.asarray(y, dtype=np.float64) + 1.0), 1, CANVAS_HEIGHT) - 1
    cols = np.clip(np.ceil(np.asarray(x, dtype=np.float64) + 1.0), 1, CANVAS_WIDTH) - 1
    return rows.astype(np.intp), cols.astype(np.intp)


def count_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The 600 × 900 grid of point counts (float64), step 1 of ``embody_demo.m``."""
    rows, cols = point_indices(x, y)
    flat = np.bincount(rows * CANVAS_WIDTH + cols, minlength=CANVAS_HEIGHT * CANVAS_WIDTH)
    return flat.reshape(CANVAS_HEIGHT, CANVAS_WIDTH).astype(np.float64)


def _filter_window(counts: np.ndarray, row0: int, col0: int, rows: int, cols: int
                   ) -> np.ndarray:
    """``imfilter(counts, h)`` evaluated on the window ``[row0:row0+rows, col0:col0+cols]``.

    Values outside the count grid are zero (Matlab's default padding).
    """
    g = gaussian_1d()
    r = KERNEL_REACH
    padded = np.zeros((rows + 2 * r, cols + 2 * r), dtype=np.float64)
    src_r0, src_r1 = max(row0 - r, 0), min(row0 + rows + r, counts.shape[0])
    src_c0, src_c1 = max(col0 - r, 0), min(col0 + cols + r, counts.shape[1])
    padded[src_r0 - (row0 - r):src_r1 - (row0 - r),
           src_c0 - (col0 - r):src_c1 - (col0 - r)] = counts[src_r0:src_r1, src_c0:src_c1]
    across = np.zeros((rows + 2 * r, cols), dtype=np.float64)
    for k in range(KERNEL_SIZE):
        across += g[k] * padded[:, k:k + cols]
    out = np.zeros((rows, cols), dtype=np.float64)
    for k in range(KERNEL_SIZE):
        out += g[k] * across[k:k + rows, :]
    return out


def blur_counts(counts: np.ndarray) -> np.ndarray:
    """``imfilter(counts, fspecial('gaussian', [15 15], 5))`` on the whole grid."""
    return _filter_window(counts, 0, 0, counts.shape[0], counts.shape[1])


def layer_crops(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The filtered left and right 522 × 171 crops of a count grid."""
    left = _filter_window(counts, CROP_ROW0, LEFT_COL0, MAP_ROWS, MAP_COLS)
    right = _filter_window(counts, CROP_ROW0, RIGHT_COL0, MAP_ROWS, MAP_COLS)
    return left, right


def signed_map_from_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The unmasked signed 522 × 171 map (float64) of painted canvas points.

    Exactly ``embody_demo.m``'s ``over(10:531,33:203) - over(10:531,696:866)`` up to
    floating-point rounding.
    """
    left, right = layer_crops(count_points(x, y))
    return left - right


def crop_patches(x: np.ndarray, y: np.ndarray
                 ) -> list[tuple[int, int, int, np.ndarray]]:
    """How a few points change the filtered crops, for incremental display updates.

    Returns ``(layer_code, row0, col0, patch)`` items: adding ``patch`` to the
    layer's 522 × 171 crop at ``[row0:row0+h, col0:col0+w]`` equals recomputing
    :func:`layer_crops` with the points added (layer 0 left, 1 right). Points whose
    blur reaches neither crop give no item. Cheap for the handful of points one
    pointer move paints.
    """
    rows, cols = point_indices(x, y)
    out: list[tuple[int, int, int, np.ndarray]] = []
    g = gaussian_1d()
    r = KERNEL_REACH
    for code, col0 in ((0, LEFT_COL0), (1, RIGHT_COL0)):
        lr, lc = rows - CROP_ROW0, cols - col0
        near = (lr >= -r) & (lr < MAP_ROWS + r) & (lc >= -r) & (lc < MAP_COLS + r)
        if not near.any():
            continue
        lr, lc = lr[near], lc[near]
        r0, c0 = int(lr.min()), int(lc.min())
        h, w = int(lr.max()) - r0 + 1, int(lc.max()) - c0 + 1
        counts = np.zeros((h, w), dtype=np.float64)
        np.add.at(counts, (lr - r0, lc - c0), 1.0)
        across = np.zeros((h, w + 2 * r), dtype=np.float64)
        for k in range(KERNEL_SIZE):
            across[:, k:k + w] += g[k] * counts
        patch = np.zeros((h + 2 * r, w + 2 * r), dtype=np.float64)
        for k in range(KERNEL_SIZE):
            patch[k:k + h, :] += g[k] * across
        top, left = r0 - r, c0 - r
        # clip the patch to the crop
        t0, l0 = max(0, -top), max(0, -left)
        t1 = min(patch.shape[0], MAP_ROWS - top)
        l1 = min(patch.shape[1], MAP_COLS - left)
        if t1 > t0 and l1 > l0:
            out.append((code, top + t0, left + l0, patch[t0:t1, l0:l1]))
    return out
