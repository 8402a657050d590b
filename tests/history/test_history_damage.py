"""A damaged, foreign, empty or unusable history: never silently replaced, one clear message.

Real SQLite files in a temporary data folder; the command-line cases run the real
``mit-desktop`` in a child process, so a traceback anywhere (logging set-up
included) would show on its stderr.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from history_helpers import child_env

from mit_desktop import paths
from mit_desktop.history import backups
from mit_desktop.history.errors import (
    BackupError,
    CorruptDatabaseError,
    UnusableHistoryError,
)
from mit_desktop.history.store import HistoryStore

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


def _drop_root_powers() -> None:
    """In the child: keep uid 0 but drop, from the bounding set (so the program run next
    never gets them back), the capabilities that override file permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), so it meets another user's or
    read-only files and folders as an ordinary user does."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in (1, 2, 3):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def mit(data_dir: Path, *argv: str, as_other_user: bool = False
        ) -> subprocess.CompletedProcess[str]:
    """Run ``mit-desktop ARGV`` in a child process (without root's powers over files if
    ``as_other_user``)."""
    kwargs = {}
    if as_other_user:
        kwargs["preexec_fn"] = _drop_root_powers
    return subprocess.run([sys.executable, "-m", "mit_desktop", *argv],
                          env=child_env(data_dir, HOME=str(data_dir.parent)),
                          capture_output=True, text=True, timeout=120, **kwargs)


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "no message"
    return result.stderr


def _history_with(names: list[str]) -> None:
    with HistoryStore.open() as store:
        for name in names:
            store.create_profile(name)


def _names(store: HistoryStore) -> list[str]:
    return [p.name for p in store.list_profiles()]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- an empty (0-byte) history file ---------------------------------------------------


def test_empty_history_file_with_a_backup_is_not_silently_started_again(data_dir: Path) -> None:
    with HistoryStore.open() as store:
        store.create_profile("Ann")
        backup = store.backup_now("scheduled", NOW)
    path = paths.database_path()
    path.write_bytes(b"")
    for _ in range(2):  # every start, until the user chooses
        with pytest.raises(CorruptDatabaseError) as raised:
            HistoryStore.open()
        assert raised.value.newest_backup == backup
        assert "empty" in str(raised.value)
        assert path.stat().st_size == 0
    with HistoryStore.open(set_aside_damaged=True) as store:
        store.restore_backup(backup, keep_current=False)
        assert _names(store) == ["Ann"]
        assert store.set_aside is not None and store.set_aside.stat().st_size == 0


def test_empty_history_file_without_any_backup_simply_starts(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    paths.database_path().write_bytes(b"")
    with HistoryStore.open() as store:
        assert store.list_profiles() == []


# -- damaged schema text, a foreign SQLite file ----------------------------------------


def _damage_schema_text(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, 'note TEXT', 'nota TEXT') "
                 "WHERE name = 'reflections'")
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.commit()
    conn.close()


def test_damaged_schema_text_is_damage_not_a_traceback_later(data_dir: Path) -> None:
    _history_with(["Ann"])
    path = paths.database_path()
    _damage_schema_text(path)
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(CorruptDatabaseError) as raised:
        HistoryStore.open()
    assert "changed table reflections" in str(raised.value)
    err = one_clear_line(mit(data_dir, "history", "list"))
    assert "cannot be used" in err and "history start-new" in err


def test_a_foreign_sqlite_file_is_refused_unchanged_and_not_migrated(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = paths.database_path()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(CorruptDatabaseError) as raised:
        HistoryStore.open()
    assert "not an MIT Desktop practice history" in str(raised.value)
    assert _digest(path) == before
    assert backups.list_backups(data_dir / "backups") == []
    one_clear_line(mit(data_dir, "history", "stats"))
    assert _digest(path) == before


# -- restore checks that the file is a history of ours ---------------------------------


def _with_extra(backup: Path, statement: str) -> Path:
    conn = sqlite3.connect(backup)
    conn.execute(statement)
    conn.commit()
    conn.close()
    return backup


@pytest.mark.parametrize("statement, word", [
    ("CREATE TRIGGER no_notes BEFORE INSERT ON reflections BEGIN "
     "SELECT RAISE(ABORT, 'nope'); END", "trigger no_notes"),
    ("CREATE VIEW everything AS SELECT * FROM profiles", "view everything"),
])
def test_restore_refuses_a_backup_with_an_extra_trigger_or_view(
        store: HistoryStore, statement: str, word: str) -> None:
    store.create_profile("Ann")
    backup = _with_extra(store.backup_now("manual", NOW), statement)
    store.create_profile("Bea")
    with pytest.raises(BackupError) as raised:
        store.restore_backup(backup)
    assert word in str(raised.value)
    assert _names(store) == ["Ann", "Bea"]
    assert [b.reason for b in store.list_backups()] == ["manual"]  # nothing else written


def test_restore_refuses_a_foreign_sqlite_file(store: HistoryStore, tmp_path: Path) -> None:
    store.create_profile("Ann")
    foreign = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError) as raised:
        store.restore_backup(foreign)
    assert "not an MIT Desktop practice history" in str(raised.value)
    assert _names(store) == ["Ann"]


