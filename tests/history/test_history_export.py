"""Export: one profile only, JSON and CSV content, atomic and private."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.export import export, reflections_csv_path
from mit_desktop.history.store import HistoryStore
from tests.history.conftest import FakeClock

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def paris_store(data_dir: Path, clock: FakeClock):
    with HistoryStore.open(clock=clock, tz=PARIS) as store:
        yield store


def _fill(store: HistoryStore, clock: FakeClock) -> tuple[int, int, int]:
    ann = store.create_profile("Ann", variables={"loved_one": "Mum"})
    bea = store.create_profile("Bea", "client")
    clock.ms = int(dt.datetime(2026, 3, 2, 0, 30, tzinfo=PARIS).timestamp() * 1000)
    body = store.add_body_map(ann, b"\x00blob", emotion="sadness", intensity=7)
    pid = store.start_practice(ann, "nesting-doll-1", "sha256:1", "interactive")
    store.record_check_in(pid, "before", mood=3, stress=8)
    store.record_check_in(pid, "after", mood=6, stress=4)
    store.save_reflection(pid, "felt", prompt="Where do you feel it?",
                          note='=HYPERLINK("x"), a "quoted" word,\nand a new line',
                          rating=5, body_map_id=body)
    clock.advance(1_500_000)
    store.finish_practice(pid, True, 1_500_000, 1_400_000)
    secret = store.start_practice(bea, "bam-1", "sha256:2", "hands-free")
    store.save_reflection(secret, "word", note="BEA'S PRIVATE NOTE")
    return ann, bea, pid


def test_json_export_has_only_that_profile(paris_store: HistoryStore, clock: FakeClock,
                                           tmp_path: Path) -> None:
    ann, _bea, pid = _fill(paris_store, clock)
    out = tmp_path / "ann.json"
    assert export(paris_store, ann, out) == [out]
    text = out.read_text(encoding="utf-8")
    assert "BEA'S PRIVATE NOTE" not in text and "bam-1" not in text
    data = json.loads(text)
    assert data["format"] == "mit-desktop-history" and data["format_version"] == 1
    assert data["profile"] == {"name": "Ann", "kind": "caregiver",
                               "variables": {"loved_one": "Mum"}, "region": None}
    [practice] = data["practices"]
    assert practice["practice_id"] == pid
    assert practice["started"] == "2026-03-02T00:30:00+01:00"
    assert practice["day"] == "2026-03-01"  # before 03:00: the day before
    assert (practice["mood_before"], practice["mood_after"]) == (3, 6)
    assert (practice["stress_before"], practice["stress_after"]) == (8, 4)
    assert (practice["status"], practice["listened_ms"]) == ("completed", 1_400_000)
    assert [c["phase"] for c in data["check_ins"]] == ["before", "after"]
    [reflection] = data["reflections"]
    assert reflection["note"].startswith('=HYPERLINK')  # JSON keeps text exactly
    assert reflection["body_map_id"] == data["body_maps"][0]["body_map_id"]
    assert data["body_maps"][0]["emotion"] == "sadness"
    assert "data" not in data["body_maps"][0]  # a reference, not the blob


def test_csv_export_practices_and_reflections(paris_store: HistoryStore, clock: FakeClock,
                                              tmp_path: Path) -> None:
    ann, _bea, pid = _fill(paris_store, clock)
    out = tmp_path / "ann.csv"
    written = export(paris_store, ann, out)
    assert written == [out, reflections_csv_path(out)]
    with out.open(newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["practice_id"] == str(pid)
    assert (row["mood_before"], row["mood_after"], row["stress_before"], row["stress_after"]) == (
        "3", "6", "8", "4")
    assert row["resumed_from"] == ""
    with written[1].open(newline="", encoding="utf-8") as handle:
        [reflection] = list(csv.DictReader(handle))
    # formula guard, and quoting that survives commas, quotes and new lines
    assert reflection["note"] == '\'=HYPERLINK("x"), a "quoted" word,\nand a new line'
    assert reflection["rating"] == "5"
    assert "BEA" not in out.read_text() + written[1].read_text()


def test_export_refuses_other_suffixes_and_missing_folders(store: HistoryStore,
                                                           tmp_path: Path) -> None:
    ann = store.create_profile("Ann")
    with pytest.raises(InvalidInputError):
        export(store, ann, tmp_path / "ann.xlsx")
    with pytest.raises(InvalidInputError):
        export(store, ann, tmp_path / "missing" / "ann.json")


def test_export_replaces_atomically_without_leftovers(store: HistoryStore, tmp_path: Path) -> None:
    ann = store.create_profile("Ann")
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "ann.json"
    out.write_text("old content")
    export(store, ann, out)
    assert json.loads(out.read_text())["profile"]["name"] == "Ann"
    assert sorted(p.name for p in folder.iterdir()) == ["ann.json"]
