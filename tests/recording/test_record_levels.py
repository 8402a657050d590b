"""The live level: peak and RMS in dBFS per block, and the too-quiet / clipping warnings."""

from __future__ import annotations

import numpy as np
import pytest
from recording.synthetic import RATE, room, speech_like

from mit_desktop.recording.levels import (
    BLOCK_MS,
    CLIP_HOLD_MS,
    CLIPPING,
    OK,
    QUIET_WINDOW_MS,
    SILENCE_DBFS,
    TOO_QUIET,
    LevelWatch,
    block_level,
)

BLOCK = RATE * BLOCK_MS // 1000


def feed(watch: LevelWatch, audio: np.ndarray, start_ms: int = 0):
    states = []
    for i in range(len(audio) // BLOCK):
        states.append(watch.feed(block_level(audio[i * BLOCK:(i + 1) * BLOCK],
                                             start_ms + i * BLOCK_MS, RATE)))
    return states


def test_a_sine_at_half_scale_reads_minus_6_peak_and_minus_9_rms() -> None:
    t = np.arange(BLOCK) / RATE
    level = block_level((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32), 0, RATE)
    assert level.length_ms == BLOCK_MS
    assert level.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert level.rms_dbfs == pytest.approx(-9.03, abs=0.01)


def test_digital_silence_reads_the_floor_not_minus_infinity() -> None:
    level = block_level(np.zeros(BLOCK, dtype=np.float32), 0, RATE)
    assert level.peak_dbfs == level.rms_dbfs == SILENCE_DBFS


def test_ordinary_speech_gives_no_warning() -> None:
    states = feed(LevelWatch(), speech_like(6000, -24.0))
    assert {s.warning for s in states} == {OK}


def test_speech_far_below_the_narration_warns_too_quiet_after_the_window() -> None:
    states = feed(LevelWatch(), speech_like(6000, -48.0))
    first_warning = next(i for i, s in enumerate(states) if s.warning == TOO_QUIET)
    assert (first_warning + 1) * BLOCK_MS == QUIET_WINDOW_MS
    assert states[-1].warning == TOO_QUIET


def test_pauses_between_sentences_do_not_warn_too_quiet() -> None:
    audio = np.concatenate([speech_like(1500, -24.0), room(1500), speech_like(1500, -24.0),
                            room(1500)])
    assert TOO_QUIET not in {s.warning for s in feed(LevelWatch(), audio)}


def test_a_clipped_burst_warns_clipping_and_the_warning_stays_a_while() -> None:
    audio = speech_like(4000, -24.0)
    start = RATE  # at 1 s, 20 ms at full scale
    audio[start:start + RATE // 50] = 1.0
    states = feed(LevelWatch(), audio)
    clipping = [s.level.start_ms for s in states if s.warning == CLIPPING]
    assert clipping[0] == 1000
    assert clipping[-1] >= 1000 + CLIP_HOLD_MS - 2 * BLOCK_MS
    assert states[-1].warning == OK
    assert states[-1].max_peak_dbfs == pytest.approx(0.0, abs=0.01)
