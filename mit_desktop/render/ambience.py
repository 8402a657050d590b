# Over 400 lines: four loop recipes sharing the exactly-periodic synthesis helpers.
"""Program-made ambience loops: stream, rain, ocean and a warm drone.

Every loop is built to be *exactly periodic* in its length, so playing it end
to start over and over has no seam at all (there is nothing to crossfade):

- noise is made in the frequency domain: a random spectrum with the wanted
  shape on the bins of the loop's own length, turned into samples by one
  inverse FFT, is periodic in that length by construction;
- slow movements (babbling, swells, drifting levels) are periodic control
  signals: random spectra on whole numbers of cycles per loop (made at a low
  control rate and interpolated with wrap-around), or bumps placed on a circle;
- short events (bubbles, rain drops) are added at circular positions, so one
  that starts near the end finishes at the start;
- tones have whole numbers of cycles per loop (frequencies rounded to a
  multiple of 1 / loop length, 0.028 Hz for 36 s: inaudible).

Contract of :func:`ambience_loop`: a read-only float32 mono array of
``AMBIENCE_LOOP_MS * sample_rate // 1000`` samples, mean 0, RMS 0.1 (-20 dBFS;
the engine sets the playing level), peak below about 0.6. The same (name, rate)
always gives the same samples (seeded generator) and the same array (memoized).

Qt-free: numpy only.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable

import numpy as np

log = logging.getLogger(__name__)

#: Length of every ambience loop, in milliseconds (a whole number of ocean waves).
AMBIENCE_LOOP_MS = 36_000
#: RMS of every loop (linear; 0.1 is -20 dBFS).
AMBIENCE_RMS = 0.1

_LOOP_S = AMBIENCE_LOOP_MS / 1000
_CONTROL_RATE = 200  # Hz: slow control signals are made at this rate, then interpolated
_OCEAN_WAVES_PER_LOOP = 4  # one swell every 9 s
# at RMS 0.1, peaks are bent above 0.4 (-8 dBFS) toward 0.6 (-4.4 dBFS); the final
# renormalization to RMS 0.1 moves that by well under 1 %
_LIMIT_KNEE = 0.4
_LIMIT_CEILING = 0.6


def _loop_samples(sample_rate: int) -> int:
    return AMBIENCE_LOOP_MS * sample_rate // 1000


def ambience_loop_samples(sample_rate: int) -> int:
    """Length of every loop in samples at `sample_rate` Hz."""
    _check_rate(sample_rate)
    return _loop_samples(sample_rate)


def _check_rate(sample_rate: int) -> None:
    if not isinstance(sample_rate, int) or isinstance(sample_rate, bool) or sample_rate < 8000:
        raise ValueError(f"sample rate must be an integer of at least 8000 Hz, not {sample_rate!r}")


# ---------------------------------------------------------------- building blocks


def _white(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random complex64 spectrum for n real samples (white, Gaussian).

    Noise is made in single precision throughout: the FFT is about three times
    faster and 24-bit precision is far below anything audible.
    """
    bins = n // 2 + 1
    spectrum = np.empty(bins, dtype=np.complex64)
    spectrum.real = rng.standard_normal(bins, dtype=np.float32)
    spectrum.imag = rng.standard_normal(bins, dtype=np.float32)
    return spectrum


