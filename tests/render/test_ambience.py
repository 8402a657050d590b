"""Ambience loops: level, seamless wrap, character, determinism, errors.

The seam checks compare the wrap point with every other point of the loop: a
loop is seamless when the wrap does not stand out, by sample step or by the
short-time level and spectrum of a window straddling it. The checks are first
shown to catch real seams (a level jump, a phase jump, a click).
"""

from __future__ import annotations

import hashlib
import itertools
import subprocess
import sys

import numpy as np
import pytest

from mit_desktop.render.ambience import (
    AMBIENCE_LOOP_MS,
    AMBIENCE_NAMES,
    PITCHED,
    ambience_loop,
    unpitched_loop,
)

RATE = 22_050
_OCTAVE_EDGES_HZ = (125, 250, 500, 1000, 2000, 4000, 8000)


def _f64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _wrap_step_is_typical(loop: np.ndarray) -> bool:
    """The step loop[-1] -> loop[0] is no larger than the loop's 99.5th-percentile step."""
    x = _f64(loop)
    return bool(abs(x[0] - x[-1]) <= np.percentile(np.abs(np.diff(x)), 99.5))


def _straddle_outlier_scores(loop: np.ndarray, rate: int) -> tuple[float, np.ndarray]:
    """How unlike its neighbors the window straddling the wrap is, and the same for all windows.

    The loop is rotated so the wrap sits in the middle, cut into 4096-sample
    windows on a grid with one window centered on the wrap; each window gets
    octave-band levels and a broadband level in dB (over a floor 60 dB below the
    mean window power, so near-empty bands do not count as noise). A window's
    deviation is the difference between its levels and the mean of its two
    neighbors'; its score is the RMS over bands of that deviation in units of
    the band's median |deviation| over the loop (noisy bands count for less).
    Returns (score at the wrap, scores of every other window).
    """
    x = _f64(loop)
    n = x.size
    frame, hop = 4096, 2048
    y = np.roll(x, n // 2)  # y[n//2] is loop[0]: the wrap is between y[n//2 - 1] and y[n//2]
    first = (n // 2 - frame // 2) % hop
    starts = np.arange(first, n - frame, hop)
    freqs = np.fft.rfftfreq(frame, 1.0 / rate)
    window = np.hanning(frame)
    edges = [e for e in _OCTAVE_EDGES_HZ if e < rate / 2]
    rows = []
    for s in starts:
        power = np.abs(np.fft.rfft(y[s : s + frame] * window)) ** 2
        bands = [power[(freqs >= lo) & (freqs < hi)].sum() for lo, hi in itertools.pairwise(edges)]
        rows.append([*bands, power.sum()])
    powers = np.array(rows)
    levels = 10 * np.log10(powers + 1e-6 * powers[:, -1].mean())
    deviation = levels[1:-1] - (levels[:-2] + levels[2:]) / 2
    spread = np.median(np.abs(deviation), axis=0) + 0.1  # each band's typical deviation, dB
    scores = np.sqrt(np.mean((deviation / spread) ** 2, axis=1))
    wrap_index = int(np.flatnonzero(starts == n // 2 - frame // 2)[0]) - 1
    return float(scores[wrap_index]), np.delete(scores, wrap_index)


def _wrap_window_is_typical(loop: np.ndarray, rate: int) -> bool:
    at_wrap, elsewhere = _straddle_outlier_scores(loop, rate)
    return bool(at_wrap <= np.percentile(elsewhere, 99))


def _envelope_db(x: np.ndarray, rate: int, frame_s: float) -> np.ndarray:
    frame = int(frame_s * rate)
    usable = _f64(x)[: x.size // frame * frame].reshape(-1, frame)
    levels: np.ndarray = 10 * np.log10(np.mean(usable**2, axis=1) + 1e-20)
    return levels


def _power_share(x: np.ndarray, rate: int, lo: float, hi: float) -> float:
    power = np.abs(np.fft.rfft(_f64(x))) ** 2
    freqs = np.fft.rfftfreq(x.size, 1.0 / rate)
    return float(power[(freqs >= lo) & (freqs < hi)].sum() / power.sum())


# ---------------------------------------------------------------- contract


def test_names_include_stream_rain_ocean_and_drone() -> None:
    assert {"stream", "rain", "ocean", "drone"} <= set(AMBIENCE_NAMES)


def test_every_ambience_a_script_may_name_can_be_rendered() -> None:
    from mit_desktop.session import vocabulary

    assert set(vocabulary.AMBIENCE_NAMES) <= set(AMBIENCE_NAMES)


@pytest.mark.parametrize("name", AMBIENCE_NAMES)
@pytest.mark.parametrize("rate", [16_000, RATE, 44_100])
def test_loop_is_float32_mono_at_rms_one_tenth(name: str, rate: int) -> None:
    x = ambience_loop(name, rate)
    assert x.dtype == np.float32 and x.ndim == 1
    assert x.size == AMBIENCE_LOOP_MS * rate // 1000
    assert 30 * rate <= x.size <= 40 * rate
    assert np.sqrt(np.mean(_f64(x) ** 2)) == pytest.approx(0.1, rel=1e-5)


@pytest.mark.parametrize("name", AMBIENCE_NAMES)
def test_loop_has_no_dc_offset_and_no_clipping(name: str) -> None:
    x = _f64(ambience_loop(name, RATE))
    assert abs(np.mean(x)) < 1e-4
    assert _power_share(x, RATE, 0.0, 15.0) < 0.001  # nor a slow wander below hearing
    assert np.all(np.isfinite(x))
    assert np.max(np.abs(x)) < 0.7  # headroom: at least 3 dB below full scale


@pytest.mark.parametrize("name", AMBIENCE_NAMES)
def test_loop_is_memoized_and_read_only(name: str) -> None:
    x = ambience_loop(name, RATE)
    assert ambience_loop(name, RATE) is x
    assert not x.flags.writeable
    with pytest.raises(ValueError):
        x[0] = 0.0


def test_loops_are_identical_in_a_fresh_process() -> None:
    code = (
        "import hashlib\n"
        "from mit_desktop.render.ambience import AMBIENCE_NAMES, ambience_loop\n"
        "for n in AMBIENCE_NAMES:\n"
        "    print(n, hashlib.sha256(ambience_loop(n, 22050).tobytes()).hexdigest())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fresh = dict(line.split() for line in out.stdout.splitlines())
    here = {n: hashlib.sha256(ambience_loop(n, RATE).tobytes()).hexdigest() for n in AMBIENCE_NAMES}
    assert fresh == here


def test_loops_differ_from_one_another() -> None:
    hashes = {hashlib.sha256(ambience_loop(n, RATE).tobytes()).hexdigest() for n in AMBIENCE_NAMES}
    assert len(hashes) == len(AMBIENCE_NAMES)


@pytest.mark.parametrize("bad", ["forest", "", "Rain"])
def test_unknown_ambience_is_a_value_error_listing_the_names(bad: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        ambience_loop(bad, RATE)
    for name in AMBIENCE_NAMES:
        assert name in str(excinfo.value)


@pytest.mark.parametrize("rate", [0, 4000, 22_050.0])
def test_bad_sample_rate_is_a_value_error(rate: object) -> None:
    with pytest.raises(ValueError):
        ambience_loop("rain", rate)  # type: ignore[arg-type]


# ---------------------------------------------------------------- seamless wrap


@pytest.mark.parametrize("name", AMBIENCE_NAMES)
@pytest.mark.parametrize("rate", [16_000, RATE])
def test_wrap_step_is_no_larger_than_typical_steps(name: str, rate: int) -> None:
    assert _wrap_step_is_typical(ambience_loop(name, rate))


@pytest.mark.parametrize("name", AMBIENCE_NAMES)
@pytest.mark.parametrize("rate", [16_000, RATE])
def test_window_straddling_the_wrap_matches_its_neighbors(name: str, rate: int) -> None:
    assert _wrap_window_is_typical(ambience_loop(name, rate), rate)


def test_seam_checks_catch_a_level_jump() -> None:
    """Ocean cut from a trough back to a crest: the straddling window stands out."""
    x = _f64(ambience_loop("ocean", RATE))
    env = _envelope_db(x, RATE, 0.5)
    crest, trough = int(np.argmax(env)) * RATE // 2, int(np.argmin(env)) * RATE // 2
    rotated = np.roll(x, -crest)  # starts at the crest
    cut = rotated[: (trough - crest) % x.size]  # ends at the trough
    assert not _wrap_window_is_typical(cut, RATE)


@pytest.mark.parametrize("short_by", [555, 1234, 3333])
def test_seam_checks_catch_a_phase_jump(short_by: int) -> None:
    """The drone cut short: its tones jump in phase at the wrap.

    The sample step alone can miss it (cut 1234 samples short, the two samples
    happen to be close), the kink still spreads energy into empty bands.
    """
    x = ambience_loop("drone", RATE)[:-short_by]
    assert not _wrap_window_is_typical(x, RATE)


def test_seam_checks_catch_a_click() -> None:
    """The drone with a small click in its last sample: both checks flag it."""
    x = _f64(ambience_loop("drone", RATE)).copy()
    x[-1] += 0.3
    assert not _wrap_step_is_typical(x)
    assert not _wrap_window_is_typical(x, RATE)


def test_seam_checks_catch_a_drop_out() -> None:
    """Rain whose last 50 ms went silent: the window straddling the wrap stands out."""
    x = _f64(ambience_loop("rain", RATE)).copy()
    x[-int(0.05 * RATE) :] = 0.0
    assert not _wrap_window_is_typical(x, RATE)


# ---------------------------------------------------------------- character


def test_ocean_swells_every_eight_to_twelve_seconds_a_whole_number_of_times_per_loop() -> None:
    x = ambience_loop("ocean", RATE)
    frame_s = 0.1
    env = _envelope_db(x, RATE, frame_s)
    assert np.percentile(env, 90) - np.percentile(env, 10) > 6.0  # a real swell, not a ripple
    e = env - env.mean()
    ac = np.fft.irfft(np.abs(np.fft.rfft(e)) ** 2, e.size)  # circular: the loop repeats
    ac /= ac[0]
    lags = np.arange(e.size) * frame_s
    search = (lags >= 5.0) & (lags <= 15.0)
    period = float(lags[search][np.argmax(ac[search])])
    assert 8.0 <= period <= 12.0
    assert ac[search].max() > 0.5
    waves = x.size / RATE / period
    assert abs(waves - round(waves)) < 0.1


@pytest.mark.parametrize("name", ["rain", "stream"])
def test_rain_and_stream_are_steady(name: str) -> None:
    env = _envelope_db(ambience_loop(name, RATE), RATE, 1.0)
    assert np.percentile(env, 90) - np.percentile(env, 10) < 2.5  # the ocean's is about 8


def test_rain_is_broadband_hiss_with_droplet_ticks() -> None:
    x = _f64(ambience_loop("rain", RATE))
    assert _power_share(x, RATE, 2000.0, RATE / 2) > 0.3
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(x.size, 1.0 / RATE) < 2000.0] = 0.0
    high = np.fft.irfft(spectrum, x.size)
    kurtosis = np.mean(high**4) / np.mean(high**2) ** 2
    assert kurtosis > 3.5  # impulsive: Gaussian hiss alone would give 3


def test_stream_sits_in_the_midrange_and_babbles() -> None:
    x = _f64(ambience_loop("stream", RATE))
    assert _power_share(x, RATE, 200.0, 5000.0) > 0.8
    # babbling: the level of a narrow band around 650 Hz wanders several dB within seconds
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1.0 / RATE)
    spectrum[(freqs < 560) | (freqs > 760)] = 0.0
    band_env = _envelope_db(np.fft.irfft(spectrum, x.size), RATE, 0.1)
    assert np.percentile(band_env, 90) - np.percentile(band_env, 10) > 4.0


def test_ocean_is_mostly_low_frequency() -> None:
    x = ambience_loop("ocean", RATE)
    assert _power_share(x, RATE, 0.0, 1000.0) > 0.6


def test_drone_is_a_low_tonal_chord() -> None:
    x = _f64(ambience_loop("drone", RATE))
    assert _power_share(x, RATE, 60.0, 700.0) > 0.95
    power = np.abs(np.fft.rfft(x)) ** 2
    strongest = np.sort(power)[::-1]
    assert strongest[:200].sum() / power.sum() > 0.99  # a few tones, not noise
    # and several distinct pitches (a chord): spectral peaks below 400 Hz at least 20 Hz apart
    freqs = np.fft.rfftfreq(x.size, 1.0 / RATE)
    peaks: list[float] = []
    for i in np.argsort(power)[::-1][:200]:
        if freqs[i] < 400 and all(abs(freqs[i] - p) > 20 for p in peaks):
            peaks.append(float(freqs[i]))
    assert len(peaks) >= 3


def _tone_share(x: np.ndarray) -> float:
    """Share of the power in the 200 strongest FFT bins: near 1 for a few tones, small for noise."""
    power = np.abs(np.fft.rfft(_f64(x))) ** 2
    return float(np.sort(power)[::-1][:200].sum() / power.sum())


def test_the_drone_is_the_pitched_bed() -> None:
    assert PITCHED == frozenset({"drone"})


def test_unpitched_drone_keeps_the_loops_contract_and_colour_without_its_tones() -> None:
    tones, wash = ambience_loop("drone", RATE), unpitched_loop("drone", RATE)
    assert wash.dtype == np.float32 and wash.shape == tones.shape and not wash.flags.writeable
    assert np.sqrt(np.mean(_f64(wash) ** 2)) == pytest.approx(0.1, rel=1e-4)
    assert abs(float(np.mean(wash))) < 1e-6 and np.max(np.abs(wash)) < 0.6
    assert unpitched_loop("drone", RATE) is wash  # memoized
    assert _tone_share(tones) > 0.99 and _tone_share(wash) < 0.05  # its chord is gone
    for lo, hi in ((60.0, 250.0), (250.0, 700.0), (700.0, 2000.0)):  # the same colour
        assert _power_share(wash, RATE, lo, hi) == pytest.approx(_power_share(tones, RATE, lo, hi), abs=0.05)
    with pytest.raises(ValueError, match="known ambiences"):
        unpitched_loop("wind", RATE)
