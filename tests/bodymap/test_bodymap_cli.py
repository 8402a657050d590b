import argparse

import numpy as np
import pytest
from bodymap_reference import read_embody_blocks, reference_signed_map

from mit_desktop.bodymap import BodyMap, Brush, Layer, Stroke, StrokeKind, read_embody_csv
from mit_desktop.cli.bodymap import export_body_map, main, register


def test_from_embody_writes_the_signed_map_csv_and_a_png(real_embody_file, tmp_path, capsys):
    out_csv, out_png = tmp_path / "map.csv", tmp_path / "map.png"
    code = main(["bodymap", "from-embody", str(real_embody_file), "--signed-csv", str(out_csv),
                 "--png", str(out_png)])
    assert code == 0
    rows = out_csv.read_text().splitlines()
    assert len(rows) == 522 and all(len(r.split(",")) == 171 for r in rows)
    values = np.array([[float(v) for v in r.split(",")] for r in rows])
    ref = reference_signed_map([(float(x or 0), float(y or 0))
                                for _, x, y in read_embody_blocks(real_embody_file)[1]])
    np.testing.assert_allclose(values, ref, rtol=0, atol=1e-12)
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().out


def test_from_embody_without_outputs_prints_a_summary(real_embody_file, capsys):
    assert main(["bodymap", "from-embody", str(real_embody_file)]) == 0
    assert "painted points" in capsys.readouterr().out


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    ("1,2\n", "not an emBODY CSV file"),
    (b"\x89PNG\r\n\x1a\n\xff\xfe", "not a text file"),
])
def test_invalid_input_exits_1_with_one_line_and_no_traceback(tmp_path, capsys, content,
                                                             expected):
    path = tmp_path / "in.csv"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert main(["bodymap", "from-embody", str(path)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_usage_errors_exit_2(capsys):
    assert main(["bodymap"]) == 2
    assert main(["bodymap", "from-embody"]) == 2
    assert main(["bodymap", "from-embody", "a.csv", "--bogus"]) == 2


def test_register_adds_the_bodymap_command_to_a_parser(real_embody_file):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bodymap", "from-embody", str(real_embody_file)])
    assert args.func(args) == 0


def test_export_body_map_writes_every_format_and_reports_errors(tmp_path, capsys):
    stroke = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.LARGE,
                           [(0, 100, 200), (50, 140, 260)])
    body_map = BodyMap(strokes=(stroke,), emotion="pride", intensity=4)
    paths = {k: tmp_path / f"out.{k}" for k in ("embody", "png", "signed_csv")}
    assert export_body_map(body_map, **paths) == 0
    again = read_embody_csv(paths["embody"])
    assert len(again.paint) == len(body_map.painted_points())
    assert export_body_map(body_map) == 2
    assert export_body_map(body_map, png=tmp_path / "missing" / "x.png") == 1
    err = capsys.readouterr().err
    assert "nothing to export" in err and "cannot write" in err and "Traceback" not in err
