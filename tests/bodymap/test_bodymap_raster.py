import numpy as np
from bodymap_reference import reference_signed_map

from mit_desktop.bodymap.raster import (
    blur_counts,
    count_points,
    gaussian_kernel,
    point_indices,
    signed_map_from_points,
)


def test_point_indices_follow_embody_ceil_and_clamp_rule():
    x = np.array([-50.0, -0.5, 0.0, 0.5, 80.5, 81.0, 898.2, 899.0, 1e6])
    y = np.array([-3.0, 0.0, 1.0, 1.5, 9.0, 9.5, 598.5, 599.0, 700.0])
    rows, cols = point_indices(x, y)
    # 1-based ceil(v+1) clamped to [1, size], minus 1
    assert cols.tolist() == [0, 0, 0, 1, 81, 81, 899, 899, 899]
    assert rows.tolist() == [0, 0, 1, 2, 9, 10, 599, 599, 599]


def test_kernel_is_fspecial_gaussian_15_sigma_5():
    k = gaussian_kernel()
    assert k.shape == (15, 15)
    assert abs(k.sum() - 1.0) < 1e-12
    i, j = np.mgrid[-7:8, -7:8]
    expected = np.exp(-(i**2 + j**2) / 50.0)
    assert np.allclose(k, expected / expected.sum(), rtol=0, atol=1e-15)


def test_signed_map_matches_independent_reference_on_random_points():
    rng = np.random.default_rng(42)
    left = np.column_stack([rng.uniform(20, 215, 1500), rng.uniform(-5, 545, 1500)])
    right = np.column_stack([rng.uniform(685, 880, 1500), rng.uniform(0, 540, 1500)])
    edges = np.array([[-10.0, -10.0], [899.5, 599.5], [32.0, 9.0], [202.5, 530.5],
                      [695.0, 9.0], [865.0, 531.0], [80.0, 100.0], [80.0, 100.0]])
    pts = np.concatenate([left, right, edges])
    ours = signed_map_from_points(pts[:, 0], pts[:, 1])
    ref = reference_signed_map(pts)
    assert ours.shape == (522, 171)
    assert np.abs(ours).max() > 0.02
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_left_is_positive_and_right_is_negative():
    m = signed_map_from_points(np.array([120.0, 780.0]), np.array([100.0, 400.0]))
    assert m[91, 88] > 0  # row 100 -> index 100 -> crop row 91; col 120 -> 120 - 32
    assert m[391, 780 - 695] < 0
    assert np.isclose(m.sum(), 0.0, atol=1e-12)  # each point's whole kernel is inside


def test_full_grid_blur_agrees_with_crop_blur_and_zero_pads_at_edges():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 900, 400), rng.uniform(0, 600, 400)
    full = blur_counts(count_points(x, y))
    m = signed_map_from_points(x, y)
    np.testing.assert_allclose(full[9:531, 32:203] - full[9:531, 695:866], m, atol=1e-12)
    corner = blur_counts(count_points(np.array([-1.0]), np.array([-1.0])))
    # a point in the corner cell loses the kernel mass that falls outside the grid
    assert np.isclose(corner.sum(), gaussian_kernel()[7:, 7:].sum())


def test_crop_patches_add_up_to_the_full_computation():
    from mit_desktop.bodymap.raster import crop_patches, layer_crops

    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(20, 215, 40), rng.uniform(685, 880, 40), [400.0]])
    y = np.concatenate([rng.uniform(-5, 545, 80), [300.0]])
    crops = [np.zeros((522, 171)), np.zeros((522, 171))]
    for start in range(0, len(x), 7):  # a few points at a time, as a pointer moves
        for code, r0, c0, patch in crop_patches(x[start:start + 7], y[start:start + 7]):
            crops[code][r0:r0 + patch.shape[0], c0:c0 + patch.shape[1]] += patch
    left, right = layer_crops(count_points(x, y))
    np.testing.assert_allclose(crops[0], left, atol=1e-12)
    np.testing.assert_allclose(crops[1], right, atol=1e-12)
    assert crop_patches(np.array([450.0]), np.array([300.0])) == []
