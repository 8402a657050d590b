"""Fixtures: a private temporary data folder, a controllable clock, an open store."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mit_desktop.history.store import HistoryStore

REPO = Path(__file__).resolve().parents[2]
#: 2026-03-02 12:00 UTC, a Monday
START_MS = int(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone.utc).timestamp() * 1000)


class FakeClock:
    """Epoch milliseconds that only move when a test moves them."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(clock=clock, tz=dt.timezone.utc)
    yield opened
    opened.close()


def run_child(code: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python process using ``data_dir``; return its result."""
    env = dict(os.environ)
    env["MIT_DESKTOP_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
