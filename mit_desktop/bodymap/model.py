"""The body map: strokes, emotion, intensity and the signed map derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from mit_desktop.bodymap.emotions import normalise_emotion, validate_intensity
from mit_desktop.bodymap.layout import MAP_SHAPE
from mit_desktop.bodymap.raster import signed_map_from_points
from mit_desktop.bodymap.strokes import PaintedPoints, Stroke, replay


@dataclass(frozen=True, eq=False)
class BodyMap:
    """One person's body map for one emotion.

    ``strokes`` are kept in the order they were made (the raw data); the signed
    522 × 171 map (activation minus deactivation, unmasked, float64) is computed
    from them. A map loaded from storage carries its stored map in ``stored_map``
    (float16 precision) so it can be shown and aggregated without recomputation.
    ``trail`` optionally keeps emBODY's "all mouse positions" block (n × 3
    time_ms, x, y) of an imported file so it is exported again unchanged.
    """

    strokes: tuple[Stroke, ...] = ()
    emotion: str | None = None
    intensity: int | None = None
    trail: np.ndarray | None = None
    stored_map: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "strokes", tuple(self.strokes))
        object.__setattr__(self, "emotion", normalise_emotion(self.emotion))
        object.__setattr__(self, "intensity", validate_intensity(self.intensity))
        if self.stored_map is not None and np.shape(self.stored_map) != MAP_SHAPE:
            raise ValueError(f"a stored map must be {MAP_SHAPE[0]} × {MAP_SHAPE[1]}")

    def with_changes(self, **changes: Any) -> BodyMap:
        """A copy with fields replaced (a new strokes tuple drops the stored map)."""
        if "strokes" in changes and "stored_map" not in changes:
            changes["stored_map"] = None
        return replace(self, _cache={}, **changes)

    def painted_points(self) -> PaintedPoints:
        """The points left after replaying all strokes (eraser strokes applied)."""
        if "points" not in self._cache:
            self._cache["points"] = replay(self.strokes)
        return self._cache["points"]

    def computed_map(self) -> np.ndarray:
        """The signed map computed from the strokes (float64, 522 × 171)."""
        if "map" not in self._cache:
            pts = self.painted_points()
            self._cache["map"] = signed_map_from_points(pts.xy[:, 0], pts.xy[:, 1])
        return self._cache["map"]

    def signed_map(self) -> np.ndarray:
        """The stored map if there is one, else the map computed from the strokes."""
        if self.stored_map is not None:
            return np.asarray(self.stored_map, dtype=np.float64)
        return self.computed_map()

    @property
    def is_empty(self) -> bool:
        """True when nothing is painted (and no stored map has any value)."""
        if self.strokes:
            return len(self.painted_points()) == 0
        return self.stored_map is None or not np.any(self.stored_map)
