"""Body maps by emotion: one row for every feeling painted, with its count, the average
strength over the maps that have one, and the regions felt more and less."""

from __future__ import annotations

import numpy as np

from mit_desktop.bodymap import BodyMap, to_bytes
from mit_desktop.bodymap.emotion_table import emotion_table
from mit_desktop.bodymap.silhouette import region_mask


def _blob(raised: str | None, lowered: str | None, amount: float = 0.8) -> bytes:
    signed = np.zeros((522, 171))
    if raised:
        signed[region_mask(raised)] = amount
    if lowered:
        signed[region_mask(lowered)] = -amount
    return to_bytes(BodyMap(stored_map=signed))


def test_every_feeling_gets_its_row_with_counts_strength_and_regions() -> None:
    maps = [
        ("sadness", 6, _blob("chest", "legs")),
        ("sadness", 8, _blob("chest", None)),
        ("sadness", None, _blob("chest", "legs")),
        ("anger", 9, _blob("hands", None)),
        ("love", 5, _blob("chest", None, 0.3)),
        (None, None, _blob(None, "feet")),
    ]
    rows = emotion_table(maps)
    assert [(r.emotion, r.count) for r in rows] == [
        ("sadness", 3), ("anger", 1), ("love", 1), (None, 1)]
    sadness, anger, love, unnamed = rows
    assert sadness.rated == 2 and sadness.mean_intensity == 7.0
    assert sadness.raised[0] == "chest" and sadness.lowered[0] == "legs"
    assert anger.raised[0] == "hands" and anger.lowered == ()
    assert love.mean_intensity == 5.0 and love.raised[0] == "chest"
    assert unnamed.mean_intensity is None and unnamed.raised == ()
    assert unnamed.lowered[0] == "feet"


def test_a_damaged_map_is_counted_but_left_out_of_the_regions() -> None:
    rows = emotion_table([("fear", 4, _blob("stomach", None)), ("fear", 6, b"not a map")])
    [fear] = rows
    assert fear.count == 2 and fear.unreadable == 1 and fear.mean_intensity == 5.0
    assert fear.raised[0] == "stomach"


def test_no_maps_no_rows() -> None:
    assert emotion_table([]) == []
