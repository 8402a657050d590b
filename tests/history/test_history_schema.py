"""Migrations: applied in order and recorded, older databases upgraded after a backup,
newer databases refused untouched, pragmas set."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from mit_desktop import paths
from mit_desktop.history import schema
from mit_desktop.history.errors import NewerDatabaseError
from mit_desktop.history.store import HistoryStore


def test_new_database_has_every_step_recorded_in_order(store: HistoryStore) -> None:
    assert schema.applied_steps(store.db) == schema.known_steps()
    assert schema.known_steps()[:2] == ["m001_initial", "m002_drafts"]
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.known_steps())
    tables = set(store.db.table_names())
    assert {"profiles", "practices", "check_ins", "reflections", "body_maps", "drafts"} <= tables


def test_connection_is_wal_full_sync_with_foreign_keys(store: HistoryStore) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_store_uses_the_data_folder_from_paths(data_dir: Path, store: HistoryStore) -> None:
    assert store.path == paths.database_path()
    assert store.path.parent == data_dir


def _old_database(path: Path) -> None:
    """A database as the first release left it: only the first step applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    schema.MIGRATIONS.apply(db, stop_before="m002_drafts")
    db.execute("INSERT INTO profiles (name, kind, created_ms) VALUES ('Old', 'caregiver', 1)")
    db.close()


def test_older_database_is_backed_up_then_migrated(data_dir: Path) -> None:
    path = paths.database_path()
    _old_database(path)
    with HistoryStore.open() as store:
        assert schema.applied_steps(store.db) == schema.known_steps()
        assert "drafts" in store.db.table_names()
        assert [p.name for p in store.list_profiles()] == ["Old"]
        backups = store.list_backups()
    assert [b.reason for b in backups] == ["pre-migration"]
    with sqlite3.connect(backups[0].path) as old:
        steps = [r[0] for r in old.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert steps == ["m001_initial"]
        assert old.execute("SELECT name FROM profiles").fetchall() == [("Old",)]


def test_current_database_is_not_backed_up_at_open(data_dir: Path) -> None:
    HistoryStore.open().close()
    with HistoryStore.open() as store:
        assert store.list_backups() == []


def test_newer_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    HistoryStore.open().close()
    path = paths.database_path()
    db = Database(path)
    db["_sqlite_migrations"].insert(
        {"migration_set": schema.MIGRATION_SET, "name": "m999_from_the_future",
         "applied_at": "2030-01-01"}
    )
    db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerDatabaseError) as raised:
        HistoryStore.open()
    assert "newer version" in str(raised.value)
    assert "m999_from_the_future" in str(raised.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    # the lock was released: after the refusal, nothing is held
    with pytest.raises(NewerDatabaseError):
        HistoryStore.open()


def test_newer_user_version_alone_is_refused(data_dir: Path) -> None:
    HistoryStore.open().close()
    with sqlite3.connect(paths.database_path()) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(NewerDatabaseError):
        HistoryStore.open()


def _database_at_version(path: Path, version: int) -> None:
    """A database as a release with the first ``version`` steps left it, with data in it.

    The rows use only the first step's columns, so they are valid in every version.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    known = schema.known_steps()
    if version:
        stop = known[version] if version < len(known) else None
        schema.MIGRATIONS.apply(db, stop_before=stop)
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO profiles (name, kind, created_ms) VALUES ('Old', 'caregiver', 1)")
        db.execute(
            "INSERT INTO practices (profile_id, session_id, session_hash, mode, source, status, "
            "started_ms, utc_offset_min, ended_ms, position_ms, listened_ms) "
            "VALUES (1, 'bam', 'h', 'hands-free', 'player', 'completed', 1000, 60, 2000, 900, 800)")
        db.execute("INSERT INTO check_ins (practice_id, phase, recorded_ms, mood) "
                   "VALUES (1, 'before', 1000, 4)")
        db.execute("INSERT INTO reflections (practice_id, reflection_key, note, saved_ms) "
                   "VALUES (1, 'felt', 'warm', 1500)")
        db.execute("INSERT INTO body_maps (profile_id, practice_id, created_ms, utc_offset_min, "
                   "data) VALUES (1, 1, 1500, 60, x'00')")
    db.close()


@pytest.mark.parametrize("version", range(len(schema.known_steps())))
def test_every_earlier_schema_version_migrates_forward_keeping_its_data(
        data_dir: Path, version: int) -> None:
    path = paths.database_path()
    _database_at_version(path, version)
    with HistoryStore.open() as store:
        assert schema.applied_steps(store.db) == schema.known_steps()
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(
            schema.known_steps())
        assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        backups = store.list_backups()
        if version == 0:
            assert store.list_profiles() == [] and backups == []
            return
        [profile] = store.list_profiles()
        [practice] = store.list_practices(profile.id)
        assert (practice.session_id, practice.position_ms, practice.listened_ms) == ("bam", 900,
                                                                                    800)
        assert [r.note for r in store.reflections(practice.id)] == ["warm"]
        assert [c.mood for c in store.check_ins(practice.id)] == [4]
        # and the migrated database works like a new one
        new = store.start_practice(profile.id, "bam", "h2", "interactive")
        store.save_draft(new, "felt", "still warm")
    assert [b.reason for b in backups] == ["pre-migration"]
    with sqlite3.connect(backups[0].path) as old:
        assert old.execute("SELECT count(*) FROM _sqlite_migrations").fetchone() == (version,)
