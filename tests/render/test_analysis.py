from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from mit_desktop.render.analysis import _runs_ms
from mit_desktop.render.loudness import LoudnessMeter


@pytest.mark.parametrize("rate", [22_050, 44_100, 48_000])
def test_loudness_matches_an_independent_bs1770_implementation(rate: int) -> None:
    rng = np.random.default_rng(7)
    t = np.arange(rate * 12) / rate
    audio = 0.2 * np.sin(2 * np.pi * 440 * t) * (t < 4) + 0.02 * rng.standard_normal(len(t))
    audio[rate * 6: rate * 8] = 0.0  # a silent stretch the gate must drop
    meter = LoudnessMeter(rate)
    for start in range(0, len(audio), 9_999):  # odd block size: state must carry over
        meter.feed(audio[start:start + 9_999])
    expected = pyloudnorm.Meter(rate).integrated_loudness(audio)
    assert meter.lufs() == pytest.approx(expected, abs=0.2)


def test_a_full_scale_1k_sine_reads_about_minus_3_lufs() -> None:
    rate = 48_000
    audio = np.sin(2 * np.pi * 997 * np.arange(rate * 5) / rate)
    meter = LoudnessMeter(rate)
    meter.feed(audio)
    assert meter.lufs() == pytest.approx(-3.01, abs=0.1)  # BS.1770's calibration point


def test_silence_has_no_loudness() -> None:
    meter = LoudnessMeter(22_050)
    meter.feed(np.zeros(22_050 * 3))
    assert meter.lufs() == float("-inf")


def test_quiet_runs_carry_across_blocks() -> None:
    quiet = np.array([1, 1, 0, 1, 1, 1], dtype=bool)
    assert _runs_ms(quiet, 1, 0) == (3, 3)
    assert _runs_ms(np.array([1, 1, 0], dtype=bool), 1, 3) == (5, 0)
