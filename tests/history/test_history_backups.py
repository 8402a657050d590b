"""Backups: made with the backup API, rotated, listed, restored; damaged files kept aside."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from mit_desktop import paths
from mit_desktop.history import backups
from mit_desktop.history.errors import BackupError, CorruptDatabaseError
from mit_desktop.history.store import HistoryStore

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _names(store: HistoryStore) -> list[str]:
    return [p.name for p in store.list_profiles()]


def test_backup_includes_changes_still_in_the_wal(store: HistoryStore) -> None:
    # keep everything in the -wal file: a byte copy of the main file would miss it
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    store.create_profile("Ann")
    # what a byte copy of the main file would hold: not even the tables yet
    copy = store.path.with_name("copy.sqlite3")
    copy.write_bytes(store.path.read_bytes())
    copied = sqlite3.connect(copy)
    try:
        assert copied.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    finally:
        copied.close()
    backup = store.backup_now()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT name FROM profiles").fetchall() == [("Ann",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not Path(f"{backup}-wal").exists()
    assert backups.check_backup(backup) == "ok"


def test_backup_if_due_makes_one_per_day(store: HistoryStore) -> None:
    first = store.backup_if_due(NOW)
    assert first is not None
    assert store.backup_if_due(NOW + dt.timedelta(hours=23)) is None
    second = store.backup_if_due(NOW + dt.timedelta(hours=24))
    assert second is not None and second != first
    assert [b.path for b in store.list_backups()] == [second, first]
    assert all(b.reason == "scheduled" for b in store.list_backups())


def _info(created: dt.datetime, name: str) -> backups.BackupInfo:
    return backups.BackupInfo(Path(name), created, "scheduled", 1)


def test_rotation_keeps_daily_for_a_week_and_weekly_for_a_month() -> None:
    made = []
    for days_ago in range(0, 60):
        for hour in (1, 13):  # two a day
            created = NOW - dt.timedelta(days=days_ago) + dt.timedelta(hours=hour - 12)
            made.append(_info(created, f"b{days_ago}-{hour}"))
    doomed = {info.path for info in backups.backups_to_delete(made, NOW)}
    kept = [info for info in made if info.path not in doomed]
    # expected, computed from the rule directly
    newest = max(made, key=lambda i: i.created)
    daily = [i for i in made if NOW - i.created < dt.timedelta(days=7)]
    weekly = [i for i in made if dt.timedelta(days=7) <= NOW - i.created < dt.timedelta(days=31)]
    expected = {newest.path}
    for group_key, group in (
        (lambda i: i.created.date(), daily),
        (lambda i: i.created.isocalendar()[:2], weekly),
    ):
        best: dict[object, backups.BackupInfo] = {}
        for info in group:
            key = group_key(info)
            if key not in best or info.created > best[key].created:
                best[key] = info
        expected |= {info.path for info in best.values()}
    assert {info.path for info in kept} == expected
    assert len([i for i in kept if NOW - i.created < dt.timedelta(days=7)]) in (7, 8)
    assert all(NOW - i.created < dt.timedelta(days=31) for i in kept)


def test_rotation_never_deletes_the_only_backup() -> None:
    old = _info(NOW - dt.timedelta(days=400), "old")
    assert backups.backups_to_delete([old], NOW) == []


def test_rotate_deletes_files_on_disk(store: HistoryStore) -> None:
    for days_ago in (40, 3, 3, 0):
        store.backup_now("scheduled", NOW - dt.timedelta(days=days_ago, minutes=days_ago))
    assert len(store.list_backups()) == 4
    backups.rotate(store.backups_folder, NOW)
    remaining = store.list_backups()
    assert [NOW.date() - b.created.date() for b in remaining] == [
        dt.timedelta(0), dt.timedelta(days=3)]


def test_restore_replaces_history_after_backing_up_current(store: HistoryStore) -> None:
    store.create_profile("Ann")
    backup = store.backup_now("manual", NOW)
    store.create_profile("Bea")
    safety = store.restore_backup(backup, NOW + dt.timedelta(minutes=1))
    assert _names(store) == ["Ann"]
    with sqlite3.connect(safety) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT name FROM profiles")) == ["Ann", "Bea"]
    assert [b.reason for b in store.list_backups()] == ["pre-restore", "manual"]
    # the store goes on working, durably
    store.create_profile("Cat")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_refuses_a_damaged_backup(store: HistoryStore, tmp_path: Path) -> None:
    store.create_profile("Ann")
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError):
        store.restore_backup(bad)
    assert _names(store) == ["Ann"]


def _garbage_over(path: Path) -> bytes:
    size = path.stat().st_size
    garbage = (b"\xde\xad\xbe\xef" * (size // 4 + 1))[: max(size, 4096)]
    path.write_bytes(garbage)
    return garbage


def test_corrupt_database_is_kept_aside_and_newest_good_backup_offered(
    data_dir: Path, clock
) -> None:
    with HistoryStore.open(clock=clock) as store:
        store.create_profile("Ann")
        older = store.backup_now("scheduled", NOW - dt.timedelta(days=2))
        store.create_profile("Bea")
        newer = store.backup_now("scheduled", NOW - dt.timedelta(days=1))
        newest = store.backup_now("scheduled", NOW)
    _garbage_over(newest)  # the newest backup is damaged too: it must be skipped
    path = paths.database_path()
    garbage = _garbage_over(path)
    for _ in range(2):  # every start says so again, and changes nothing, until the user chooses
        with pytest.raises(CorruptDatabaseError) as raised:
            HistoryStore.open(clock=clock)
        error = raised.value
        assert error.newest_backup == newer
        assert path.read_bytes() == garbage
        assert str(newer) in str(error) and "Nothing has been changed" in str(error)
    # the user's choice: the damaged file is kept aside, the offered backup restored
    with HistoryStore.open(clock=clock, set_aside_damaged=True) as store:
        assert store.list_profiles() == []
        assert store.set_aside is not None and store.set_aside.read_bytes() == garbage
        assert store.set_aside.parent == data_dir
        assert store.restore_backup(error.newest_backup, keep_current=False) is None
        assert _names(store) == ["Ann", "Bea"]
    assert older.exists()


def test_partly_damaged_database_is_detected(data_dir: Path) -> None:
    with HistoryStore.open() as store:
        profile = store.create_profile("Ann")
        for _ in range(300):
            store.save_draft(store.start_practice(profile, "bam", "h" * 200, "hands-free"),
                             "k", "x" * 500)
    path = paths.database_path()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[3 * page: 5 * page] = b"\x00\xff" * page  # scribble over two pages, keep the header
    path.write_bytes(bytes(data))
    digest = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(CorruptDatabaseError) as raised:
        HistoryStore.open()
    assert raised.value.newest_backup is None
    assert "No good backup" in str(raised.value)
    with HistoryStore.open(set_aside_damaged=True) as store:
        assert hashlib.sha256(store.set_aside.read_bytes()).hexdigest() == digest


def test_moving_aside_never_overwrites_an_earlier_damaged_file(data_dir: Path, clock) -> None:
    moved = []
    for _ in range(2):
        with HistoryStore.open(clock=clock) as store:
            store.create_profile("Ann")
        _garbage_over(paths.database_path())
        with pytest.raises(CorruptDatabaseError):
            HistoryStore.open(clock=clock)
        with HistoryStore.open(clock=clock, set_aside_damaged=True) as store:
            moved.append(store.set_aside)  # same clock reading: same timestamp
    assert moved[0] != moved[1]
    assert all(path.exists() for path in moved)


def test_damaged_database_with_a_wal_is_moved_aside_byte_for_byte(data_dir: Path) -> None:
    """Checking must not checkpoint the -wal into the damaged file (that would change it)."""
    from history_helpers import run_child

    with HistoryStore.open() as store:
        profile = store.create_profile("Ann")
        for _ in range(200):
            store.save_draft(store.start_practice(profile, "bam", "h" * 200, "hands-free"),
                             "k", "x" * 500)
    child = (
        "import os, signal\nfrom mit_desktop.history.store import HistoryStore\n"
        "s = HistoryStore.open()\ns.conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "p = s.profile_by_name('Ann').id\n"
        "for _ in range(50):\n"
        "    s.save_draft(s.start_practice(p, 'x', 'h', 'hands-free'), 'k', 'y' * 900)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    assert run_child(child, data_dir).returncode < 0
    path = paths.database_path()
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    wal_bytes = wal.read_bytes()
    page_size = int.from_bytes(wal_bytes[8:12], "big")
    in_wal = {
        int.from_bytes(wal_bytes[offset: offset + 4], "big")
        for offset in range(32, len(wal_bytes), 24 + page_size)
    }
    data = bytearray(path.read_bytes())
    # damage pages the WAL does not replace (1-based page numbers)
    victims = [n for n in range(3, len(data) // page_size) if n not in in_wal][5:8]
    assert len(victims) == 3
    for n in victims:
        data[(n - 1) * page_size: n * page_size] = b"\x00\xff" * (page_size // 2)
    path.write_bytes(bytes(data))
    main_digest = hashlib.sha256(bytes(data)).hexdigest()
    wal_digest = hashlib.sha256(wal.read_bytes()).hexdigest()
    with pytest.raises(CorruptDatabaseError):
        HistoryStore.open()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == main_digest  # checking changed nothing
    with HistoryStore.open(set_aside_damaged=True) as store:
        moved = store.set_aside
    assert hashlib.sha256(moved.read_bytes()).hexdigest() == main_digest
    assert hashlib.sha256(Path(f"{moved}-wal").read_bytes()).hexdigest() == wal_digest


def test_backup_if_due_rotates_old_backups(store: HistoryStore) -> None:
    for days_ago in (45, 20, 19):
        store.backup_now("scheduled", NOW - dt.timedelta(days=days_ago))
    made = store.backup_if_due(NOW)
    remaining = [b.created for b in store.list_backups()]
    assert made is not None
    # 45 days: gone; 20 and 19 days ago fall in one ISO week: the newer is kept
    assert remaining == [NOW, NOW - dt.timedelta(days=19)]


def test_restore_refuses_a_backup_from_a_newer_version(store: HistoryStore) -> None:
    from mit_desktop.history import schema
    from mit_desktop.history.errors import NewerDatabaseError

    store.create_profile("Ann")
    backup = store.backup_now("manual", NOW)
    with sqlite3.connect(backup) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            (schema.MIGRATION_SET, "m999_future", "2030"),
        )
    conn.close()
    store.create_profile("Bea")
    with pytest.raises(NewerDatabaseError):
        store.restore_backup(backup)
    assert _names(store) == ["Ann", "Bea"]
    assert [b.reason for b in store.list_backups()] == ["manual"]  # nothing else happened
