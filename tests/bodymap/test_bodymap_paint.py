"""The body map's pictures are made without Qt (the widget only wraps these arrays)."""

from __future__ import annotations

import numpy as np

from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS
from mit_desktop.bodymap.paint import (
    aggregate_rgba,
    aggregate_scale,
    scale_ramp_rgba,
    silhouette_rgba,
)


def test_the_silhouette_is_opaque_inside_and_transparent_outside() -> None:
    rgba = silhouette_rgba(300, 120)
    assert rgba.shape == (300, 120, 4) and rgba.dtype == np.uint8 and rgba.flags.c_contiguous
    assert rgba[0, 0, 3] == 0  # a corner is outside the figure
    assert (rgba[..., 3] == 255).mean() > 0.2  # the body is drawn


def test_a_mean_map_is_scaled_to_its_largest_value_inside_the_body() -> None:
    mean = np.zeros((MAP_ROWS, MAP_COLS))
    assert aggregate_scale(mean, None) == 1.0  # an empty map still has a scale
    assert aggregate_scale(mean, 0.3) == 0.3
    mean[MAP_ROWS // 2, MAP_COLS // 2] = -0.5  # the middle of the figure
    assert aggregate_scale(mean, None) == 0.5
    assert aggregate_rgba(mean, 0.5).shape == (MAP_ROWS, MAP_COLS, 4)


def test_the_scale_bar_runs_from_hot_to_cold() -> None:
    ramp = scale_ramp_rgba(1.0)
    assert ramp.shape == (256, 1, 4)
    warm, zero, cool = (ramp[i, 0, :3].astype(int) for i in (64, 128, 192))
    assert warm[0] > warm[2] and cool[2] > cool[0]  # hot colours above 0, cold below
    assert zero.sum() < 10  # black at 0, as in emBODY
