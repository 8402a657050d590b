"""`mit-desktop play` says what a practice trains before the first practice of its module,
as the window does (a real process, the real player on the null backend)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mit_desktop.content.module_training import load_module_training

REPO = Path(__file__).resolve().parent.parent
SCRIPT = """+++
id = "my-eye"
title = "My eye in the center"
module = "eye-center"
+++

# Start

Rest here.
"""


def _play(script: Path, data: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MIT_DESKTOP_DATA_DIR=str(data), MIT_DESKTOP_CACHE_DIR=str(cache),
               MIT_AUDIO_BACKEND="null",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "mit_desktop", "play", str(script),
                           "--backend", "null", "--profile", "Ann"], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_the_first_practice_of_a_module_says_what_it_trains(tmp_path: Path,
                                                            shared_cache_dir: Path) -> None:
    script = tmp_path / "my-eye.session.md"
    script.write_text(SCRIPT, encoding="utf-8")
    trains = load_module_training()["eye-center"].trains
    first = _play(script, tmp_path / "data", shared_cache_dir)
    assert first.returncode == 0, first.stderr
    assert f"What this practice trains: {trains}" in first.stdout
    again = _play(script, tmp_path / "data", shared_cache_dir)
    assert again.returncode == 0, again.stderr
    assert "What this practice trains" not in again.stdout  # heard once: not again
