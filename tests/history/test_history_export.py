"""Export: the exact JSON document, a lossless round trip, CSV tables in a zip or a folder,
one profile only, atomic and private files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from history_helpers import FakeClock

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.export import (
    CSV_TABLES,
    PRACTICE_KEYS,
    collect,
    csv_tables,
    epoch_ms,
    export,
    iso,
    to_json,
)
from mit_desktop.history.store import HistoryStore

PARIS = ZoneInfo("Europe/Paris")
NOTES = ["calmer", "", '=HYPERLINK("x"), a "quoted" word,\nand a new line', "Mum's hands ✋",
         "-3 feels heavy", "@home", "a\ttab"]


@pytest.fixture
def paris_store(data_dir: Path, clock: FakeClock):
    with HistoryStore.open(clock=clock, tz=PARIS) as store:
        yield store


def _fill(store: HistoryStore, clock: FakeClock, profile: int, seed: int, n: int = 40) -> None:
    """``n`` varied practices: completed, partial, still open, manual, continued; notes, maps."""
    rng = random.Random(seed)
    previous: int | None = None
    for i in range(n):
        clock.advance(rng.randrange(3_600_000, 3 * 86_400_000))
        kind = rng.choice(["completed", "partial", "open", "manual", "resumed"])
        session = rng.choice(["nesting-doll", "bam", "life-globe"])
        if kind == "manual":
            store.log_manual_practice(profile, session, clock() - 1_000_000, 900_000,
                                      completed=rng.random() < 0.5)
            continue
        resume_of = previous if kind == "resumed" and previous is not None else None
        pid = store.start_practice(profile, session, f"sha-{i}", rng.choice(["hands-free",
                                                                            "interactive"]),
                                   resume_of=resume_of, position_ms=rng.randrange(0, 60_000))
        if rng.random() < 0.7:
            store.record_check_in(pid, "before", mood=rng.randrange(11),
                                  stress=rng.choice([None, rng.randrange(11)]))
        for r in range(rng.randrange(0, 4)):
            body_map = None
            if rng.random() < 0.4:
                body_map = store.add_body_map(profile, b"\x01map", emotion=rng.choice(
                    ["sadness", "joy", None]), intensity=rng.choice([None, 4]), practice_id=pid)
            clock.advance(rng.randrange(1000, 60_000))
            store.save_reflection(pid, f"r{r}", prompt=f"Prompt {r}?", note=rng.choice(NOTES),
                                  rating=rng.choice([None, rng.randrange(11)]),
                                  body_map_id=body_map)
        position = rng.randrange(60_000, 1_500_000)
        store.checkpoint(pid, position, position - 30_000)
        clock.advance(position)
        if kind == "open":
            previous = pid
            continue
        store.finish_practice(pid, kind != "partial", position, position - 30_000)
        if rng.random() < 0.7:
            store.record_check_in(pid, "after", mood=rng.randrange(11), stress=rng.randrange(11))
        previous = pid


def _expected(store: HistoryStore, profile: int) -> list[dict]:
    """What the store holds for the profile, in the terms of the export, oldest first."""
    out = []
    for p in reversed(store.list_practices(profile)):
        out.append({
            "session_id": p.session_id, "started_ms": p.started_ms, "ended_ms": p.ended_ms,
            "position_ms": p.position_ms, "listened_ms": p.listened_ms,
            "completed": p.status == "completed", "mode": p.mode,
            "reflections": [(r.reflection_key, r.prompt, r.note, r.rating, r.saved_ms,
                             r.body_map_id) for r in store.reflections(p.id)],
            "checkins": [(c.phase, c.mood, c.stress, c.recorded_ms) for c in store.check_ins(p.id)],
        })
    return out


def _parsed(document: dict) -> list[dict]:
    """The exported JSON document read back into the same terms."""
    assert list(document) == ["profile", "practices", "body_maps", "measures"]
    out = []
    for p in document["practices"]:
        assert tuple(p) == PRACTICE_KEYS
        out.append({
            "session_id": p["session_id"], "started_ms": epoch_ms(p["started_at"]),
            "ended_ms": None if p["ended_at"] is None else epoch_ms(p["ended_at"]),
            "position_ms": p["position_ms"], "listened_ms": p["listened_ms"],
            "completed": p["completed"], "mode": p["mode"],
            "reflections": [(r["key"], r["prompt"], r["note"], r["rating"],
                             epoch_ms(r["saved_at"]), (r["body_map"] or {}).get("id"))
                            for r in p["reflections"]],
            "checkins": [(c["phase"], c["mood"], c["stress"], epoch_ms(c["recorded_at"]))
                         for c in p["checkins"]],
        })
    return out


def test_json_round_trip_is_lossless(paris_store: HistoryStore, clock: FakeClock,
                                     tmp_path: Path) -> None:
    ann = paris_store.create_profile("Ann")
    _fill(paris_store, clock, ann, seed=1)
    out = tmp_path / "ann.json"
    assert export(paris_store, ann, "json", out) == [out]
    document = json.loads(out.read_text(encoding="utf-8"))
    expected = _expected(paris_store, ann)
    assert len(expected) == 40
    assert any(e["ended_ms"] is None for e in expected)  # an open practice
    assert sum(len(e["reflections"]) for e in expected) > 20
    assert _parsed(document) == expected


def test_json_times_are_local_iso_8601_with_offset(paris_store: HistoryStore, clock: FakeClock
                                                   ) -> None:
    ann = paris_store.create_profile("Ann")
    clock.ms = int(dt.datetime(2026, 3, 2, 0, 30, tzinfo=PARIS).timestamp() * 1000)
    body = paris_store.add_body_map(ann, b"\x00blob", emotion="sadness", intensity=7)
    pid = paris_store.start_practice(ann, "nesting-doll", "sha256:1", "interactive")
    paris_store.record_check_in(pid, "before", mood=3, stress=8)
    paris_store.save_reflection(pid, "felt", prompt="Where?", note="chest", rating=5,
                                body_map_id=body)
    clock.advance(1_500_250)
    paris_store.finish_practice(pid, True, 1_500_000, 1_400_000)
    [practice] = collect(paris_store, ann)["practices"]
    assert practice["started_at"] == "2026-03-02T00:30:00.000+01:00"
    assert practice["ended_at"] == "2026-03-02T00:55:00.250+01:00"
    assert (practice["completed"], practice["mode"]) == (True, "interactive")
    assert practice["checkins"] == [{"phase": "before", "mood": 3, "stress": 8,
                                     "recorded_at": "2026-03-02T00:30:00.000+01:00"}]
    [reflection] = practice["reflections"]
    assert reflection["body_map"] == {"id": body, "emotion": "sadness", "intensity": 7,
                                      "created_at": "2026-03-02T00:30:00.000+01:00"}


def _read_tables(tables: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    return {name: list(csv.DictReader(io.StringIO(text, newline="")))
            for name, text in tables.items()}


def test_csv_zip_has_one_table_per_file_matching_the_json(paris_store: HistoryStore,
                                                          clock: FakeClock, tmp_path: Path) -> None:
    ann = paris_store.create_profile("Ann")
    _fill(paris_store, clock, ann, seed=2)
    out = tmp_path / "ann.zip"
    assert export(paris_store, ann, "csv", out) == [out]
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == list(CSV_TABLES)
        tables = _read_tables({n: archive.read(n).decode("utf-8") for n in CSV_TABLES})
    document = collect(paris_store, ann)
    practices = document["practices"]
    assert [int(r["practice"]) for r in tables["practices.csv"]] == list(
        range(1, len(practices) + 1))
    for row, practice in zip(tables["practices.csv"], practices, strict=True):
        assert row["session_id"] == practice["session_id"]
        assert row["started_at"] == practice["started_at"]
        assert row["ended_at"] == (practice["ended_at"] or "")
        assert int(row["listened_ms"]) == practice["listened_ms"]
        assert row["completed"] == ("true" if practice["completed"] else "false")
    reflections = [(n, r) for n, p in enumerate(practices, 1) for r in p["reflections"]]
    assert len(tables["reflections.csv"]) == len(reflections)
    for row, (number, reflection) in zip(tables["reflections.csv"], reflections, strict=True):
        assert int(row["practice"]) == number
        note = row["note"][1:] if row["note"][:1] == "'" else row["note"]
        assert note == reflection["note"]  # quoting survives commas, quotes and new lines
        if reflection["note"][:1] in ("=", "+", "-", "@", "\t"):
            assert row["note"].startswith("'")  # a spreadsheet must not run it
    checkins = [(n, c) for n, p in enumerate(practices, 1) for c in p["checkins"]]
    assert [(int(r["practice"]), r["phase"]) for r in tables["checkins.csv"]] == [
        (n, c["phase"]) for n, c in checkins]


def test_csv_folder_holds_the_same_tables(store: HistoryStore, clock: FakeClock,
                                          tmp_path: Path) -> None:
    ann = store.create_profile("Ann")
    _fill(store, clock, ann, seed=3, n=5)
    written = export(store, ann, "csv", tmp_path / "ann-history")
    assert [p.name for p in written] == list(CSV_TABLES)
    tables = csv_tables(collect(store, ann))
    for path in written:
        assert path.read_bytes().decode("utf-8") == tables[path.name]


def test_each_export_has_only_its_profile(store: HistoryStore, clock: FakeClock,
                                          tmp_path: Path) -> None:
    ann = store.create_profile("Ann")
    bea = store.create_profile("Bea", "client")
    _fill(store, clock, ann, seed=4, n=10)
    pid = store.start_practice(bea, "bea-only-session", "h", "hands-free")
    store.save_reflection(pid, "word", note="BEA'S PRIVATE NOTE")
    ann_text = to_json(collect(store, ann))
    assert "BEA'S PRIVATE NOTE" not in ann_text and "bea-only-session" not in ann_text
    assert _parsed(json.loads(ann_text)) == _expected(store, ann)
    bea_doc = collect(store, bea)
    assert [p["session_id"] for p in bea_doc["practices"]] == ["bea-only-session"]
    export(store, ann, "csv", tmp_path / "ann.zip")
    with zipfile.ZipFile(tmp_path / "ann.zip") as archive:
        assert all(b"BEA" not in archive.read(name) for name in CSV_TABLES)


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        ("xlsx", "ann.xlsx", "json or csv"),
        ("csv", "ann.csv", "one file per table"),
        ("json", "missing/ann.json", "does not exist"),
    ],
)
def test_export_refuses_what_it_cannot_write(store: HistoryStore, tmp_path: Path, fmt: str,
                                             name: str, message: str) -> None:
    ann = store.create_profile("Ann")
    with pytest.raises(InvalidInputError, match=message):
        export(store, ann, fmt, tmp_path / name)


def test_export_replaces_atomically_without_leftovers(store: HistoryStore, tmp_path: Path) -> None:
    ann = store.create_profile("Ann")
    store.log_manual_practice(ann, "bam", store.clock() - 600_000, 300_000)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "ann.json"
    out.write_text("old content")
    export(store, ann, "json", out)
    assert json.loads(out.read_text())["practices"][0]["session_id"] == "bam"
    assert sorted(p.name for p in folder.iterdir()) == ["ann.json"]


def test_iso_times_match_datetime_and_convert_back() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        moment_ms = rng.randrange(0, 4_000_000_000_000)
        offset = rng.choice([0, 60, 120, -300, 330, 345, -570, 840, -720])
        zone = dt.timezone(dt.timedelta(minutes=offset))
        expected = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
                    + dt.timedelta(milliseconds=moment_ms)).astimezone(zone)
        assert iso(moment_ms, offset) == expected.isoformat(timespec="milliseconds")
        assert epoch_ms(iso(moment_ms, offset) or "") == moment_ms
