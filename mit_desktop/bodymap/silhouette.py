"""Our own front-view body silhouette on the 522 × 171 map grid, and named regions.

The figure is built from a few smooth shapes (head, neck, torso polygon, arms,
hands, legs, feet) given in local map coordinates (``u`` across 0–171, ``v`` down
0–522, see :mod:`mit_desktop.bodymap.layout`). Each shape has a signed distance
function (negative inside, in map px); the body is their smooth union. Sampling the
distance at any resolution gives an antialiased picture for display and the binary
mask for statistics, from one definition. The proportions follow emBODY's layout
(head at the top of the crop, feet at the bottom, arms beside the body) so emBODY
data lands on the right body parts, but the drawing is ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS

CENTRE_U = MAP_COLS / 2.0  # 85.5

#: Part ids used by :func:`body_distance`.
PART_HEAD, PART_NECK, PART_TORSO, PART_ARM, PART_HAND, PART_LEG, PART_FOOT = range(7)


def _ellipse_sd(u: np.ndarray, v: np.ndarray, cu: float, cv: float, ru: float, rv: float
                ) -> np.ndarray:
    pu, pv = (u - cu) / ru, (v - cv) / rv
    k0 = np.sqrt(pu * pu + pv * pv)
    k1 = np.sqrt((pu / ru) ** 2 + (pv / rv) ** 2)
    return k0 * (k0 - 1.0) / np.maximum(k1, 1e-9)


def _cone_sd(u: np.ndarray, v: np.ndarray, a: tuple[float, float], b: tuple[float, float],
             ra: float, rb: float) -> np.ndarray:
    """Approximate distance to a segment a–b whose radius tapers from ra to rb."""
    au, av = a
    du, dv = b[0] - au, b[1] - av
    t = np.clip(((u - au) * du + (v - av) * dv) / (du * du + dv * dv), 0.0, 1.0)
    dist = np.hypot(u - au - t * du, v - av - t * dv)
    return dist - (ra + (rb - ra) * t)


def _polygon_sd(u: np.ndarray, v: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Exact signed distance to a simple polygon (vertices ``pts``, shape (n, 2))."""
    d2 = np.full(u.shape, np.inf)
    inside = np.zeros(u.shape, dtype=bool)
    n = len(pts)
    for i in range(n):
        (u0, v0), (u1, v1) = pts[i], pts[(i + 1) % n]
        eu, ev = u1 - u0, v1 - v0
        wu, wv = u - u0, v - v0
        t = np.clip((wu * eu + wv * ev) / (eu * eu + ev * ev), 0.0, 1.0)
        d2 = np.minimum(d2, (wu - t * eu) ** 2 + (wv - t * ev) ** 2)
        crosses = (v0 > v) != (v1 > v)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = u0 + (v - v0) * eu / ev
        inside ^= crosses & (u < x_at)
    return np.where(inside, -1.0, 1.0) * np.sqrt(d2)


