"""Shared test set-up: no test touches the real user folders; Qt runs headless."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL_AUDIO = SHARED / "testing" / "real-audio"
FORMAT_DOC = SHARED / "design" / "session-format.md"


@pytest.fixture(scope="session")
def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole run, so real Piper speech is synthesised once per sentence."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, shared_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(data))
    monkeypatch.setenv("MIT_DESKTOP_CACHE_DIR", str(shared_cache_dir))
    monkeypatch.setenv("MIT_AUDIO_BACKEND", os.environ.get("MIT_AUDIO_BACKEND_FOR_TESTS", "null"))
    return data


@pytest.fixture(scope="session")
def format_doc_example() -> str:
    """The example script from the format document, as therapists will read it."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    match = re.search(r"```\n(\+\+\+\n.*?)```", text, re.S)
    assert match, "the format document's example was not found"
    return match.group(1)
