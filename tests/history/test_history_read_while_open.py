"""Reading while the window is open: read-only commands work alongside the process that
holds the history (SQLite WAL readers); writers are still refused one at a time.

The "window" is a real child process that holds the store open and keeps writing; the
commands are the real ``mit-desktop`` in other processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from history_helpers import child_env

HOLDER = """
import sys, time
from mit_desktop.history.store import HistoryStore
s = HistoryStore.open()
ann = s.create_profile("Ann")
p = s.start_practice(ann, "bam", "h", "hands-free")
s.checkpoint(p, 60_000, 60_000)
s.save_reflection(p, "k1", prompt="What do you notice?", note="warm hands", rating=6)
s.finish_practice(p, True, 60_000, 60_000)
print("ready", flush=True)
n = 0
while not sys.stdin.closed and n < 2000:  # keeps writing, as a window does
    s.save_draft(s.start_practice(ann, "quiet-10", "h", "hands-free"), "k", "x" * 200)
    n += 1
    time.sleep(0.005)
    if n == 50:
        print("writing", flush=True)
s.close()
"""


@pytest.fixture
def window_open(data_dir: Path):
    child = subprocess.Popen([sys.executable, "-c", HOLDER], env=child_env(data_dir),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    assert child.stdout.readline().strip() == "writing"
    yield child
    child.kill()
    child.wait(timeout=30)


def mit(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mit_desktop", *argv],
                          env=child_env(data_dir), capture_output=True, text=True, timeout=120)


def test_read_only_commands_work_while_the_window_writes(
        data_dir: Path, window_open, tmp_path: Path) -> None:
    out = tmp_path / "ann.json"
    done = mit(data_dir, "history", "export", "-o", str(out))
    assert done.returncode == 0, done.stderr
    practices = json.loads(out.read_text())["practices"]
    assert practices[0]["session_id"] == "bam"
    assert practices[0]["reflections"][0]["note"] == "warm hands"
    zipped = tmp_path / "ann.zip"
    assert mit(data_dir, "history", "export", "-o", str(zipped)).returncode == 0
    assert "reflections.csv" in zipfile.ZipFile(zipped).namelist()
    listed = mit(data_dir, "history", "list", "--limit", "1")
    assert listed.returncode == 0 and "Ann (caregiver)" in listed.stdout
    stats = mit(data_dir, "history", "stats", "--json")
    assert stats.returncode == 0 and "Ann" in json.loads(stats.stdout)
    made = mit(data_dir, "history", "backup")
    assert made.returncode == 0, made.stderr
    assert len(mit(data_dir, "history", "backup", "--list").stdout.strip().splitlines()) == 1
    region = mit(data_dir, "history", "region")
    assert region.returncode == 0, region.stderr


def test_writers_are_still_refused_while_the_window_is_open(data_dir: Path, window_open) -> None:
    for argv in (["history", "region", "GB"], ["history", "start-new"]):
        done = mit(data_dir, *argv)
        assert done.returncode == 1 and "already running" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_reader_cannot_write(data_dir: Path, window_open) -> None:
    import sqlite3

    from mit_desktop.history.store import HistoryStore

    with HistoryStore.open_for_reading() as store:
        assert store.read_only
        assert [p.name for p in store.list_profiles()] == ["Ann"]
        with pytest.raises(sqlite3.OperationalError):
            store.create_profile("Bea")
