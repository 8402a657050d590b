"""Strokes and the painted points they leave, the input of rasterisation.

emBODY records one point per mouse event while the button is down and draws a
10 px soft dab there; its analysis blurs the point counts with a σ = 5 px Gaussian
to stand for that brush. So "paint" is a density of points. Our strokes are turned
into points like this (all distances in canvas px):

* ``Brush.POINT`` — every recorded sample is one point, exactly as emBODY. Used for
  imported emBODY data so its map is reproduced exactly.
* ``Brush.SMALL`` — emBODY's own brush, made independent of pointer speed: one point
  every ``DAB_STEP`` (2 px) along the stroke path. One pass gives a line whose
  blurred peak is ``1 / (2 · √(2π) · 5) ≈ 0.040``.
* ``Brush.MEDIUM`` / ``Brush.LARGE`` — a disk of radius 8 / 16 px moved along the
  path in 2 px steps over a fixed square lattice of points ``LATTICE_STEP`` (5 px)
  apart (per silhouette). A lattice point is painted each time the disk's edge
  passes over it (inside the disk now, outside it one step before). One pass
  paints the swept area with density 1/25 per px², blurred ≈ 0.040 — the same
  "one coat" as the small brush — and going over an area again adds another coat,
  as in emBODY. A 5 px lattice under a σ = 5 blur is smooth (ripple < 10⁻⁸).
* ``StrokeKind.ERASE`` — removes every point already painted (by earlier strokes,
  on the same silhouette) within the eraser radius of the path (sampled every
  2 px); radius is the brush radius + 6 px.
* ``StrokeKind.REGION`` — the keyboard route: the lattice points of a named body
  region, i.e. one coat over the region.

Points get the time of the sample that produced them, and coordinates rounded to
1/16 px (exact in binary, so CSV export and re-import give the same grid cells).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from mit_desktop.bodymap.layout import Layer, canvas_to_local, local_to_canvas

DAB_STEP = 2.0
LATTICE_STEP = 5.0
ERASER_EXTRA = 6.0
_QUANTUM = 16.0


class Brush(str, Enum):
    """Brush of a stroke; ``radius`` in canvas px (0: a single point per dab)."""

    POINT = "point"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def radius(self) -> float:
        return {"point": 0.0, "small": 0.0, "medium": 8.0, "large": 16.0}[self.value]

    @property
    def eraser_radius(self) -> float:
        return self.radius + ERASER_EXTRA


class StrokeKind(str, Enum):
    PAINT = "paint"
    ERASE = "erase"
    REGION = "region"


def _quantise(values: np.ndarray) -> np.ndarray:
    return np.round(values * _QUANTUM) / _QUANTUM


@dataclass(frozen=True)
class PaintedPoints:
    """Painted points: ``times_ms`` (int64), ``xy`` canvas px (float64, n × 2), ``layer`` codes."""

    times_ms: np.ndarray
    xy: np.ndarray
    layer: np.ndarray

    @staticmethod
    def empty() -> PaintedPoints:
        return PaintedPoints(np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int8))

    def __len__(self) -> int:
        return len(self.times_ms)

    @staticmethod
    def concat(parts: list[PaintedPoints]) -> PaintedPoints:
        parts = [p for p in parts if len(p)]
        if not parts:
            return PaintedPoints.empty()
        return PaintedPoints(np.concatenate([p.times_ms for p in parts]),
                             np.concatenate([p.xy for p in parts]),
                             np.concatenate([p.layer for p in parts]))

    def select(self, keep: np.ndarray) -> PaintedPoints:
        return PaintedPoints(self.times_ms[keep], self.xy[keep], self.layer[keep])


@dataclass(frozen=True, eq=False)
class Stroke:
    """One stroke: pointer down, moves, up (or one keyboard region setting).

    ``samples`` is an n × 3 float64 array of ``time_ms, x, y`` (canvas px) as the
    pointer reported them. ``start_ms`` / ``end_ms`` are the button-down / up times
    (emBODY's mouse-down and mouse-up blocks); they default to the first / last
    sample. ``region`` names the region of a ``REGION`` stroke.
    """

    kind: StrokeKind
    layer: Layer
    brush: Brush
    samples: np.ndarray
    start_ms: int = 0
    end_ms: int = 0
    region: str | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def create(kind: StrokeKind, layer: Layer, brush: Brush, samples: object,
               start_ms: int | None = None, end_ms: int | None = None,
               region: str | None = None) -> Stroke:
        """Validate and build a stroke (``samples``: anything convertible to n × 3)."""
        arr = np.asarray(samples, dtype=np.float64).reshape(-1, 3)
        if not np.isfinite(arr).all():
            raise ValueError("stroke samples must be finite numbers")
        arr = arr.copy()
        arr.setflags(write=False)
        first = int(arr[0, 0]) if len(arr) else 0
        last = int(arr[-1, 0]) if len(arr) else first
        kind = StrokeKind(kind)
        if kind is StrokeKind.REGION:
            from mit_desktop.bodymap.silhouette import REGION_KEYS

            if region not in REGION_KEYS:
                raise ValueError(f"unknown body region {region!r}")
        return Stroke(StrokeKind(kind), Layer(layer), Brush(brush), arr,
                      first if start_ms is None else int(start_ms),
                      last if end_ms is None else int(end_ms), region)

    def dab_centres(self) -> np.ndarray:
        """n × 3 (time_ms, x, y) dab positions: the path resampled every ``DAB_STEP`` px."""
        if "dabs" not in self._cache:
            emitter = PathResampler()
            parts = [emitter.add(row) for row in self.samples]
            dabs = np.concatenate(parts) if parts else np.zeros((0, 3))
            self._cache["dabs"] = dabs
        return self._cache["dabs"]

    def points(self) -> PaintedPoints:
        """The points this stroke paints (empty for an eraser stroke)."""
        if "points" not in self._cache:
            self._cache["points"] = _stroke_points(self)
        return self._cache["points"]


class PathResampler:
    """Turns a stream of samples into dabs every ``DAB_STEP`` px along the path."""

    def __init__(self) -> None:
        self.last: np.ndarray | None = None
        self.travelled = 0.0  # distance since the last dab

    def add(self, sample: np.ndarray) -> np.ndarray:
        sample = np.asarray(sample, dtype=np.float64)
        if self.last is None:
            self.last = sample
            return sample.reshape(1, 3)
        t0, x0, y0 = self.last
        t1, x1, y1 = sample
        seg = math.hypot(x1 - x0, y1 - y0)
        self.last = sample
        if seg == 0.0:
            return np.zeros((0, 3))
        first = DAB_STEP - self.travelled
        distances = np.arange(first, seg + 1e-9, DAB_STEP)
        self.travelled = self.travelled + seg if len(distances) == 0 else seg - distances[-1]
        f = distances / seg
        return np.column_stack([np.floor(t0 + f * (t1 - t0)), x0 + f * (x1 - x0),
                                y0 + f * (y1 - y0)])


def _lattice_in_disk(layer: Layer, cx: float, cy: float, r: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Canvas coordinates of this layer's lattice points within ``r`` of (cx, cy)."""
    u, v = canvas_to_local(layer, cx, cy)
    half = LATTICE_STEP / 2.0
    i = np.arange(math.ceil((float(u) - r - half) / LATTICE_STEP),
                  math.floor((float(u) + r - half) / LATTICE_STEP) + 1)
    j = np.arange(math.ceil((float(v) - r - half) / LATTICE_STEP),
                  math.floor((float(v) + r - half) / LATTICE_STEP) + 1)
    uu, vv = np.meshgrid(i * LATTICE_STEP + half, j * LATTICE_STEP + half)
    inside = (uu - u) ** 2 + (vv - v) ** 2 <= r * r
    return uu[inside], vv[inside]


class PointEmitter:
    """Incremental points of a PAINT stroke: feed samples, get the new points.

    Feeding all samples of a stroke gives exactly ``stroke.points()``; the widget
    uses this to paint while the pointer moves.
    """

    def __init__(self, layer: Layer, brush: Brush) -> None:
        self.layer = layer
        self.brush = brush
        self._resampler = PathResampler()
        self._prev: tuple[float, float] | None = None

    def add(self, t_ms: float, x: float, y: float) -> PaintedPoints:
        sample = np.array([t_ms, x, y], dtype=np.float64)
        if self.brush is Brush.POINT:
            dabs = sample.reshape(1, 3)
            return _points(dabs[:, 0], dabs[:, 1:], self.layer)
        dabs = self._resampler.add(sample)
        if self.brush is Brush.SMALL:
            return _points(dabs[:, 0], _quantise(dabs[:, 1:]), self.layer)
        r = self.brush.radius
        times, xs, ys = [], [], []
        for t, cx, cy in dabs:
            u, v = _lattice_in_disk(self.layer, cx, cy, r)
            if self._prev is not None:
                pu, pv = canvas_to_local(self.layer, *self._prev)
                fresh = (u - pu) ** 2 + (v - pv) ** 2 > r * r  # outside the previous disk
                u, v = u[fresh], v[fresh]
            self._prev = (cx, cy)
            disk_x, disk_y = local_to_canvas(self.layer, u, v)
            xs.append(disk_x)
            ys.append(disk_y)
            times.append(np.full(len(disk_x), t))
        if not xs:
            return PaintedPoints.empty()
        xy = np.column_stack([np.concatenate(xs), np.concatenate(ys)])
        return _points(np.concatenate(times), xy, self.layer)


def _points(times: np.ndarray, xy: np.ndarray, layer: Layer) -> PaintedPoints:
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return PaintedPoints(np.asarray(times).astype(np.int64), xy,
                         np.full(len(xy), layer.code, dtype=np.int8))


def region_points(layer: Layer, region_mask: np.ndarray, time_ms: int) -> PaintedPoints:
    """Lattice points of ``layer`` whose local pixel lies inside ``region_mask``."""
    half = LATTICE_STEP / 2.0
    rows, cols = region_mask.shape
    u = np.arange(half, cols, LATTICE_STEP)
    v = np.arange(half, rows, LATTICE_STEP)
    uu, vv = np.meshgrid(u, v)
    inside = region_mask[vv.astype(int), uu.astype(int)]
    x, y = local_to_canvas(layer, uu[inside], vv[inside])
    return _points(np.full(len(x), time_ms), np.column_stack([x, y]), layer)


def _stroke_points(stroke: Stroke) -> PaintedPoints:
    if stroke.kind is StrokeKind.ERASE:
        return PaintedPoints.empty()
    if stroke.kind is StrokeKind.REGION:
        from mit_desktop.bodymap.silhouette import region_mask

        return region_points(stroke.layer, region_mask(stroke.region or ""), stroke.start_ms)
    emitter = PointEmitter(stroke.layer, stroke.brush)
    return PaintedPoints.concat([emitter.add(*row) for row in stroke.samples])


def erase(points: PaintedPoints, layer: Layer, centres_xy: np.ndarray, radius: float
          ) -> tuple[PaintedPoints, PaintedPoints]:
    """Split ``points`` into (kept, removed) by an eraser at ``centres_xy`` (k × 2)."""
    if len(points) == 0 or len(centres_xy) == 0:
        return points, PaintedPoints.empty()
    hit = np.zeros(len(points), dtype=bool)
    same = points.layer == layer.code
    r2 = radius * radius
    for start in range(0, len(centres_xy), 256):
        c = centres_xy[start:start + 256]
        dx = points.xy[:, 0:1] - c[None, :, 0]
        dy = points.xy[:, 1:2] - c[None, :, 1]
        hit |= ((dx * dx + dy * dy) <= r2).any(axis=1)
    hit &= same
    return points.select(~hit), points.select(hit)


def replay(strokes: list[Stroke] | tuple[Stroke, ...]) -> PaintedPoints:
    """The points left after applying ``strokes`` in order (paint adds, erase removes)."""
    current = PaintedPoints.empty()
    pending: list[PaintedPoints] = []
    for stroke in strokes:
        if stroke.kind is StrokeKind.ERASE:
            current = PaintedPoints.concat([current, *pending])
            pending = []
            current, _ = erase(current, stroke.layer, stroke.dab_centres()[:, 1:],
                               stroke.brush.eraser_radius)
        else:
            pending.append(stroke.points())
    return PaintedPoints.concat([current, *pending])
