import struct
import zlib

import numpy as np
import pytest

from mit_desktop.bodymap import (
    BodyMap,
    BodyMapEditor,
    BodyMapFormatError,
    Brush,
    Layer,
    StrokeKind,
    body_map_from_embody,
    from_bytes,
    read_embody_csv,
    read_signed_map,
    to_bytes,
)
from mit_desktop.bodymap.serialize import read_cells


def _edited_map() -> BodyMap:
    ed = BodyMapEditor()
    ed.begin_stroke(StrokeKind.PAINT, Layer.ACTIVATION, Brush.MEDIUM, 10, 100.0, 120.0)
    for i in range(1, 50):
        ed.extend_stroke(10 + 8 * i, 100.0 + 0.7 * i, 120.0 + 3.1 * i)
    ed.end_stroke(500)
    ed.begin_stroke(StrokeKind.ERASE, Layer.ACTIVATION, Brush.SMALL, 600, 120.0, 200.0)
    ed.extend_stroke(610, 125.0, 230.0)
    ed.end_stroke(620)
    ed.set_region("chest", "less", 700)
    ed.set_emotion("Anxiety")
    ed.set_intensity(7)
    return ed.body_map


def test_round_trip_keeps_strokes_emotion_intensity_and_map():
    original = _edited_map()
    blob = to_bytes(original)
    loaded = from_bytes(blob)
    assert loaded.emotion == "anxiety" and loaded.intensity == 7
    assert [(s.kind, s.layer, s.brush, s.region, s.start_ms, s.end_ms)
            for s in loaded.strokes] == [
        (s.kind, s.layer, s.brush, s.region, s.start_ms, s.end_ms) for s in original.strokes]
    for a, b in zip(loaded.strokes, original.strokes):
        np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(loaded.computed_map(), original.computed_map())
    # the stored map is float16: about three significant digits
    np.testing.assert_allclose(loaded.signed_map(), original.signed_map(), rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(read_signed_map(blob), original.signed_map(), rtol=1e-3,
                               atol=1e-6)


def test_blob_is_compact():
    blob = to_bytes(_edited_map())
    assert len(blob) < 522 * 171 * 2 // 2  # well under half of the raw float16 map


def test_round_trip_of_imported_data_with_free_text_and_trail(real_embody_file):
    original = body_map_from_embody(read_embody_csv(real_embody_file), emotion="  my own  word ",
                                    intensity=0)
    loaded = from_bytes(to_bytes(original))
    assert loaded.emotion == "my own word" and loaded.intensity == 0
    np.testing.assert_array_equal(loaded.trail, original.trail)
    np.testing.assert_array_equal(loaded.computed_map(), original.computed_map())


def test_non_sixteenth_coordinates_are_kept_exactly():
    ed = BodyMapEditor()
    ed.begin_stroke(StrokeKind.PAINT, Layer.ACTIVATION, Brush.POINT, 0, 100.123456789, 50.1)
    ed.end_stroke(5)
    loaded = from_bytes(to_bytes(ed.body_map))
    assert loaded.strokes[0].samples[0, 1] == 100.123456789


def test_cells_hold_the_painted_point_counts():
    original = _edited_map()
    index, counts = read_cells(to_bytes(original))
    assert counts.sum() == len(original.painted_points())


def test_map_without_strokes_keeps_its_stored_map():
    values = np.linspace(-1, 1, 522 * 171).reshape(522, 171)
    loaded = from_bytes(to_bytes(BodyMap(stored_map=values)))
    np.testing.assert_allclose(loaded.signed_map(), values, atol=1e-3)
    assert read_cells(to_bytes(BodyMap(stored_map=values))) is None


def _with_version(blob: bytes, version: int) -> bytes:
    return blob[:7] + bytes([version]) + blob[8:]


def test_unknown_version_is_a_clear_error():
    blob = _with_version(to_bytes(_edited_map()), 9)
    with pytest.raises(BodyMapFormatError, match="version 9 is not supported"):
        from_bytes(blob)
    with pytest.raises(BodyMapFormatError, match="version 9"):
        read_signed_map(blob)


@pytest.mark.parametrize("damage", ["magic", "header", "map", "strokes", "truncate", "extra",
                                    "empty"])
def test_corrupt_data_is_a_clear_error(damage):
    blob = bytearray(to_bytes(_edited_map()))
    head_len = struct.unpack_from("<I", blob, 8)[0]
    map_start = 16 + head_len
    if damage == "magic":
        blob[0:3] = b"PNG"
    elif damage == "header":
        blob[20] ^= 0xFF
    elif damage == "map":
        blob[map_start + 40] ^= 0x55
    elif damage == "strokes":
        blob[-10] ^= 0x55
    elif damage == "truncate":
        del blob[-30:]
    elif damage == "extra":
        blob += b"xx"
    else:
        blob = bytearray()
    with pytest.raises(BodyMapFormatError):
        from_bytes(bytes(blob))


def test_header_with_wrong_shape_is_rejected():
    blob = to_bytes(_edited_map())
    head_len = struct.unpack_from("<I", blob, 8)[0]
    head = blob[16:16 + head_len].replace(b"[522,171]", b"[171,522]")
    prefix = blob[:8] + struct.pack("<II", len(head), zlib.crc32(head))
    forged = prefix + head + blob[16 + head_len:]
    with pytest.raises(BodyMapFormatError, match="unexpected size"):
        from_bytes(forged)
