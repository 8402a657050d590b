"""The ``history`` command line: output, exit codes, one-line errors without tracebacks."""

from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import pytest

from mit_desktop.cli import history as cli
from mit_desktop.history.store import HistoryStore


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(data_dir: Path) -> dict[str, int]:
    with HistoryStore.open() as store:
        ann = store.create_profile("Ann")
        bea = store.create_profile("Bea", "client")
        now = store.clock()
        p1 = store.log_manual_practice(ann, "nesting-doll-1", now - 86_400_000, 1_200_000)
        store.record_check_in(p1, "before", mood=4)
        store.record_check_in(p1, "after", mood=7)
        store.log_manual_practice(bea, "bam-1", now - 3_600_000, 180_000)
    return {"ann": ann, "bea": bea, "p1": p1}


def test_register_adds_history_to_an_existing_parser() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    args = parser.parse_args(["history", "export", "--format", "csv", "-o", "x.zip"])
    assert callable(args.func) and args.output == Path("x.zip") and args.format == "csv"


def test_list_json_per_profile(filled: dict[str, int], capsys) -> None:
    code, out, err = run(["history", "list", "--profile", "ann", "--json"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["id"], r["profile"], r["session_id"]) for r in rows] == [
        (filled["p1"], "Ann", "nesting-doll-1")]


def test_list_text_shows_every_profile_separately(filled: dict[str, int], capsys) -> None:
    code, out, _ = run(["history", "list"], capsys)
    assert code == 0
    assert "Ann (caregiver): 1 practices" in out and "Bea (client): 1 practices" in out
    assert "20:00" in out  # heard 20 minutes


def test_stats_json(filled: dict[str, int], capsys) -> None:
    code, out, _ = run(["history", "stats", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["Ann"]["totals"]["practices"] == 1
    assert data["Ann"]["totals"]["listened_ms"] == 1_200_000
    assert data["Ann"]["mood_trend"][0]["mean_mood_change"] == 3
    assert data["Bea"]["totals"]["listened_ms"] == 180_000
    code, out, _ = run(["history", "stats", "--profile", "Bea"], capsys)
    assert code == 0 and out.startswith("Bea\n") and "Ann" not in out
    # the weekly aim counts full program practices only (honest dose)
    assert set(data["Ann"]["this_week_dose"]) >= {"full", "partial", "bam", "quiet", "other",
                                                   "target", "met_target"}
    assert "full practices (minimum 2" in out
    weeks = data["Ann"]["weeks"]
    assert all("full_practices" in w for w in weeks)
    assert not any(w["met_minimum"] for w in weeks if w["full_practices"] < 2)


def test_export_json_to_stdout_by_default(filled: dict[str, int], capsys) -> None:
    code, out, err = run(["history", "export", "--profile", "ann"], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert list(document) == ["profile", "practices", "body_maps", "measures"]
    assert document["profile"] == {"name": "Ann", "kind": "caregiver"}
    [practice] = document["practices"]
    assert practice["session_id"] == "nesting-doll-1" and practice["listened_ms"] == 1_200_000
    assert practice["session_title"] is None  # "nesting-doll-1" is no session of ours
    assert [(c["phase"], c["mood"]) for c in practice["checkins"]] == [("before", 4), ("after", 7)]
    code, out, _ = run(["history", "export", "--format", "json", "--profile", "Bea"], capsys)
    assert [p["session_id"] for p in json.loads(out)["practices"]] == ["bam-1"]


def test_export_to_files(filled: dict[str, int], capsys, tmp_path: Path) -> None:
    out = tmp_path / "ann.json"
    code, stdout, _ = run(["history", "export", "--profile", "Ann", "-o", str(out)], capsys)
    assert code == 0 and str(out) in stdout
    assert json.loads(out.read_text())["practices"][0]["session_id"] == "nesting-doll-1"
    code, _, _ = run(["history", "export", "--profile", "Ann", "-o", str(tmp_path / "a.zip")],
                     capsys)
    assert code == 0 and zipfile.is_zipfile(tmp_path / "a.zip")
    folder = tmp_path / "ann-csv"
    code, _, err = run(["history", "export", "--format", "csv", "--profile", "Ann", "-o",
                        str(folder)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["body_maps.csv", "checkins.csv",
                                                        "measures.csv", "practices.csv",
                                                        "reflections.csv"]


def test_export_with_one_profile_needs_no_name(data_dir: Path, capsys) -> None:
    code, out, _ = run(["history", "export"], capsys)
    assert code == 0 and json.loads(out) == {"practices": []}
    with HistoryStore.open() as store:
        ann = store.create_profile("Ann")
        store.log_manual_practice(ann, "bam-1", store.clock() - 3_600_000, 180_000)
    code, out, _ = run(["history", "export"], capsys)
    assert code == 0 and len(json.loads(out)["practices"]) == 1


def test_backup_then_restore(filled: dict[str, int], capsys) -> None:
    code, out, _ = run(["history", "backup"], capsys)
    assert code == 0
    backup = Path(out.split(": ", 1)[1].strip())
    assert backup.exists()
    with HistoryStore.open() as store:
        store.create_profile("Cat")
    code, out, err = run(["history", "restore", backup.name], capsys)
    assert code == 0, err
    with HistoryStore.open() as store:
        assert [p.name for p in store.list_profiles()] == ["Ann", "Bea"]
    code, out, _ = run(["history", "backup", "--list"], capsys)
    assert "pre-restore" in out and "manual" in out


def test_restore_recovers_from_a_damaged_database(filled: dict[str, int], capsys) -> None:
    from mit_desktop import paths

    run(["history", "backup"], capsys)
    paths.database_path().write_bytes(b"garbage" * 1000)
    code, _, err = run(["history", "list"], capsys)
    assert code == 1
    assert "damaged" in err and "restore it" in err and "Traceback" not in err
    newest = sorted((paths.data_dir() / "backups").glob("*.sqlite3"))[-1]
    code, _, err = run(["history", "restore", str(newest)], capsys)
    assert code == 0, err
    code, out, _ = run(["history", "list", "--json"], capsys)
    assert len(json.loads(out)) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["history", "list", "--profile", "Nobody"], "no profile called 'Nobody'"),
        (["history", "export", "--profile", "Ann", "-o", "/nonexistent/x.json"], "does not exist"),
        (["history", "export", "--profile", "Ann", "-o", "x.txt"], "--format json"),
        (["history", "export", "--profile", "Ann", "-o", "x.csv"], "one file per table"),
        (["history", "export", "--format", "csv", "--profile", "Ann"], "-o FILE.zip"),
        (["history", "export"], "choose one with --profile NAME"),
        (["history", "export", "--profile", "Nobody"], "no profile called 'Nobody'"),
        (["history", "restore", "no-such-backup.sqlite3"], "no backup"),
        (["history", "list", "--limit", "0"], "--limit"),
    ],
)
def test_user_errors_exit_1_with_one_line(filled, capsys, argv: list[str], message: str) -> None:
    code, out, err = run(argv, capsys)
    assert code == 1
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_second_instance_message(filled, capsys) -> None:
    with HistoryStore.open():
        code, _, err = run(["history", "region", "GB", "--profile", "Ann"], capsys)
        assert code == 1 and "already running" in err  # a writer waits
        code, out, err = run(["history", "list"], capsys)
        assert code == 0 and "Ann" in out, err  # a reader reads alongside


def test_usage_errors_exit_2(data_dir: Path, capsys) -> None:
    assert run(["history"], capsys)[0] == 2
    assert run(["history", "export", "--format", "xml"], capsys)[0] == 2
    assert run(["history", "frobnicate"], capsys)[0] == 2
