"""Helpers shared by the history tests (imported by name: ``from history_helpers import …``)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: 2026-03-02 12:00 UTC, a Monday
START_MS = int(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC).timestamp() * 1000)


class FakeClock:
    """Epoch milliseconds that only move when a test moves them."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process using ``data_dir`` and this checkout."""
    env = dict(os.environ)
    env["MIT_DESKTOP_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_child(code: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python process using ``data_dir``; return its result."""
    return subprocess.run(
        [sys.executable, "-c", code], env=child_env(data_dir), capture_output=True, text=True,
        timeout=60,
    )
