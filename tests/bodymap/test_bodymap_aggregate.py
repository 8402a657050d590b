import numpy as np
import pytest

from mit_desktop.bodymap import (
    BodyMap,
    BodyMapFormatError,
    Brush,
    Layer,
    Stroke,
    StrokeKind,
    aggregate,
    to_bytes,
)


def _map(seed: int) -> BodyMap:
    rng = np.random.default_rng(seed)
    strokes = []
    for k in range(3):
        layer = Layer.ACTIVATION if k % 2 == 0 else Layer.DEACTIVATION
        x0 = rng.uniform(60, 170) + (0 if layer is Layer.ACTIVATION else 663)
        y0 = rng.uniform(40, 480)
        samples = [(i * 10, x0 + 15 * np.cos(i / 5), y0 + i) for i in range(40)]
        strokes.append(Stroke.create(StrokeKind.PAINT, layer, Brush.MEDIUM, samples))
    return BodyMap(strokes=tuple(strokes), emotion="fear")


def test_mean_and_count_of_serialised_maps_equal_the_mean_of_their_maps():
    maps = [_map(s) for s in range(12)]
    result = aggregate(to_bytes(m) for m in maps)
    expected = np.mean([m.computed_map() for m in maps], axis=0)
    assert result.count == 12
    np.testing.assert_allclose(result.mean, expected, rtol=0, atol=1e-12)


def test_mixed_inputs_are_averaged_together():
    maps = [_map(s) for s in range(3)]
    arr = np.full((522, 171), 0.5)
    result = aggregate([maps[0], to_bytes(maps[1]), maps[2].computed_map(), arr,
                        to_bytes(BodyMap(stored_map=arr))])
    expected = (maps[0].computed_map() + maps[1].computed_map() + maps[2].computed_map()
                + 2 * arr) / 5
    assert result.count == 5
    np.testing.assert_allclose(result.mean, expected, atol=1e-9)


def test_empty_set_has_count_zero_and_zero_mean():
    result = aggregate([])
    assert result.count == 0 and result.mean.shape == (522, 171) and not result.mean.any()


def test_bad_inputs_raise():
    with pytest.raises(BodyMapFormatError):
        aggregate([b"not a map"])
    with pytest.raises(ValueError):
        aggregate([np.zeros((10, 10))])
