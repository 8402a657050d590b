"""Editing a body map: strokes in progress, undo/redo, clear, keyboard regions.

Qt-free so it can be tested directly; the widget is a thin layer over it. Every
change (a finished stroke, a region setting, clear) is one undo step. While a
stroke is in progress, :meth:`BodyMapEditor.extend_stroke` returns the points
added (painting) or removed (erasing) so a view can update only those pixels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

import numpy as np

from mit_desktop.bodymap.layout import Layer
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.silhouette import REGION_KEYS
from mit_desktop.bodymap.strokes import (
    Brush,
    PaintedPoints,
    PathResampler,
    PointEmitter,
    Stroke,
    StrokeKind,
    erase,
)

log = logging.getLogger(__name__)


class RegionState(str, Enum):
    """What the keyboard route has set for a region."""

    MORE = "more"
    LESS = "less"
    NOTHING = "nothing"


@dataclass(frozen=True)
class PointDelta:
    """Points that appeared and disappeared with one edit step."""

    added: PaintedPoints
    removed: PaintedPoints


class BodyMapEditor:
    """Holds the strokes being edited, with undo/redo per stroke."""

    def __init__(self, body_map: BodyMap | None = None) -> None:
        self._map = body_map or BodyMap()
        self._undo: list[tuple[Stroke, ...]] = []
        self._redo: list[tuple[Stroke, ...]] = []
        self._points = self._map.painted_points()
        self._active: _ActiveStroke | None = None

    # --- state ----------------------------------------------------------------
    @property
    def body_map(self) -> BodyMap:
        """The map with the committed strokes (not the stroke in progress)."""
        return self._map

    @property
    def points(self) -> PaintedPoints:
        """Current points, including those of the stroke in progress."""
        return self._points

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def stroke_active(self) -> bool:
        return self._active is not None

    def set_emotion(self, emotion: str | None) -> None:
        self._map = self._map.with_changes(emotion=emotion)

    def set_intensity(self, intensity: int | None) -> None:
        self._map = self._map.with_changes(intensity=intensity)

    # --- strokes --------------------------------------------------------------
    def begin_stroke(self, kind: StrokeKind, layer: Layer, brush: Brush,
                     t_ms: int, x: float, y: float) -> PointDelta:
        """Start a PAINT or ERASE stroke at canvas (x, y); returns the first change."""
        if self._active is not None:
            self.end_stroke(t_ms)
        if kind is StrokeKind.REGION:
            raise ValueError("use set_region for region strokes")
        self._active = _ActiveStroke(kind, layer, brush)
        return self.extend_stroke(t_ms, x, y)

    def extend_stroke(self, t_ms: int, x: float, y: float) -> PointDelta:
        """Add a pointer sample to the stroke in progress; returns the change."""
        active = self._active
        if active is None:
            return PointDelta(PaintedPoints.empty(), PaintedPoints.empty())
        active.samples.append((float(t_ms), float(x), float(y)))
        if active.kind is StrokeKind.PAINT:
            added = active.emitter.add(t_ms, x, y)
            self._points = PaintedPoints.concat([self._points, added])
            return PointDelta(added, PaintedPoints.empty())
        dabs = active.resampler.add(np.array([t_ms, x, y], dtype=np.float64))
        self._points, removed = erase(self._points, active.layer, dabs[:, 1:],
                                      active.brush.eraser_radius)
        return PointDelta(PaintedPoints.empty(), removed)

    def end_stroke(self, t_ms: int | None = None) -> Stroke | None:
        """Finish the stroke in progress and make it one undo step."""
        active = self._active
        self._active = None
        if active is None or not active.samples:
            return None
        stroke = Stroke.create(active.kind, active.layer, active.brush, active.samples,
                               end_ms=t_ms)
        self._commit(self._map.strokes + (stroke,))
        return stroke

    def cancel_stroke(self) -> None:
        """Drop the stroke in progress (e.g. the pointer was grabbed away)."""
        if self._active is not None:
            self._active = None
            self._points = self._map.painted_points()

    # --- whole-map edits ------------------------------------------------------
    def clear(self) -> None:
        """Remove everything painted (one undo step)."""
        self.cancel_stroke()
        if self._map.strokes:
            self._commit(())

    def region_state(self, region: str) -> RegionState:
        """MORE / LESS if the keyboard route set ``region``, else NOTHING."""
        for stroke in reversed(self._map.strokes):
            if stroke.kind is StrokeKind.REGION and stroke.region == region:
                return RegionState.MORE if stroke.layer is Layer.ACTIVATION else RegionState.LESS
        return RegionState.NOTHING

    def set_region(self, region: str, state: RegionState, t_ms: int = 0) -> None:
        """Set a named region to more / less / nothing (one undo step)."""
        if region not in REGION_KEYS:
            raise ValueError(f"unknown body region {region!r}")
        state = RegionState(state)
        if state is self.region_state(region):
            return
        self.cancel_stroke()
        kept = tuple(s for s in self._map.strokes
                     if not (s.kind is StrokeKind.REGION and s.region == region))
        if state is not RegionState.NOTHING:
            layer = Layer.ACTIVATION if state is RegionState.MORE else Layer.DEACTIVATION
            kept += (Stroke.create(StrokeKind.REGION, layer, Brush.POINT, np.zeros((0, 3)),
                                   start_ms=t_ms, end_ms=t_ms, region=region),)
        self._commit(kept)

    def undo(self) -> bool:
        """Go back one step; False if there is nothing to undo."""
        self.cancel_stroke()
        if not self._undo:
            return False
        self._redo.append(self._map.strokes)
        self._set_strokes(self._undo.pop())
        return True

    def redo(self) -> bool:
        """Re-apply the last undone step; False if there is nothing to redo."""
        self.cancel_stroke()
        if not self._redo:
            return False
        self._undo.append(self._map.strokes)
        self._set_strokes(self._redo.pop())
        return True

    def _commit(self, strokes: tuple[Stroke, ...]) -> None:
        self._undo.append(self._map.strokes)
        self._redo.clear()
        self._set_strokes(strokes)

    def _set_strokes(self, strokes: tuple[Stroke, ...]) -> None:
        self._map = self._map.with_changes(strokes=strokes)
        self._points = self._map.painted_points()


class _ActiveStroke:
    def __init__(self, kind: StrokeKind, layer: Layer, brush: Brush) -> None:
        self.kind = kind
        self.layer = layer
        self.brush = brush
        self.samples: list[tuple[float, float, float]] = []
        self.emitter = PointEmitter(layer, brush)
        self.resampler = PathResampler()
