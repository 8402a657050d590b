"""Fixtures: a private temporary data folder, a controllable clock, an open store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from history_helpers import FakeClock

from mit_desktop.history.store import HistoryStore


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
    opened = HistoryStore.open(clock=clock, tz=dt.UTC)
    yield opened
    opened.close()
