"""A take made ready: leading and trailing silence trimmed, loudness matched by the clip
measure to the narration's level."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from recording.synthetic import RATE, recording, room, speech_like

from mit_desktop.recording.trim import KEEP_AFTER_MS, KEEP_BEFORE_MS, TakeProblem, prepare_take
from mit_desktop.render.levels import VOICE_LUFS, VOICE_PEAK_LIMIT
from mit_desktop.render.loudness import loudness_lufs


def write(path: Path, audio: np.ndarray) -> Path:
    sf.write(str(path), audio, RATE, subtype="PCM_16")
    return path


def test_silence_is_trimmed_to_the_voice_with_a_margin(tmp_path: Path) -> None:
    raw = write(tmp_path / "raw.wav", recording([("pause", 1200), ("voice", 2000),
                                                  ("pause", 1700)]))
    prepared = prepare_take(raw, tmp_path / "p001.wav")
    assert prepared.trimmed_start_ms == pytest.approx(1200 - KEEP_BEFORE_MS, abs=10)
    assert prepared.duration_ms == pytest.approx(2000 + KEEP_BEFORE_MS + KEEP_AFTER_MS, abs=20)
    data, rate = sf.read(str(prepared.path), dtype="float32")
    assert rate == RATE and data.ndim == 1


@pytest.mark.parametrize("voice_dbfs", [-38.0, -26.0, -12.0])
def test_a_take_is_brought_to_the_narration_level_by_the_one_loudness_measure(
        tmp_path: Path, voice_dbfs: float) -> None:
    raw = write(tmp_path / "raw.wav", recording([("pause", 500), ("voice", 3000),
                                                  ("pause", 500)], voice_dbfs=voice_dbfs))
    prepared = prepare_take(raw, tmp_path / "p001.wav")
    data, _ = sf.read(str(prepared.path), dtype="float32")
    assert pyloudnorm.Meter(RATE).integrated_loudness(data) == pytest.approx(VOICE_LUFS, abs=0.3)
    assert prepared.loudness_lufs == pytest.approx(VOICE_LUFS, abs=0.1)


def test_a_peaky_take_is_limited_by_its_peak(tmp_path: Path) -> None:
    audio = recording([("pause", 500), ("voice", 3000), ("pause", 500)], voice_dbfs=-30.0)
    audio[RATE] = 0.9  # one click far above the voice
    prepared = prepare_take(write(tmp_path / "raw.wav", audio), tmp_path / "p001.wav")
    data, _ = sf.read(str(prepared.path), dtype="float32")
    assert np.max(np.abs(data)) <= VOICE_PEAK_LIMIT + 1e-3
    assert loudness_lufs(data, RATE) < VOICE_LUFS - 3


def test_a_take_with_nothing_heard_is_refused_and_nothing_written(tmp_path: Path) -> None:
    raw = write(tmp_path / "raw.wav", room(3000))
    with pytest.raises(TakeProblem, match="Nothing was heard"):
        prepare_take(raw, tmp_path / "p001.wav")
    assert not (tmp_path / "p001.wav").exists()


def test_the_loudness_measure_ignores_the_pauses(tmp_path: Path) -> None:
    voice = speech_like(2000, -26.0)
    with_pauses = np.concatenate([room(3000), voice, room(3000)])
    # within a dB of the voice alone; an average over the pauses would be 6 dB under it
    assert loudness_lufs(with_pauses, RATE) == pytest.approx(loudness_lufs(voice, RATE), abs=1.0)
