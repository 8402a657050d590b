"""Bell strikes: level, envelope, inharmonic partials, decay, determinism, errors.

Expectations are computed here from the samples (spectra, windowed RMS, fitted
decay rates), not read back from the module's recipe tables.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from mit_desktop.render.bells import (
    BELL_NAMES,
    BELL_STRIKE_INTERVAL_MS,
    DEFAULT_BELL,
    bell_ring_ms,
    bell_strike,
)

RATE = 22_050


def _spectral_peaks(x: np.ndarray, rate: int, floor_db: float = -50.0) -> list[tuple[float, float]]:
    """(frequency Hz, level dB re strongest) of the distinct peaks above `floor_db`.

    Greedy: take the strongest bin, blank +-8 % around it (a beating pair is one
    partial), repeat. Returned sorted by frequency.
    """
    spectrum = np.abs(np.fft.rfft(x.astype(np.float64) * np.hanning(x.size)))
    freqs = np.fft.rfftfreq(x.size, 1.0 / rate)
    level = 20 * np.log10(spectrum / spectrum.max() + 1e-300)
    level[freqs < 40] = -np.inf
    peaks = []
    while True:
        i = int(np.argmax(level))
        if level[i] < floor_db:
            break
        peaks.append((float(freqs[i]), float(level[i])))
        level[np.abs(freqs - freqs[i]) <= 0.08 * freqs[i]] = -np.inf
    return sorted(peaks)


def _band_decay_db_per_s(x: np.ndarray, rate: int, f: float, t_end: float) -> float:
    """Least-squares decay rate (dB/s) of the energy within +-4 % of `f` from 50 ms to t_end."""
    frame, hop = 2048, 256
    window = np.hanning(frame)
    freqs = np.fft.rfftfreq(frame, 1.0 / rate)
    band = np.abs(freqs - f) <= max(0.04 * f, 2 * rate / frame)
    times, levels = [], []
    for start in range(int(0.05 * rate), int(t_end * rate) - frame, hop):
        seg = x[start : start + frame].astype(np.float64) * window
        energy = np.sum(np.abs(np.fft.rfft(seg))[band] ** 2)
        times.append((start + frame / 2) / rate)
        levels.append(10 * np.log10(energy + 1e-300))
    slope = np.polyfit(np.array(times), np.array(levels), 1)[0]
    return float(-slope)


def test_names_include_bowl_chime_and_soft_with_bowl_the_default() -> None:
    assert {"bowl", "chime", "soft"} <= set(BELL_NAMES)
    assert DEFAULT_BELL == "bowl"


def test_every_bell_a_script_may_name_can_be_rendered() -> None:
    from mit_desktop.session import vocabulary

    assert set(vocabulary.BELL_NAMES) <= set(BELL_NAMES)
    assert vocabulary.DEFAULT_BELL == DEFAULT_BELL


@pytest.mark.parametrize("name", BELL_NAMES)
@pytest.mark.parametrize("rate", [16_000, RATE, 44_100])
def test_strike_is_float32_mono_with_peak_exactly_one(name: str, rate: int) -> None:
    x = bell_strike(name, rate)
    assert x.dtype == np.float32
    assert x.ndim == 1
    assert np.max(np.abs(x)) == 1.0
    assert np.all(np.isfinite(x))


@pytest.mark.parametrize("name", BELL_NAMES)
@pytest.mark.parametrize("rate", [16_000, RATE, 44_100])
def test_length_matches_bell_ring_ms(name: str, rate: int) -> None:
    expected = bell_ring_ms(name) * rate // 1000  # every ring length is a whole ms count
    assert bell_strike(name, rate).size == expected


def test_ring_lengths_suit_each_instrument() -> None:
    assert 7000 <= bell_ring_ms("bowl") <= 9000
    assert 3500 <= bell_ring_ms("chime") <= 4500
    assert 2000 <= bell_ring_ms("soft") <= 3000
    assert isinstance(BELL_STRIKE_INTERVAL_MS, int)
    assert 2000 <= BELL_STRIKE_INTERVAL_MS <= 10_000


@pytest.mark.parametrize("name", BELL_NAMES)
def test_strike_starts_at_zero_without_a_click_and_peaks_promptly(name: str) -> None:
    x = bell_strike(name, RATE).astype(np.float64)
    assert abs(x[0]) < 1e-3
    assert np.max(np.abs(x[:5])) < 0.02  # no step to a large value in the first samples
    assert np.max(np.abs(x[: RATE // 1000])) < 0.5  # the rise takes at least about 1 ms
    reached_half = int(np.argmax(np.abs(x) >= 0.5))
    assert reached_half < 0.06 * RATE  # no leading silence: loud within 60 ms


@pytest.mark.parametrize("name", BELL_NAMES)
def test_strike_ends_in_silence(name: str) -> None:
    x = bell_strike(name, RATE)
    assert np.max(np.abs(x[-RATE // 100 :])) < 1e-3  # last 10 ms below -60 dB
    assert abs(float(x[-1])) < 1e-4


@pytest.mark.parametrize("name", BELL_NAMES)
def test_energy_decays_window_by_window_after_the_attack(name: str) -> None:
    x = bell_strike(name, RATE).astype(np.float64)
    tail = x[int(np.argmax(np.abs(x))) :]
    windows = np.array_split(tail, 8)
    rms = np.array([np.sqrt(np.mean(w**2)) for w in windows])
    assert np.all(np.diff(rms) < 0), rms
    assert rms[-1] < 0.05 * rms[0]


@pytest.mark.parametrize("name", BELL_NAMES)
def test_partials_are_inharmonic(name: str) -> None:
    # the first second: the timbre of the strike, while the upper partials still sound
    peaks = _spectral_peaks(bell_strike(name, RATE)[:RATE], RATE)
    assert len(peaks) >= 4, peaks
    lowest = peaks[0][0]
    ratios = [f / lowest for f, _ in peaks[1:]]
    off_integer = [r for r in ratios if abs(r - round(r)) > 0.1]
    assert len(off_integer) >= 3, ratios
    # and it is not a harmonic tone with a weak sub-partial: the lowest peak is the strongest
    assert max(peaks, key=lambda p: p[1])[0] == lowest


@pytest.mark.parametrize("name", BELL_NAMES)
def test_higher_partials_decay_faster(name: str) -> None:
    x = bell_strike(name, RATE)
    peaks = _spectral_peaks(x[:RATE], RATE)[:4]
    t_end = 0.7 * bell_ring_ms(name) / 1000
    rates = [_band_decay_db_per_s(x, RATE, f, t_end) for f, _ in peaks]
    assert all(r > 0 for r in rates), rates
    assert np.all(np.diff(rates) > 0), list(zip([f for f, _ in peaks], rates))


def test_bowl_partials_beat() -> None:
    """A bowl wobbles: the second partial's level rises and falls by a few dB."""
    x = bell_strike("bowl", RATE).astype(np.float64)
    peaks = _spectral_peaks(x, RATE)
    f2 = peaks[1][0]
    frame, hop = 4096, 256
    freqs = np.fft.rfftfreq(frame, 1.0 / RATE)
    band = np.abs(freqs - f2) <= 0.04 * f2
    levels = []
    for start in range(0, int(4.0 * RATE), hop):
        seg = x[start : start + frame] * np.hanning(frame)
        levels.append(10 * np.log10(np.sum(np.abs(np.fft.rfft(seg))[band] ** 2)))
    levels_arr = np.array(levels)
    t = np.arange(levels_arr.size) * hop / RATE
    detrended = levels_arr - np.polyval(np.polyfit(t, levels_arr, 1), t)
    assert np.ptp(detrended[20:]) > 3.0


