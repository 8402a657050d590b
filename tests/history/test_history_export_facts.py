"""The export says what each practice was (profile, session title, module, the program's
week and the program week it fell in) and carries the body maps' data itself."""

from __future__ import annotations

import base64
import datetime as dt
import json
import zipfile
from pathlib import Path

import numpy as np

from mit_desktop.bodymap.embody_csv import body_map_from_embody, parse_embody_csv
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.serialize import to_bytes
from mit_desktop.bodymap.strokes import Brush, Layer, Stroke, StrokeKind
from mit_desktop.cli import history as cli
from mit_desktop.history.store import HistoryStore

DAY_MS = 86_400_000


def painted() -> BodyMap:
    samples = [(i * 10, 100 + i, 200 + i) for i in range(40)]
    stroke = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.SMALL, samples)
    return BodyMap(strokes=(stroke,), emotion="anxiety", intensity=6)


def _history(data_dir: Path) -> tuple[bytes, BodyMap]:
    body_map = painted()
    blob = to_bytes(body_map)
    with HistoryStore.open() as store:
        ann = store.create_profile("Ann Client", "client")
        now = store.clock()
        today = dt.datetime.fromtimestamp(now / 1000).date()
        store.set_program_start(ann, today - dt.timedelta(days=9))  # today is in week 2
        p = store.start_practice(ann, "nesting-doll", "h", "hands-free")
        map_id = store.add_body_map(ann, blob, emotion="anxiety", intensity=6, practice_id=p)
        store.save_reflection(p, "body", prompt="Where do you feel it?", note="chest",
                              rating=4, body_map_id=map_id)
        store.finish_practice(p, True, 60_000, 60_000)
    return blob, body_map


def test_json_export_names_the_profile_session_module_weeks_and_holds_the_maps(
        data_dir: Path, tmp_path: Path, capsys) -> None:
    blob, _ = _history(data_dir)
    out = tmp_path / "ann.json"
    assert cli.main(["history", "export", "-o", str(out)]) == 0
    document = json.loads(out.read_text())
    assert document["profile"] == {"name": "Ann Client", "kind": "client"}
    [practice] = document["practices"]
    assert (practice["session_title"], practice["module"], practice["suggested_week"],
            practice["program_week"]) == ("Nesting Doll", "nesting-doll", 2, 2)
    [record] = document["body_maps"]
    assert record["practice"] == 1 and record["emotion"] == "anxiety"
    assert record["format"] == "MITBMAP-1"
    assert base64.b64decode(record["data_base64"]) == blob


def test_csv_export_has_the_facts_and_every_map_in_embody_format(
        data_dir: Path, tmp_path: Path, capsys) -> None:
    _, body_map = _history(data_dir)
    out = tmp_path / "ann.zip"
    assert cli.main(["history", "export", "-o", str(out)]) == 0
    archive = zipfile.ZipFile(out)
    practices = archive.read("practices.csv").decode()
    assert "Nesting Doll" in practices and ",nesting-doll,2,2," in practices
    maps = archive.read("body_maps.csv").decode().splitlines()
    assert maps[0] == "body_map,practice,emotion,intensity,created_at,file"
    name = maps[1].rsplit(",", 1)[1]
    again = body_map_from_embody(parse_embody_csv(archive.read(name).decode()))
    assert np.allclose(again.signed_map(), body_map.signed_map(), atol=1e-9)
    assert cli.main(["history", "export", "--without-body-maps", "-o",
                     str(tmp_path / "small.zip")]) == 0
    assert "body_maps.csv" not in zipfile.ZipFile(tmp_path / "small.zip").namelist()