def test_cli_restore_over_a_damaged_history_keeps_it_and_works(data_dir: Path) -> None:
    with HistoryStore.open() as store:
        store.create_profile("Ann")
        backup = store.backup_now("scheduled", NOW)
    path = paths.database_path()
    path.write_bytes(b"\xde\xad" * 3000)
    err = one_clear_line(mit(data_dir, "history", "list"))
    assert f"history restore {backup.name}" in err
    result = mit(data_dir, "history", "restore", backup.name)
    assert result.returncode == 0, result.stderr
    kept = [p for p in data_dir.iterdir() if p.name.startswith("history-damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"\xde\xad" * 3000
    assert str(kept[0]) in result.stdout
    listed = mit(data_dir, "history", "list")
    assert listed.returncode == 0 and "Ann" in listed.stdout


def test_cli_start_new_keeps_the_damaged_file(data_dir: Path) -> None:
    _history_with(["Ann"])
    paths.database_path().write_bytes(b"\x00\x01" * 3000)
    result = mit(data_dir, "history", "start-new")
    assert result.returncode == 0, result.stderr
    assert any(p.name.startswith("history-damaged-") for p in data_dir.iterdir())
    assert mit(data_dir, "history", "list").stdout.strip() == "No profiles yet."
    # on a good history it refuses and changes nothing
    one_clear_line(mit(data_dir, "history", "start-new"))


# -- a history that cannot be used at all ------------------------------------------------


def test_history_file_that_is_a_folder(data_dir: Path) -> None:
    paths.database_path().mkdir(parents=True)
    with pytest.raises(UnusableHistoryError) as raised:
        HistoryStore.open()
    assert "is a folder" in str(raised.value)
    for argv in (["history", "list"], ["play", "bam"]):
        err = one_clear_line(mit(data_dir, *argv))
        assert "is a folder" in err


def test_history_file_that_is_a_link_to_a_device(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    paths.database_path().symlink_to("/dev/null")
    with pytest.raises(UnusableHistoryError) as raised:
        HistoryStore.open()
    assert "device" in str(raised.value)
    assert "device" in one_clear_line(mit(data_dir, "history", "backup"))


NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0,
                                reason="run as root to meet another user's folder")


@needs_root
def test_data_folder_of_another_user(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    os.chown(data_dir, NOBODY, NOBODY)  # someone else's, readable but not writable by us
    err = one_clear_line(mit(data_dir, "history", "list", as_other_user=True))
    assert "cannot be written" in err
    err = one_clear_line(mit(data_dir, "play", "bam", as_other_user=True))
    assert "cannot be written" in err and "--no-history" in err


@needs_root
def test_read_only_history_file(data_dir: Path) -> None:
    _history_with(["Ann"])
    for name in ("history.sqlite3", "history.lock"):
        (data_dir / name).chmod(0o400)
    os.chown(data_dir / "history.sqlite3", NOBODY, NOBODY)
    os.chown(data_dir, NOBODY, NOBODY)
    err = one_clear_line(mit(data_dir, "history", "list", as_other_user=True))
    assert "cannot be written" in err


def test_a_live_history_with_an_added_trigger_is_refused_before_notes_fail(
        data_dir: Path) -> None:
    _history_with(["Ann"])
    path = paths.database_path()
    _with_extra(path, "CREATE TRIGGER no_notes BEFORE INSERT ON reflections BEGIN "
                      "SELECT RAISE(ABORT, 'nope'); END")
    before = _digest(path)
    with pytest.raises(CorruptDatabaseError) as raised:
        HistoryStore.open()
    assert "extra trigger no_notes" in str(raised.value)
    assert _digest(path) == before