def test_soft_chime_is_gentle_compared_with_the_bright_chime() -> None:
    def rise_ms(x: np.ndarray) -> float:
        return float(np.argmax(np.abs(x) >= 0.5) / RATE * 1000)

    def share_above_2k(x: np.ndarray) -> float:
        head = x[: RATE // 10].astype(np.float64)
        power = np.abs(np.fft.rfft(head * np.hanning(head.size))) ** 2
        freqs = np.fft.rfftfreq(head.size, 1.0 / RATE)
        return float(power[freqs > 2000].sum() / power.sum())

    soft, chime = bell_strike("soft", RATE), bell_strike("chime", RATE)
    assert rise_ms(soft) >= 10.0
    assert rise_ms(soft) > 3 * rise_ms(chime)
    assert share_above_2k(soft) < 0.01
    assert share_above_2k(chime) > 0.05


@pytest.mark.parametrize("name", BELL_NAMES)
def test_strike_is_memoized_and_read_only(name: str) -> None:
    x = bell_strike(name, RATE)
    assert bell_strike(name, RATE) is x
    assert not x.flags.writeable
    with pytest.raises(ValueError):
        x[0] = 0.5


def test_strikes_are_identical_in_a_fresh_process() -> None:
    code = (
        "import hashlib, sys\n"
        "from mit_desktop.render.bells import BELL_NAMES, bell_strike\n"
        "for n in BELL_NAMES:\n"
        "    print(n, hashlib.sha256(bell_strike(n, 22050).tobytes()).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fresh = dict(line.split() for line in out.stdout.splitlines())
    here = {n: hashlib.sha256(bell_strike(n, RATE).tobytes()).hexdigest() for n in BELL_NAMES}
    assert fresh == here


def test_different_bells_sound_different() -> None:
    lows = {name: _spectral_peaks(bell_strike(name, RATE), RATE)[0][0] for name in BELL_NAMES}
    assert len({round(f) for f in lows.values()}) == len(BELL_NAMES)


@pytest.mark.parametrize("bad", ["gong", "", "Bowl"])
def test_unknown_bell_name_is_a_value_error_listing_the_names(bad: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        bell_strike(bad, RATE)
    for name in BELL_NAMES:
        assert name in str(excinfo.value)
    with pytest.raises(ValueError):
        bell_ring_ms(bad)


@pytest.mark.parametrize("rate", [0, -22_050, 22_050.0])
def test_bad_sample_rate_is_a_value_error(rate: object) -> None:
    with pytest.raises(ValueError):
        bell_strike("bowl", rate)  # type: ignore[arg-type]
