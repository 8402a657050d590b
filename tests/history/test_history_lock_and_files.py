"""One process per data folder, and private files: 0600 files, 0700 folders."""

from __future__ import annotations

import stat
import textwrap
from pathlib import Path

import pytest
from history_helpers import run_child

from mit_desktop.history.errors import AlreadyRunningError
from mit_desktop.history.export import export
from mit_desktop.history.store import HistoryStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_second_open_in_same_process_is_refused(store: HistoryStore) -> None:
    with pytest.raises(AlreadyRunningError) as raised:
        HistoryStore.open()
    assert "already running" in str(raised.value)


def test_second_process_is_refused_while_first_is_open(store: HistoryStore, data_dir: Path) -> None:
    code = textwrap.dedent(
        """
        from mit_desktop.history.store import HistoryStore
        from mit_desktop.history.errors import AlreadyRunningError
        try:
            HistoryStore.open()
        except AlreadyRunningError as exc:
            print("refused:", exc)
        else:
            print("opened")
        """
    )
    result = run_child(code, data_dir)
    assert result.stdout.startswith("refused: MIT Desktop is already running"), result.stderr
    # and the first instance still works
    assert store.create_profile("Still fine") > 0


def test_lock_is_released_on_close(data_dir: Path) -> None:
    HistoryStore.open().close()
    HistoryStore.open().close()


def test_lock_is_released_when_a_process_is_killed(data_dir: Path) -> None:
    code = "import os, signal\nfrom mit_desktop.history.store import HistoryStore\n" \
           "HistoryStore.open()\nos.kill(os.getpid(), signal.SIGKILL)\n"
    result = run_child(code, data_dir)
    assert result.returncode < 0
    HistoryStore.open().close()


def test_database_and_companions_are_private(store: HistoryStore, data_dir: Path) -> None:
    profile = store.create_profile("Ann")
    store.start_practice(profile, "bam", "h", "hands-free")
    wal = Path(f"{store.path}-wal")
    shm = Path(f"{store.path}-shm")
    assert wal.exists() and shm.exists()
    assert _mode(data_dir) == 0o700
    for path in (store.path, wal, shm, data_dir / "history.lock"):
        assert _mode(path) == 0o600, path


def test_backups_and_exports_are_private(store: HistoryStore, tmp_path: Path) -> None:
    profile = store.create_profile("Ann")
    backup = store.backup_now()
    assert _mode(store.backups_folder) == 0o700
    assert _mode(backup) == 0o600
    outputs = (export(store, profile, "csv", tmp_path / "ann")
               + export(store, profile, "csv", tmp_path / "ann.zip")
               + export(store, profile, "json", tmp_path / "ann.json"))
    assert len(outputs) == 7  # five tables (body maps included) in a folder, a zip, a JSON file
    assert _mode(tmp_path / "ann") == 0o700
    for path in outputs:
        assert _mode(path) == 0o600, path


def test_permissive_umask_still_gives_private_files(data_dir: Path) -> None:
    import os

    old = os.umask(0)
    try:
        with HistoryStore.open() as store:
            store.create_profile("Ann")
            backup = store.backup_now()
            for path in (store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm"), backup):
                assert _mode(path) == 0o600, path
    finally:
        os.umask(old)
