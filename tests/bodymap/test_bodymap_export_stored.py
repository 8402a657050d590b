"""`mit-desktop bodymap export ID` takes a map from the practice history."""

from __future__ import annotations

import numpy as np

from mit_desktop.bodymap.embody_csv import body_map_from_embody, read_embody_csv
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.serialize import to_bytes
from mit_desktop.bodymap.strokes import Brush, Layer, Stroke, StrokeKind
from mit_desktop.cli import main
from mit_desktop.history.store import HistoryStore


def painted() -> BodyMap:
    samples = [(i * 10, 100 + i, 200 + i) for i in range(40)]
    stroke = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.SMALL, samples)
    return BodyMap(strokes=(stroke,), emotion="anxiety", intensity=6)


def test_export_of_a_stored_map_round_trips(tmp_path, capsys) -> None:
    body_map = painted()
    with HistoryStore.open() as store:
        profile = store.create_profile("Ann")
        map_id = store.add_body_map(profile, to_bytes(body_map), emotion="anxiety", intensity=6)
    out_csv, out_signed, out_png = tmp_path / "e.csv", tmp_path / "s.csv", tmp_path / "m.png"
    assert main(["bodymap", "export", str(map_id), "--embody", str(out_csv),
                 "--signed-csv", str(out_signed), "--png", str(out_png)]) == 0
    again = body_map_from_embody(read_embody_csv(out_csv))
    assert np.allclose(again.signed_map(), body_map.signed_map(), atol=1e-9)
    signed = np.loadtxt(out_signed, delimiter=",")
    assert signed.shape == (522, 171) and np.allclose(signed, body_map.signed_map(), atol=1e-4)
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unknown_map_and_ambiguous_profile_are_clear_errors(tmp_path, capsys) -> None:
    with HistoryStore.open() as store:
        first = store.create_profile("Ann")
        store.add_body_map(first, to_bytes(painted()))
    assert main(["bodymap", "export", "999", "--png", str(tmp_path / "x.png")]) == 1
    assert "no body map number 999" in capsys.readouterr().err
    with HistoryStore.open() as store:
        store.create_profile("Bob")
    assert main(["bodymap", "export", "1", "--png", str(tmp_path / "x.png")]) == 1
    assert "--profile" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