def _shaped(
    white: np.ndarray, n: int, rate: float, gain: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Periodic noise of n samples: `white` shaped by gain(freq in Hz), at unit RMS, no DC.

    Bands taken from one `white` spectrum are independent where they do not overlap.
    """
    spectrum = white * gain(np.fft.rfftfreq(n, 1.0 / rate).astype(np.float32))
    spectrum[0] = 0.0
    x = np.fft.irfft(spectrum, n)
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return x / np.float32(rms) if rms > 0 else x


def _noise(
    rng: np.random.Generator, n: int, rate: float, gain: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Periodic noise of n samples whose amplitude spectrum follows gain(freq in Hz); unit RMS."""
    return _shaped(_white(rng, n), n, rate, gain)


def _band(lo: float, hi: float, order: float = 2.0) -> Callable[[np.ndarray], np.ndarray]:
    """Amplitude response of a smooth band-pass from `lo` to `hi` Hz (Butterworth-like)."""

    def gain(f: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", over="ignore"):
            high_pass = 1.0 / np.sqrt(1.0 + (lo / np.maximum(f, 1e-9)) ** (2 * order))
        low_pass = 1.0 / np.sqrt(1.0 + (f / hi) ** (2 * order))
        response: np.ndarray = high_pass * low_pass
        return response

    return gain


def _control(rng: np.random.Generator, lo_hz: float, hi_hz: float) -> np.ndarray:
    """A random, smooth control signal at the control rate, periodic in the loop, unit std."""
    return _noise(rng, int(_LOOP_S * _CONTROL_RATE), _CONTROL_RATE, _band(lo_hz, hi_hz, 3.0))


def _to_audio_rate(control: np.ndarray, n: int) -> np.ndarray:
    """Interpolate a periodic control signal to n samples, wrapping at the end."""
    m = control.size
    positions = np.arange(n) * (m / n)
    wrapped = np.append(control, control[0])
    out: np.ndarray = np.interp(positions, np.arange(m + 1), wrapped).astype(np.float32)
    return out


def _scatter(n: int, starts: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Add each row of `events` into n samples at its start, wrapping around the end."""
    length = events.shape[1]
    out = np.zeros(n + length, dtype=np.float32)
    for start, event in zip(starts.tolist(), events, strict=True):
        out[start : start + length] += event
    out[:length] += out[n:]  # what ran past the end sounds at the start
    return out[:n]


def _pings(
    rng: np.random.Generator,
    n: int,
    rate: int,
    count: int,
    freq_hz: tuple[float, float],
    tau_s: tuple[float, float],
    onset_s: float,
    amplitude: np.ndarray,
    glide: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """`count` short decaying sines (drops, bubbles) at random places around the loop; unit RMS.

    Each has a frequency and decay time drawn uniformly from the given ranges,
    a linear onset of `onset_s`, a pitch that rises by `glide` (relative, per
    decay time) and lasts 4 decay times of the slowest, with a raised-cosine
    taper over its last third so it ends at exactly zero.
    """
    length = int(4 * tau_s[1] * rate)
    t = (np.arange(length) / rate).astype(np.float32)
    f = rng.uniform(*freq_hz, count).astype(np.float32)[:, None]
    tau = rng.uniform(*tau_s, count).astype(np.float32)[:, None]
    rise = rng.uniform(*glide, count).astype(np.float32)[:, None]
    phase = np.float32(2 * math.pi) * f * (t + rise * t * t / (2 * tau))
    shape = np.minimum(np.float32(1.0), t / np.float32(onset_s))
    taper = length // 3
    shape[length - taper :] *= (0.5 + 0.5 * np.cos(np.linspace(0.0, math.pi, taper))).astype(
        np.float32
    )
    events = amplitude.astype(np.float32)[:, None] * shape * np.exp(-t / tau) * np.sin(phase)
    out = _scatter(n, rng.integers(0, n, count), events)
    return out / np.float32(math.sqrt(float(np.mean(np.square(out, dtype=np.float64)))))


# ---------------------------------------------------------------- the sounds


def _stream(rng: np.random.Generator, n: int, rate: int) -> np.ndarray:
    """Water over stones: a bed of band-passed noise, babbling bands, and bubbles."""
    nyq = rate / 2
    bed = _noise(rng, n, rate, _band(250.0, min(4500.0, 0.45 * rate), 1.0))
    # babbling: narrow bands whose levels wander independently (0.4-3 Hz), log-normally
    white = _white(rng, n)
    babble = np.zeros(n, dtype=np.float32)
    for center in (420.0, 650.0, 1000.0, 1550.0, 2400.0):
        if center * 1.3 >= nyq:
            continue
        level = np.exp(0.9 * _control(rng, 0.4, 3.0))
        level /= np.float32(math.sqrt(float(np.mean(np.square(level, dtype=np.float64)))))
        babble += _shaped(white, n, rate, _band(center / 1.25, center * 1.25, 3.0)) * (
            _to_audio_rate(level, n)
        )
    # bubbles (Minnaert resonances): short decaying sines that glide upward
    count = int(35 * _LOOP_S)
    bubbles = _pings(
        rng,
        n,
        rate,
        count,
        freq_hz=(500.0, min(2200.0, 0.3 * rate)),
        tau_s=(0.006, 0.02),
        onset_s=0.0015,  # bubbles pop, they do not click
        amplitude=rng.lognormal(0.0, 0.6, count),
        glide=(0.1, 0.5),
    )
    return 0.55 * bed + 0.6 * babble / math.sqrt(5) + 0.35 * bubbles


def _rain(rng: np.random.Generator, n: int, rate: int) -> np.ndarray:
    """Steady rain: broadband hiss, many small droplet ticks, and a few nearer drops."""
    top = 0.45 * rate
    hiss = _noise(rng, n, rate, _band(500.0, min(5000.0, top), 1.0))
    hiss *= 1.0 + 0.12 * _to_audio_rate(_control(rng, 0.05, 0.5), n)  # gusts
    # small ticks: 1-3 ms decaying sines, 1.5-6 kHz, many per second, heavy-tailed loudness
    count = int(350 * _LOOP_S)
    ticks = _pings(
        rng,
        n,
        rate,
        count,
        freq_hz=(1500.0, min(6000.0, top)),
        tau_s=(0.0008, 0.0025),
        onset_s=0.0002,
        amplitude=np.minimum(rng.pareto(3.0, count) + 0.2, 4.0),
    )
    # nearer drops on leaves and stone: fewer, lower, a little longer
    count = int(12 * _LOOP_S)
    plops = _pings(
        rng,
        n,
        rate,
        count,
        freq_hz=(900.0, min(3500.0, top)),
        tau_s=(0.003, 0.008),
        onset_s=0.0005,
        amplitude=rng.uniform(0.4, 1.0, count),
    )
    return 0.8 * hiss + 0.5 * ticks + 0.25 * plops


def _swell(rng: np.random.Generator, n: int) -> np.ndarray:
    """Periodic wave envelope in [0, 1]: one asymmetric bump per wave, on a circle.

    Each wave rises over ~1.8 s (the surge) and falls over ~3.5 s (the wash
    drawing back); centers are evenly spaced with a little jitter and waves
    differ in height, all periodic because distances are taken around the loop.
    """
    m = int(_LOOP_S * _CONTROL_RATE)
    t = np.arange(m) / _CONTROL_RATE
    period = _LOOP_S / _OCEAN_WAVES_PER_LOOP
    envelope = np.zeros(m)
    for k in range(_OCEAN_WAVES_PER_LOOP):
        center = (k + 0.5) * period + rng.uniform(-0.6, 0.6)
        d = (t - center + _LOOP_S / 2) % _LOOP_S - _LOOP_S / 2  # signed circular distance, s
        width = np.where(d < 0, 1.8, 3.5)
        envelope += rng.uniform(0.75, 1.0) * np.exp(-((d / width) ** 2))
    envelope /= envelope.max()
    return _to_audio_rate(envelope, n)


def _ocean(rng: np.random.Generator, n: int, rate: int) -> np.ndarray:
    """Waves on a beach: low rumble and a brighter wash, both swelling every 9 s."""
    swell = _swell(rng, n)
    rumble = _noise(rng, n, rate, lambda f: _band(40.0, 450.0, 2.0)(f) / np.sqrt(1 + f / 100.0))
    wash = _noise(rng, n, rate, _band(300.0, min(2800.0, 0.45 * rate), 1.5))
    wobble = 1.0 + 0.15 * _to_audio_rate(_control(rng, 0.3, 2.0), n)  # foam, uneven break
    # the wash peaks a moment after the surge: delay its envelope by 0.6 s
    wash_env = (0.06 + np.roll(swell, int(0.6 * rate)) ** 2) * wobble
    return rumble * (0.3 + 0.7 * swell) + 0.55 * wash * wash_env


class _Spectrum:
    """Sinusoids on whole cycles per loop, written straight into one rfft spectrum."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.bins = np.zeros(n // 2 + 1, dtype=complex)

    def add(self, cycles: int, amplitude: float, phase: float) -> None:
        """Add amplitude * sin(2 pi cycles t / loop + phase); ignored at or beyond Nyquist."""
        if 0 < cycles < self.n // 2:
            self.bins[cycles] += amplitude * self.n / 2 * np.exp(1j * (phase - math.pi / 2))

    def add_swaying(
        self,
        cycles: int,
        amplitude: float,
        phase: float,
        depth: float,
        sway: int,
        sway_phase: float,
    ) -> None:
        """Add the tone with its level times (1 + depth sin(2 pi sway t / loop + sway_phase))."""
        self.add(cycles, amplitude, phase)
        side = amplitude * depth / 2  # sin a sin b = (cos(a-b) - cos(a+b)) / 2
        self.add(cycles - sway, side, phase - sway_phase + math.pi / 2)
        self.add(cycles + sway, side, phase + sway_phase - math.pi / 2)

    def samples(self) -> np.ndarray:
        return np.fft.irfft(self.bins, self.n)


def _drone(rng: np.random.Generator, n: int, rate: int) -> np.ndarray:
    """A soft open chord on A (A2 E3 A3 E4, a trace of C#4) of detuned triangle-like voices.

    Each voice is three oscillators a few cents apart (slow chorus, beats of
    0.1-0.8 Hz), with odd harmonics at 1/h^2 (a triangle's: warm, soft), its
    level swaying by +-30 % over 36/k s. Every partial sits on a whole number of
    cycles per loop, so the drone is written as one sparse spectrum: exactly
    periodic, and one inverse FFT long.
    """
    spectrum = _Spectrum(n)
    top = 0.45 * rate
    # the root is not the loudest: small speakers barely play 110 Hz, and the
    # 165-330 Hz voices carry the chord there
    chord = ((110.0, 0.65), (164.81, 0.7), (220.0, 0.6), (277.18, 0.12), (329.63, 0.3))
    for index, (pitch, level) in enumerate(chord):
        sway = (2, 3, 5, 4, 7)[index]
        sway_phase = rng.uniform(0, 2 * math.pi)
        for cents in (-4.0, 0.0, 3.0):
            cycles = round(pitch * 2 ** (cents / 1200) * _LOOP_S)
            for harmonic in (1, 3, 5):
                if cycles * harmonic / _LOOP_S >= top:
                    continue
                spectrum.add_swaying(
                    cycles * harmonic,
                    level / harmonic**2,
                    rng.uniform(0, 2 * math.pi),
                    0.3,
                    sway,
                    sway_phase,
                )
    return spectrum.samples()


_GENERATORS: dict[str, tuple[Callable[[np.random.Generator, int, int], np.ndarray], int]] = {
    "stream": (_stream, 0x57EA),
    "rain": (_rain, 0x4A1E),
    "ocean": (_ocean, 0x0CEA),
    "drone": (_drone, 0xD0E),
}

#: Names accepted by :func:`ambience_loop`.
AMBIENCE_NAMES: tuple[str, ...] = tuple(_GENERATORS)
#: Beds with a pitch of their own (a chord). Under the voice the mixer plays them as
#: :func:`unpitched_loop`: a pitched bed in the voice's own pitch range (the drone's
#: 110-330 Hz) is a second voice-like sound to follow, however quiet, and older listeners
#: lean on pitch to follow a talker (an offline recogniser's word error rose 4 to 9 points
#: with the drone ducked 20 dB, and as much at 40 dB: its pitch, not its level, got in the way).
PITCHED: frozenset[str] = frozenset({"drone"})
#: How widely :func:`unpitched_loop` spreads a loop's spectrum (Hz): wider than the drone's
#: partials are apart (55 Hz), so no line is left.
UNPITCHED_SMOOTHING_HZ = 80.0


def _generator(name: str) -> tuple[Callable[[np.random.Generator, int, int], np.ndarray], int]:
    try:
        return _GENERATORS[name]
    except (KeyError, TypeError):
        known = ", ".join(AMBIENCE_NAMES)
        raise ValueError(f"unknown ambience {name!r}; known ambiences: {known}") from None


def ambience_loop(name: str, sample_rate: int) -> np.ndarray:
    """One seamless loop of ambience `name` at `sample_rate` Hz, mono.

    Returns a read-only float32 array of ``AMBIENCE_LOOP_MS * sample_rate // 1000``
    samples, exactly periodic (play it end to start without a seam), mean 0 and
    RMS :data:`AMBIENCE_RMS`. Deterministic and memoized per (name, sample_rate).
    Raises ValueError for an unknown name (the message lists
    :data:`AMBIENCE_NAMES`) or a rate below 8000 Hz.
    """
    _generator(name)
    _check_rate(sample_rate)
    return _cached_loop(name, sample_rate)


def unpitched_loop(name: str, sample_rate: int) -> np.ndarray:
    """The loop's colour without its pitch: noise with the same spectral envelope (the power
    spectrum averaged over UNPITCHED_SMOOTHING_HZ, random phases), so its tones become a soft
    wash of the same brightness. Same contract as :func:`ambience_loop`: a read-only float32
    array of the same length, exactly periodic, mean 0, RMS AMBIENCE_RMS, deterministic and
    memoized. ValueError as ambience_loop."""
    _generator(name)
    _check_rate(sample_rate)
    return _cached_unpitched(name, sample_rate)


@functools.lru_cache(maxsize=4)
def _cached_unpitched(name: str, sample_rate: int) -> np.ndarray:
    loop = _cached_loop(name, sample_rate)
    n = loop.size
    spectrum = np.fft.rfft(loop.astype(np.float64))
    width = max(1, round(UNPITCHED_SMOOTHING_HZ * n / sample_rate))  # bins
    total = np.concatenate([[0.0], np.cumsum(np.abs(spectrum) ** 2)])
    start = np.arange(spectrum.size) - width // 2
    first, last = np.clip(start, 0, spectrum.size), np.clip(start + width, 0, spectrum.size)
    power = (total[last] - total[first]) / width  # the moving average around each bin (zeros beyond)
    rng = np.random.default_rng(_generator(name)[1] + 1)
    smeared = np.sqrt(power) * np.exp(2j * np.pi * rng.random(power.size))
    smeared[0] = 0.0
    x = np.fft.irfft(smeared, n)  # periodic in n: made on the loop's own bins
    x -= np.mean(x)
    x *= AMBIENCE_RMS / np.sqrt(np.mean(x**2))
    out = x.astype(np.float32)
    out.setflags(write=False)
    return out


def _soft_limit(x: np.ndarray, knee: float, ceiling: float) -> np.ndarray:
    """Leave |x| <= knee alone; above it, bend smoothly (slope 1 at the knee) toward `ceiling`.

    Memoryless, so a periodic input stays periodic. Tames the rare noise and
    drop peaks so every loop has the same headroom.
    """
    over = np.abs(x) > knee
    if not np.any(over):
        return x
    y = x.copy()
    span = ceiling - knee
    y[over] = np.sign(x[over]) * (knee + span * np.tanh((np.abs(x[over]) - knee) / span))
    return y


@functools.lru_cache(maxsize=8)
def _cached_loop(name: str, sample_rate: int) -> np.ndarray:
    started = time.perf_counter()
    make, seed = _generator(name)
    raw = make(np.random.default_rng(seed), _loop_samples(sample_rate), sample_rate)
    x = raw.astype(np.float64)  # the final level is set in double precision
    x -= np.mean(x)
    x *= AMBIENCE_RMS / np.sqrt(np.mean(x**2))
    x = _soft_limit(x, _LIMIT_KNEE, _LIMIT_CEILING)  # touches about 0.1 % of samples
    x -= np.mean(x)
    x *= AMBIENCE_RMS / np.sqrt(np.mean(x**2))
    out = x.astype(np.float32)
    out.setflags(write=False)
    log.debug(
        "ambience %s at %d Hz: %d samples in %.0f ms, peak %.3f",
        name,
        sample_rate,
        out.size,
        (time.perf_counter() - started) * 1000,
        float(np.max(np.abs(out))),
    )
    return out
