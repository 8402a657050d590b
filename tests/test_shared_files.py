"""A missing shared folder is named in one sentence, not a bare FileNotFoundError."""

from __future__ import annotations

from pathlib import Path

import pytest
import shared_files


def test_a_missing_real_audio_set_fails_plainly(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(shared_files, "REAL_AUDIO", tmp_path / "real-audio")
    with pytest.raises(pytest.fail.Exception, match="real-world audio set is missing"):
        shared_files.real_audio("test1.mp3")


def test_present_files_are_found() -> None:
    assert shared_files.real_audio("test1.mp3").is_file()
    assert shared_files.format_doc().is_file()
