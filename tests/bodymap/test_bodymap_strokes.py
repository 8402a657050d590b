import numpy as np
import pytest

from mit_desktop.bodymap import BodyMapEditor, Brush, Layer, RegionState, Stroke, StrokeKind
from mit_desktop.bodymap.layout import local_to_canvas
from mit_desktop.bodymap.raster import signed_map_from_points
from mit_desktop.bodymap.silhouette import region_mask
from mit_desktop.bodymap.strokes import replay


def _path(n: int, layer: Layer = Layer.ACTIVATION) -> np.ndarray:
    """A straight horizontal path across the chest, sampled n times (canvas px)."""
    x, y = local_to_canvas(layer, np.linspace(50, 120, n), np.full(n, 180.0))
    return np.column_stack([np.linspace(0, 700, n).round(), x, y])


@pytest.mark.parametrize("brush", [Brush.SMALL, Brush.MEDIUM, Brush.LARGE])
def test_points_do_not_depend_on_pointer_event_rate(brush):
    slow = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, brush, _path(300)).points()
    fast = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, brush, _path(8)).points()
    assert abs(len(slow) - len(fast)) <= max(2, len(slow) // 50)
    m_slow = signed_map_from_points(slow.xy[:, 0], slow.xy[:, 1])
    m_fast = signed_map_from_points(fast.xy[:, 0], fast.xy[:, 1])
    assert np.abs(m_slow - m_fast).max() < 0.1 * m_slow.max()


def test_point_brush_keeps_every_sample_like_embody():
    path = _path(37)
    pts = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.POINT, path).points()
    np.testing.assert_array_equal(pts.xy, path[:, 1:])


def test_one_pass_gives_about_one_coat_with_every_brush_and_bigger_brushes_are_wider():
    peaks, widths = [], []
    for brush in (Brush.SMALL, Brush.MEDIUM, Brush.LARGE):
        pts = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, brush, _path(50)).points()
        m = signed_map_from_points(pts.xy[:, 0], pts.xy[:, 1])
        column = m[:, 85]
        peaks.append(column.max())
        widths.append(int((column > 0.5 * column.max()).sum()))
    assert all(0.03 < p < 0.055 for p in peaks), peaks
    assert widths[0] < widths[1] < widths[2]


def test_painting_the_same_place_twice_adds_a_second_coat():
    one = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE, _path(40))
    two = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE, _path(40))
    assert len(replay([one, two])) == 2 * len(replay([one]))


def test_incremental_points_equal_the_finished_stroke():
    ed = BodyMapEditor()
    path = _path(60)
    ed.begin_stroke(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE, *path[0])
    live = 0
    for row in path[1:]:
        live += len(ed.extend_stroke(*row).added)
    ed.end_stroke()
    assert live + len(Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE,
                                    path[:1]).points()) == len(ed.body_map.painted_points())
    np.testing.assert_array_equal(ed.points.xy, ed.body_map.painted_points().xy)


def test_eraser_removes_points_under_it_only_on_its_own_silhouette():
    ed = BodyMapEditor()
    for layer in (Layer.ACTIVATION, Layer.DEACTIVATION):
        path = _path(30, layer)
        ed.begin_stroke(StrokeKind.PAINT, layer, Brush.LARGE, *path[0])
        for row in path[1:]:
            ed.extend_stroke(*row)
        ed.end_stroke()
    before = ed.points
    x, y = local_to_canvas(Layer.ACTIVATION, np.array([85.0]), np.array([180.0]))
    removed = ed.begin_stroke(StrokeKind.ERASE, Layer.ACTIVATION, Brush.LARGE, 900,
                              float(x[0]), float(y[0])).removed
    ed.end_stroke()
    assert len(removed) > 0
    assert np.all(np.hypot(removed.xy[:, 0] - x[0], removed.xy[:, 1] - y[0])
                  <= Brush.LARGE.eraser_radius)
    assert np.all(removed.layer == 0)
    assert len(ed.points) == len(before) - len(removed)
    np.testing.assert_array_equal(ed.points.xy, ed.body_map.painted_points().xy)


def test_undo_redo_clear_are_per_stroke():
    ed = BodyMapEditor()
    counts = [0]
    for k in range(3):
        path = _path(20) + np.array([0, 0, 40 * k])
        ed.begin_stroke(StrokeKind.PAINT, Layer.ACTIVATION, Brush.MEDIUM, *path[0])
        for row in path[1:]:
            ed.extend_stroke(*row)
        ed.end_stroke()
        counts.append(len(ed.points))
    assert ed.undo() and len(ed.points) == counts[2]
    assert ed.undo() and len(ed.points) == counts[1]
    assert ed.redo() and len(ed.points) == counts[2]
    ed.clear()
    assert len(ed.points) == 0 and ed.body_map.strokes == ()
    assert ed.undo() and len(ed.points) == counts[2]
    ed.undo()
    ed.undo()
    assert not ed.undo() and len(ed.points) == 0
    assert ed.can_redo and not ed.can_undo


def test_regions_set_more_less_nothing_with_undo():
    ed = BodyMapEditor()
    ed.set_region("chest", RegionState.MORE)
    assert ed.region_state("chest") is RegionState.MORE
    m = ed.body_map.signed_map()
    chest = region_mask("chest")
    assert m[chest].mean() > 0.03 and m[region_mask("feet")].max() == 0
    ed.set_region("chest", RegionState.LESS)
    assert ed.region_state("chest") is RegionState.LESS
    assert ed.body_map.signed_map()[chest].mean() < -0.03
    ed.set_region("chest", RegionState.NOTHING)
    assert not ed.body_map.signed_map().any()
    ed.undo()
    assert ed.region_state("chest") is RegionState.LESS
    with pytest.raises(ValueError):
        ed.set_region("tail", RegionState.MORE)


def test_pointer_leaving_a_silhouette_cannot_paint_the_other():
    x, _ = local_to_canvas(Layer.ACTIVATION, np.array([5000.0]), np.array([0.0]))
    assert x[0] < 450
    x, _ = local_to_canvas(Layer.DEACTIVATION, np.array([-5000.0]), np.array([0.0]))
    pts_x = np.array([x[0]])
    m = signed_map_from_points(pts_x, np.array([200.0]))
    assert not m.any()


def test_emotion_and_intensity_are_validated():
    ed = BodyMapEditor()
    ed.set_emotion("Love")
    assert ed.body_map.emotion == "love"
    ed.set_emotion("tender and worried")
    assert ed.body_map.emotion == "tender and worried"
    with pytest.raises(ValueError):
        ed.set_intensity(11)
    with pytest.raises(ValueError):
        ed.set_emotion("x" * 201)


def test_strokes_are_validated():
    with pytest.raises(ValueError, match="unknown body region"):
        Stroke.create(StrokeKind.REGION, Layer.ACTIVATION, Brush.POINT, [], region="tail")
    with pytest.raises(ValueError, match="finite"):
        Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.SMALL, [(0, float("nan"), 1)])
    with pytest.raises(ValueError):
        Stroke.create("smudge", Layer.ACTIVATION, Brush.SMALL, [(0, 1, 1)])
