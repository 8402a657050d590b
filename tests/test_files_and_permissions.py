"""Full disk, permissions, leftovers: private folders under any umask, private rotated
logs, no profile names in logs, the profile's words in `play`, a clear message for a
full disk, and no half-written files left behind by a killed run.

Real processes and real files; the full disk is a real 2 MiB tmpfs (needs root).
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

TINY = """+++
id = "tiny-words"
title = "Tiny words"
[variables]
loved_one = "the person you care for"
+++

# Only

Think of {loved_one} for a moment.
"""


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["MIT_AUDIO_BACKEND"] = "null"
    env.update(extra)
    return env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_folder_made_under_umask_000_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _env(HOME=str(home))
    for name in ("MIT_DESKTOP_DATA_DIR", "MIT_DESKTOP_CACHE_DIR", "XDG_DATA_HOME",
                 "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env.pop(name, None)
    for argv in (["history", "list"], ["library"], ["voices"]):
        done = subprocess.run([sys.executable, "-c", "import os; os.umask(0); "
                               "from mit_desktop.cli import main; raise SystemExit(main())",
                               *argv], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    made = [p for p in home.rglob("*") if p.is_dir()]
    assert any(p.name == "mit-desktop" for p in made)
    assert {str(p.relative_to(home)): oct(_mode(p)) for p in made
            if _mode(p) != 0o700} == {}
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files and {str(p.relative_to(home)): oct(_mode(p)) for p in files
                      if _mode(p) & 0o077} == {}


def test_private_folders_and_their_new_parents_are_0700_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mit_desktop import paths

    monkeypatch.setenv("MIT_DESKTOP_CACHE_DIR", str(tmp_path / "a" / "b" / "cache"))
    old = os.umask(0)
    try:
        folder = paths.cache_dir()
        clips = paths.private_dir(folder / "clips" / "deeper")
    finally:
        os.umask(old)
    for path in (tmp_path / "a", tmp_path / "a" / "b", folder, folder / "clips", clips):
        assert _mode(path) == 0o700, path


def test_rotated_log_files_are_private(private_folders: Path) -> None:
    from mit_desktop import app

    old = os.umask(0o022)
    try:
        assert app.configure_logging() is None
        handler = next(h for h in logging.getLogger().handlers
                       if isinstance(h, app.PrivateRotatingFileHandler))
        logging.getLogger("test").warning("one line")
        handler.doRollover()
        logging.getLogger("test").warning("another line")
        handler.doRollover()
    finally:
        os.umask(old)
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    logs = sorted((private_folders / "logs").iterdir())
    assert [p.name for p in logs] == ["mit-desktop.log", "mit-desktop.log.1",
                                      "mit-desktop.log.2"]
    assert {p.name: oct(_mode(p)) for p in logs if _mode(p) != 0o600} == {}


def test_logging_to_a_full_disk_is_no_traceback(private_folders: Path, capfd) -> None:
    from mit_desktop import app

    assert app.configure_logging() is None
    handler = next(h for h in logging.getLogger().handlers
                   if isinstance(h, app.PrivateRotatingFileHandler))
    try:
        handler.stream = open("/dev/full", "w")  # every write: "No space left on device"
        logging.getLogger("test").warning("a line that cannot be written")
        handler.flush()
    finally:
        logging.basicConfig(force=True, handlers=[logging.NullHandler()])
    assert "Traceback" not in capfd.readouterr().err
    assert app.LOG_WRITE_FAILED


def test_play_uses_the_profiles_words_and_keeps_its_name_out_of_the_log(
        tmp_path: Path, shared_cache_dir: Path) -> None:
    from mit_desktop.history import HistoryStore

    data = tmp_path / "data"
    script = tmp_path / "tiny.session.md"
    script.write_text(TINY, encoding="utf-8")
    with HistoryStore.open(data / "history.sqlite3") as store:
        store.create_profile("Me")
        client = store.create_profile("Client Alma Jones", "client")
        store.set_variables(client, {"loved_one": "Grandpa Joe"})
    done = subprocess.run(
        [sys.executable, "-m", "mit_desktop", "-v", "play", str(script), "--backend", "null",
         "--profile", "Client Alma Jones"],
        env=_env(MIT_DESKTOP_DATA_DIR=str(data), MIT_DESKTOP_CACHE_DIR=str(shared_cache_dir)),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Think of Grandpa Joe for a moment." in done.stdout
    assert "the person you care for" not in done.stdout
    log_lines = [line for line in done.stderr.splitlines()
                 if line.split(" ", 1)[0] in ("DEBUG", "INFO", "WARNING", "ERROR")]
    assert log_lines  # -v logs
    assert [line for line in log_lines if "Alma" in line or "Grandpa" in line] == []


def test_clean_our_folders_removes_only_stale_partial_files(private_folders: Path) -> None:
    from mit_desktop import paths
    from mit_desktop.paths import clean_our_folders

    data = paths.data_dir()
    (data / "backups").mkdir()
    stale = [data / ".gui-state.json.x1y2.partial",
             data / "backups" / "history-20260101T000000000000Z-scheduled.sqlite3.partial",
             paths.cache_dir() / ".speech.abc.partial"]
    fresh = data / ".gui-state.json.z9.partial"  # another process is writing it right now
    mine = data / "notes.partial"  # not a name of ours
    for path in [*stale, fresh, mine]:
        path.write_bytes(b"x" * 100)
    old = time.time() - 3600
    for path in [*stale, mine]:
        os.utime(path, (old, old))
    removed = clean_our_folders()
    assert set(removed) >= set(stale)
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and mine.exists()


def test_render_to_a_full_disk_is_one_clear_line_and_leaves_nothing(
        tmp_path: Path, full_disk: Path, shared_cache_dir: Path) -> None:
    script = tmp_path / "long.session.md"
    script.write_text(TINY.replace("Think of", "[pause 60s]\nThink of"), encoding="utf-8")
    old = time.time() - 3600
    leftover = full_disk / ".out.wav.k1ll3d.partial"  # from a killed earlier render
    leftover.write_bytes(b"\0" * 1000)
    os.utime(leftover, (old, old))
    out = full_disk / "out.wav"
    done = subprocess.run(
        [sys.executable, "-m", "mit_desktop", "render", str(script), "-o", str(out)],
        env=_env(MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"),
                 MIT_DESKTOP_CACHE_DIR=str(shared_cache_dir)),
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "AssertionError" not in done.stderr
    assert "The disk is full" in done.stderr and str(out) in done.stderr
    assert list(full_disk.iterdir()) == []  # neither the old nor the new half-written file


def test_atomic_path_replaces_the_target_only_when_the_writer_finishes(tmp_path: Path) -> None:
    """The one atomic-write helper for writers that need a file name (PDFs, backups)."""
    import stat

    from mit_desktop.fsutil import atomic_path

    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("the printer failed")
    assert target.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".partial")
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and sorted(tmp_path.iterdir()) == [target]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_unwritable_cache_plays_without_caching_and_says_so_once(tmp_path: Path) -> None:
    script = tmp_path / "two.session.md"
    script.write_text(TINY.replace("Think of {loved_one} for a moment.",
                                   "Think of {loved_one} for a moment.\n\nBreathe out slowly."),
                      encoding="utf-8")
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "mit_desktop", "play", str(script), "--backend", "null",
         "--no-history"],
        env=_env(MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"),
                 MIT_DESKTOP_CACHE_DIR=str(not_a_folder)),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Breathe out slowly." in done.stdout  # it played to the end
    assert done.stderr.count("speech cache") == 1, done.stderr
    assert "Traceback" not in done.stderr
