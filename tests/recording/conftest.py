"""Fixtures the recording tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from recording.arriving_script import SCRIPT


@pytest.fixture
def script(tmp_path: Path) -> Path:
    """The short script `SCRIPT`, saved as a therapist's own script in a folder of its own."""
    path = tmp_path / "mine" / "my-arriving.session.md"
    path.parent.mkdir()
    path.write_text(SCRIPT, encoding="utf-8")
    return path
