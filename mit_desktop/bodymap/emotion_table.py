"""Body maps summarised by emotion: one row for every feeling painted (the report's and
History's table).

Qt-free and store-free: give it ``(emotion, intensity, blob)`` of each map. A row holds
the feeling (None: maps with no feeling named), how many maps, the mean strength over
the maps that have one (0–10), and the body regions where the mean map of that feeling
(:func:`~mit_desktop.bodymap.aggregate.aggregate`) is most raised (activation, painted on
the left figure) and most lowered (deactivation, right figure). A region is named when its
mean value is at least :data:`REGION_SHARE` of the strongest region's, at most
:data:`MAX_REGIONS` each way, strongest first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from mit_desktop.bodymap.aggregate import aggregate
from mit_desktop.bodymap.serialize import BodyMapFormatError
from mit_desktop.bodymap.silhouette import REGIONS, region_mask

log = logging.getLogger(__name__)

REGION_SHARE = 0.25
MAX_REGIONS = 3


@dataclass(frozen=True)
class EmotionRow:
    """One feeling's maps: ``count`` maps (``unreadable`` of them damaged, left out of the
    regions), ``mean_intensity`` over the ``rated`` maps with a strength (None: none),
    ``raised``/``lowered`` region keys (see the module docstring)."""

    emotion: str | None
    count: int
    rated: int
    mean_intensity: float | None
    raised: tuple[str, ...]
    lowered: tuple[str, ...]
    unreadable: int = 0


def region_means(mean_map: np.ndarray) -> dict[str, float]:
    """The mean value of a signed 522 × 171 map over each named region."""
    return {r.key: float(mean_map[region_mask(r.key)].mean()) for r in REGIONS}


def _strongest(values: dict[str, float], sign: int) -> tuple[str, ...]:
    signed = {k: v * sign for k, v in values.items() if v * sign > 0}
    if not signed:
        return ()
    top = max(signed.values())
    ranked = sorted(signed.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(k for k, v in ranked if v >= REGION_SHARE * top)[:MAX_REGIONS]


def _readable(blob: bytes) -> bool:
    try:
        aggregate([blob])
    except (BodyMapFormatError, ValueError) as exc:
        log.warning("a body map left out of the table: %s", exc)
        return False
    return True


def emotion_table(maps: Iterable[tuple[str | None, int | None, bytes]]) -> list[EmotionRow]:
    """One :class:`EmotionRow` per feeling among ``maps`` (``(emotion, intensity, blob)``),
    the most painted first (then by name; maps with no feeling named last)."""
    grouped: dict[str | None, list[tuple[int | None, bytes]]] = {}
    for emotion, intensity, blob in maps:
        grouped.setdefault(emotion or None, []).append((intensity, blob))
    rows = []
    for emotion, items in grouped.items():
        strengths = [i for i, _ in items if i is not None]
        blobs = [blob for _, blob in items]
        mean: np.ndarray | None
        try:
            readable = blobs
            mean = aggregate(blobs).mean
        except (BodyMapFormatError, ValueError):
            readable = [blob for blob in blobs if _readable(blob)]
            mean = aggregate(readable).mean if readable else None
        unreadable = len(blobs) - len(readable)
        raised: tuple[str, ...] = ()
        lowered: tuple[str, ...] = ()
        if mean is not None:
            values = region_means(mean)
            raised, lowered = _strongest(values, 1), _strongest(values, -1)
        rows.append(EmotionRow(emotion, len(items), len(strengths),
                               sum(strengths) / len(strengths) if strengths else None,
                               raised, lowered, unreadable))
    rows.sort(key=lambda r: (r.emotion is None, -r.count, r.emotion or ""))
    return rows
