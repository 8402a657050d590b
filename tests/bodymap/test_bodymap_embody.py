import numpy as np
import pytest
from bodymap_reference import DATA, read_embody_blocks, reference_signed_map

from mit_desktop.bodymap import (
    BodyMap,
    BodyMapEditor,
    Brush,
    EmbodyFormatError,
    Layer,
    StrokeKind,
    body_map_from_embody,
    embody_from_body_map,
    format_embody_csv,
    parse_embody_csv,
    read_embody_csv,
)


def _painted_xy_as_matlab_reads_them(path):
    """Block 2 parsed the way dlmread does (empty fields are 0)."""
    blocks = read_embody_blocks(path)
    return [(float(x or 0), float(y or 0)) for _, x, y in blocks[1]]


def test_real_embody_file_gives_exactly_embody_demo_map(real_embody_file):
    body_map = body_map_from_embody(read_embody_csv(real_embody_file))
    ref = reference_signed_map(_painted_xy_as_matlab_reads_them(real_embody_file))
    ours = body_map.signed_map()
    assert ref.max() > 0.05 and ref.min() < -0.05  # painted on both silhouettes
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_empty_painting_block_written_as_commas_gives_the_dlmread_map():
    path = DATA / "embody_984332_10.csv"
    rec = read_embody_csv(path)
    assert len(rec.paint) == 0 and len(rec.mouse) == 103
    # dlmread reads ",," as a point at (0, 0): it does not reach either silhouette
    ref = reference_signed_map(_painted_xy_as_matlab_reads_them(path))
    np.testing.assert_array_equal(body_map_from_embody(rec).signed_map(), ref)


def test_real_file_survives_import_and_export_unchanged(real_embody_file):
    text = real_embody_file.read_text()
    body_map = body_map_from_embody(parse_embody_csv(text))
    assert format_embody_csv(embody_from_body_map(body_map)) == text


def test_import_splits_strokes_at_mouse_down_and_picks_layer_by_side(real_embody_file):
    rec = read_embody_csv(real_embody_file)
    body_map = body_map_from_embody(rec)
    assert len(body_map.strokes) == len(rec.mouse_down) == 4
    assert sum(len(s.samples) for s in body_map.strokes) == len(rec.paint)
    for stroke in body_map.strokes:
        side = Layer.ACTIVATION if stroke.samples[0, 1] < 450 else Layer.DEACTIVATION
        assert stroke.layer is side and stroke.brush is Brush.POINT
    assert [s.start_ms for s in body_map.strokes] == sorted(rec.mouse_down.astype(int))


def _painted_map() -> BodyMap:
    ed = BodyMapEditor()
    ed.begin_stroke(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE, 1000, 90.0, 150.0)
    for i in range(1, 30):
        ed.extend_stroke(1000 + 16 * i, 90.0 + i * 1.37, 150.0 + i * 2.11)
    ed.end_stroke(1500)
    ed.begin_stroke(StrokeKind.PAINT, Layer.DEACTIVATION, Brush.SMALL, 2000, 760.3, 300.7)
    for i in range(1, 40):
        ed.extend_stroke(2000 + 10 * i, 760.3 + 13 * np.sin(i / 6), 300.7 + i * 1.9)
    ed.end_stroke(2400)
    ed.begin_stroke(StrokeKind.ERASE, Layer.ACTIVATION, Brush.MEDIUM, 3000, 110.0, 180.0)
    ed.extend_stroke(3016, 112.0, 190.0)
    ed.end_stroke(3030)
    ed.set_region("feet", "less", 4000)
    return ed.body_map


def test_export_then_import_gives_the_same_points_and_map():
    body_map = _painted_map()
    text = format_embody_csv(embody_from_body_map(body_map))
    again = body_map_from_embody(parse_embody_csv(text))
    np.testing.assert_array_equal(again.painted_points().xy, body_map.painted_points().xy)
    np.testing.assert_allclose(again.signed_map(), body_map.signed_map(), rtol=0, atol=1e-12)
    # and emBODY's own preprocessing of the exported file agrees too
    blocks = [[row.split(",") for row in blk.strip().splitlines()]
              for blk in text.split("-1,-1,-1")]
    ref = reference_signed_map([(float(x), float(y)) for _, x, y in blocks[1]])
    np.testing.assert_allclose(body_map.signed_map(), ref, rtol=0, atol=1e-12)
    # a second round trip is byte-identical
    assert format_embody_csv(embody_from_body_map(again)) == text


def test_export_of_empty_map_is_a_valid_embody_file():
    text = format_embody_csv(embody_from_body_map(BodyMap()))
    assert text == ",,\n-1,-1,-1\n,,\n-1,-1,-1\n,,\n-1,-1,-1\n,,\n"
    assert not body_map_from_embody(parse_embody_csv(text)).signed_map().any()


@pytest.mark.parametrize("text, message", [
    ("1,2\n-1,-1,-1\n-1,-1,-1\n-1,-1,-1\n", "line 1: expected 3"),
    ("1,2,3\n-1,-1,-1\n5,abc,3\n-1,-1,-1\n-1,-1,-1\n", "line 3: 'abc' is not a number"),
    ("1,2,3\n-1,-1,-1\n4,5,6\n", "expected 4 blocks"),
    ("1,2,3\n-1,-1,-1\n4,nan,6\n-1,-1,-1\n-1,-1,-1\n", "not a finite number"),
])
def test_malformed_embody_text_raises_a_clear_error(text, message):
    with pytest.raises(EmbodyFormatError, match=message):
        parse_embody_csv(text)


def test_rows_with_missing_fields_are_read_as_dlmread_would():
    text = "1,10,20\n-1,-1,-1\n,120.5,200\n7,,\n8,130,210\n-1,-1,-1\n5,,\n-1,-1,-1\n9,,\n"
    rec = parse_embody_csv(text)
    assert rec.paint.tolist() == [[0.0, 120.5, 200.0], [8.0, 130.0, 210.0]]
    # dlmread: ",120.5,200" -> (0, 120.5, 200); "7,," -> a point at (0, 0)
    ref = reference_signed_map([(120.5, 200.0), (0.0, 0.0), (130.0, 210.0)])
    assert ref.max() > 0.005
    np.testing.assert_allclose(body_map_from_embody(rec).signed_map(), ref, rtol=0, atol=1e-12)