def _smooth_min(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b + (a - b) * h - k * h * (1.0 - h)


def _mirror(points: list[tuple[float, float]]) -> np.ndarray:
    """A left half outline (top to bottom) closed by its mirror image."""
    left = [(u, v) for u, v in points]
    right = [(2 * CENTRE_U - u, v) for u, v in reversed(points)]
    return np.array(left + right, dtype=np.float64)


_TORSO = _mirror([
    (72.0, 90.0), (52.0, 97.0), (36.0, 103.0), (29.0, 112.0), (29.0, 136.0),
    (38.0, 164.0), (41.0, 200.0), (45.0, 238.0), (42.0, 266.0), (36.0, 294.0),
    (40.0, 312.0), (80.0, 326.0),
])


def _sides(fn: Callable[[np.ndarray, np.ndarray], np.ndarray], u: np.ndarray, v: np.ndarray
           ) -> np.ndarray:
    """Evaluate a left-side shape and its mirror image, return the union."""
    return np.minimum(fn(u, v), fn(2 * CENTRE_U - u, v))


def body_distance(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed distance (map px, negative inside) to the body and the nearest part id.

    ``u`` and ``v`` are local map coordinates of the same shape.
    """
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    parts = [
        _ellipse_sd(u, v, CENTRE_U, 46.0, 27.0, 37.0),
        _cone_sd(u, v, (CENTRE_U, 76.0), (CENTRE_U, 96.0), 13.0, 15.5),
        _polygon_sd(u, v, _TORSO),
        _sides(lambda a, b: np.minimum(
            _cone_sd(a, b, (31.0, 118.0), (17.5, 198.0), 13.5, 11.0),
            _cone_sd(a, b, (17.5, 198.0), (12.0, 266.0), 11.0, 8.5)), u, v),
        _sides(lambda a, b: _ellipse_sd(a, b, 11.5, 289.0, 10.5, 22.0), u, v),
        _sides(lambda a, b: np.minimum(
            _cone_sd(a, b, (62.0, 300.0), (66.0, 402.0), 22.0, 14.5),
            _cone_sd(a, b, (66.0, 402.0), (70.0, 482.0), 14.5, 9.0)), u, v),
        _sides(lambda a, b: _smooth_min(
            _ellipse_sd(a, b, 68.0, 501.0, 10.5, 15.0),
            _ellipse_sd(a, b, 61.0, 510.0, 9.5, 7.5), 4.0), u, v),
    ]
    stack = np.stack(parts)
    nearest = np.argmin(stack, axis=0)
    sd = parts[0]
    for k, part in enumerate(parts[1:], start=1):
        sd = _smooth_min(sd, part, 5.0 if k in (PART_NECK, PART_TORSO, PART_LEG) else 2.5)
    return sd, nearest


def _grid(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Local coordinates of the pixel centres of a rows × cols picture of the crop."""
    v = (np.arange(rows, dtype=np.float64) + 0.5) * (MAP_ROWS / rows)
    u = (np.arange(cols, dtype=np.float64) + 0.5) * (MAP_COLS / cols)
    return np.meshgrid(u, v)


@lru_cache(maxsize=1)
def _map_distance() -> tuple[np.ndarray, np.ndarray]:
    uu, vv = _grid(MAP_ROWS, MAP_COLS)
    sd, part = body_distance(uu, vv)
    sd.setflags(write=False)
    part.setflags(write=False)
    return sd, part


def body_mask() -> np.ndarray:
    """Boolean 522 × 171 mask, True inside our silhouette (read-only array)."""
    return _mask_cached()


@lru_cache(maxsize=1)
def _mask_cached() -> np.ndarray:
    mask = _map_distance()[0] < 0.0
    mask.setflags(write=False)
    return mask


@lru_cache(maxsize=8)
def body_picture(rows: int, cols: int, outline_px: float = 1.5
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Antialiased ``(fill, outline)`` coverage (float32 0–1) of a rows × cols picture.

    The picture spans the whole crop; ``outline_px`` is the outline width in picture
    pixels. Used to draw the silhouette at screen resolution. Worked out once for each
    size (about 65 ms; a report draws a hundred maps at one size): the arrays are
    read-only.
    """
    uu, vv = _grid(rows, cols)
    sd, _ = body_distance(uu, vv)
    scale = rows / MAP_ROWS
    sd_px = sd * scale
    fill = np.clip(0.5 - sd_px, 0.0, 1.0).astype(np.float32)
    outline = np.clip(outline_px / 2.0 + 0.5 - np.abs(sd_px), 0.0, 1.0).astype(np.float32)
    fill.setflags(write=False)
    outline.setflags(write=False)
    return fill, outline


@dataclass(frozen=True)
class Region:
    """A named body region for the keyboard route (``key`` is stable data, not UI text)."""

    key: str
    label: str  # English label; the UI translates it


REGIONS: tuple[Region, ...] = (
    Region("head", "Head"),
    Region("face", "Face"),
    Region("throat", "Throat and neck"),
    Region("shoulders", "Shoulders"),
    Region("chest", "Chest"),
    Region("stomach", "Stomach"),
    Region("lower_belly", "Lower belly and hips"),
    Region("arms", "Arms"),
    Region("hands", "Hands"),
    Region("legs", "Legs"),
    Region("feet", "Feet"),
)
REGION_KEYS = tuple(r.key for r in REGIONS)


@lru_cache(maxsize=1)
def _region_masks() -> dict[str, np.ndarray]:
    sd, part = _map_distance()
    inside = sd < 0.0
    uu, vv = _grid(MAP_ROWS, MAP_COLS)
    off_centre = np.abs(uu - CENTRE_U)
    torso = inside & (part == PART_TORSO)
    shoulders = torso & (vv < 140.0) & (off_centre > 30.0)
    masks = {
        "head": inside & (part == PART_HEAD) & (vv < 40.0),
        "face": inside & (part == PART_HEAD) & (vv >= 40.0),
        "throat": inside & (part == PART_NECK),
        "shoulders": shoulders,
        "chest": torso & ~shoulders & (vv < 205.0),
        "stomach": torso & (vv >= 205.0) & (vv < 262.0),
        "lower_belly": torso & (vv >= 262.0),
        "arms": inside & (part == PART_ARM),
        "hands": inside & (part == PART_HAND),
        "legs": inside & (part == PART_LEG),
        "feet": inside & (part == PART_FOOT),
    }
    for mask in masks.values():
        mask.setflags(write=False)
    return masks


def region_mask(key: str) -> np.ndarray:
    """Boolean 522 × 171 mask of one named region (read-only). KeyError if unknown."""
    return _region_masks()[key]
