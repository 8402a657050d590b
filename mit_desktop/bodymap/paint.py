"""The body map's pictures as RGBA arrays, without Qt: the silhouette with its outline, the
paint of one figure, a mean map on one figure and the colour ramp of its scale bar. The
widget (``mit_desktop.ui.bodymap``) only wraps these arrays in images."""

from __future__ import annotations

import numpy as np

from mit_desktop.bodymap.colormap import hot_cold, paint_rgba
from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS
from mit_desktop.bodymap.silhouette import body_mask, body_picture

SILHOUETTE_RGB = (224, 224, 230)
OUTLINE_RGB = (70, 70, 84)


def silhouette_rgba(height_px: int, width_px: int) -> np.ndarray:
    """The figure (light grey, 2 px dark outline) drawn at ``height_px`` × ``width_px``, as a
    contiguous premultiplied RGBA uint8 array (transparent outside the figure)."""
    fill, outline = body_picture(height_px, width_px, outline_px=2.0)
    rgba = np.zeros((height_px, width_px, 4), dtype=np.float32)
    rgba[..., :3] = np.array(SILHOUETTE_RGB, np.float32) * fill[..., None]
    rgba[..., 3] = 255.0 * fill
    rgba = rgba * (1 - outline[..., None]) + np.array(
        [*OUTLINE_RGB, 255], np.float32) * outline[..., None]
    return np.ascontiguousarray(np.round(rgba).astype(np.uint8))


def paint_block_rgba(density: np.ndarray, warm: bool, soft_mask: np.ndarray) -> np.ndarray:
    """The colours of a block of one figure's paint density (warm: the "more" figure), faded
    at the figure's soft edge (``soft_mask``: the block's 0..1 fill, shape h × w × 1)."""
    rgba = paint_rgba(np.maximum(density, 0.0), warm).astype(np.float32)
    rgba *= soft_mask
    return rgba.astype(np.uint8)


def aggregate_scale(mean: np.ndarray, vmax: float | None) -> float:
    """The colour scale of a mean map: ``vmax`` if given, else its largest magnitude inside
    the body (1.0 for an all-zero map)."""
    peak = float(np.abs(mean[body_mask()]).max(initial=0.0))
    return vmax if vmax else (peak if peak > 0 else 1.0)


def aggregate_rgba(mean: np.ndarray, vmax: float) -> np.ndarray:
    """A mean map (hot = more, cold = less, on ±``vmax``) on one figure, as premultiplied RGBA
    uint8 of the map's size."""
    rgb = hot_cold(mean, vmax)
    fill, _ = body_picture(MAP_ROWS, MAP_COLS)
    rgba = np.empty((MAP_ROWS, MAP_COLS, 4), dtype=np.uint8)
    rgba[..., :3] = np.round(rgb * fill[..., None]).astype(np.uint8)
    rgba[..., 3] = np.round(fill * 255).astype(np.uint8)
    return rgba


def scale_ramp_rgba(vmax: float, steps: int = 256) -> np.ndarray:
    """The scale bar's colours from +``vmax`` (top) to -``vmax``, ``steps`` × 1 RGBA uint8."""
    ramp = hot_cold(np.linspace(vmax, -vmax, steps), vmax)
    return np.ascontiguousarray(np.concatenate(
        [ramp, np.full((steps, 1), 255, np.uint8)], axis=1).reshape(steps, 1, 4))
