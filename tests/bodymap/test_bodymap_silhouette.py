import subprocess
import sys

import numpy as np

from mit_desktop.bodymap.silhouette import REGION_KEYS, body_mask, body_picture, region_mask


def test_mask_is_a_single_upright_figure_on_the_map_grid():
    mask = body_mask()
    assert mask.shape == (522, 171) and mask.dtype == bool
    assert 0.3 < mask.mean() < 0.7
    rows = np.nonzero(mask.any(axis=1))[0]
    assert rows[0] < 20 and rows[-1] > 500  # head near the top, feet near the bottom
    np.testing.assert_array_equal(mask, mask[:, ::-1])  # left-right symmetric


def test_regions_cover_the_body_without_overlap_and_are_ordered_top_to_bottom():
    mask = body_mask()
    cover = sum(region_mask(k).astype(int) for k in REGION_KEYS)
    assert cover.max() == 1 and np.array_equal(cover == 1, mask)
    centre = {k: np.nonzero(region_mask(k))[0].mean() for k in REGION_KEYS}
    assert centre["head"] < centre["face"] < centre["throat"] < centre["chest"]
    assert centre["chest"] < centre["stomach"] < centre["lower_belly"] < centre["legs"]
    assert centre["legs"] < centre["feet"] and centre["arms"] < centre["hands"]


def test_picture_at_screen_size_matches_the_mask():
    fill, outline = body_picture(522, 171)
    assert ((fill > 0.5) == body_mask()).mean() > 0.99
    assert outline.max() > 0.9


def test_model_package_imports_no_qt():
    code = ("import sys, mit_desktop.bodymap, mit_desktop.cli.bodymap, "
            "mit_desktop.bodymap.export; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
