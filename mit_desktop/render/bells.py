"""Program-made bell strikes: a singing bowl, a bright chime and a soft chime.

Each strike is modal synthesis: a handful of *inharmonic* partials (the
vibration modes of a bowl or a chime bar), each an exponentially decaying
sinusoid with its own decay time (higher modes die faster), each split into a
near-degenerate pair a fraction of a hertz to a few hertz apart so the pair
beats (the slow "wah-wah" wobble of a real bowl), plus a short band-limited
noise burst for the mallet's contact. A raised-cosine attack of a few
milliseconds starts the strike at exactly zero without a click, and a
raised-cosine fade brings the last sample to exactly zero.

Contract of :func:`bell_strike`: a read-only float32 mono array of
``bell_samples(name, sample_rate)`` samples, in [-1, 1], with peak
``max(abs(x)) == 1.0`` exactly (the engine applies its own gain), first and
last sample 0.0. The same (name, rate) always gives the same samples (there is
no unseeded randomness) and the same array object (it is memoized).

Qt-free: numpy only.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

#: Suggested gap between the starts of repeated strikes (``[bell 3]``), in milliseconds.
BELL_STRIKE_INTERVAL_MS = 5000

#: Partials above this fraction of the sample rate are left out (no aliasing).
_MAX_PARTIAL_FRACTION_OF_RATE = 0.45


@dataclass(frozen=True)
class _Partial:
    """One vibration mode: frequency ratio to the lowest mode, amplitude, decay, beating."""

    ratio: float  # frequency / lowest mode's frequency
    amplitude: float  # relative to the lowest mode
    tau_s: float  # exponential decay time constant (amplitude falls to 1/e), seconds
    beat_hz: float  # split between the two members of the near-degenerate pair, Hz
    pair_level: float  # amplitude of the second member relative to the first (0..1)


@dataclass(frozen=True)
class _Bell:
    """Recipe for one instrument."""

    fundamental_hz: float
    partials: tuple[_Partial, ...]
    ring_ms: int  # total length of one strike
    attack_ms: float  # raised-cosine rise from 0
    fade_ms: float  # raised-cosine fade to 0 at the end
    strike_level: float  # mallet noise burst peak, relative to the first partial
    strike_decay_ms: float  # time constant of the mallet burst
    strike_cutoff_hz: float  # the mallet burst is low-passed here (felt: low; metal: high)
    seed: int  # for the mallet burst noise


# Singing bowl. The ratios are those of the first five (n, 0) shell modes of a
# hand-hammered Himalayan bowl; measured bowls fall around 1 : 2.7-2.9 :
# 5.0-5.4 : 8.0-8.8 : 11.5-12.5 (Inacio, Henrique & Antunes, "The dynamics of
# Tibetan singing bowls", Acta Acustica 2006; the thin-ring model gives
# 1 : 2.83 : 5.42 : 8.77). The lowest mode is kept at 216 Hz so every partial
# that matters sits in 200 Hz - 2.6 kHz, which older ears (presbycusis) and
# laptop speakers still reproduce. A felt mallet: soft, dark strike.
_BOWL = _Bell(
    fundamental_hz=216.0,
    partials=(
        _Partial(ratio=1.00, amplitude=1.00, tau_s=3.4, beat_hz=0.75, pair_level=0.30),
        _Partial(ratio=2.72, amplitude=0.60, tau_s=2.3, beat_hz=1.9, pair_level=0.45),
        _Partial(ratio=5.18, amplitude=0.30, tau_s=1.25, beat_hz=3.1, pair_level=0.50),
        _Partial(ratio=8.28, amplitude=0.14, tau_s=0.70, beat_hz=4.3, pair_level=0.50),
        _Partial(ratio=11.70, amplitude=0.07, tau_s=0.40, beat_hz=5.7, pair_level=0.50),
    ),
    ring_ms=8000,
    attack_ms=6.0,
    fade_ms=2000.0,
    strike_level=0.10,
    strike_decay_ms=6.0,
    strike_cutoff_hz=1800.0,
    seed=0xB03,
)

# Bright small chime: a free-free bar (a wind-chime tube). The thin-beam
# (Euler-Bernoulli) modes are (2n+1)^2 / 3.0112^2 = 1 : 2.756 : 5.404 : 8.933 :
# 13.34; in a real tube rotary inertia and shear pull the upper modes a few per
# cent lower (Timoshenko beam; Rossing, "Science of Percussion Instruments"),
# hence 1 : 2.74 : 5.29 : 8.65 : 12.8. A tube is nearly symmetric, so its pairs
# are split only slightly. A metal striker: short, bright strike.
_CHIME = _Bell(
    fundamental_hz=740.0,
    partials=(
        _Partial(ratio=1.00, amplitude=1.00, tau_s=1.40, beat_hz=0.55, pair_level=0.20),
        _Partial(ratio=2.74, amplitude=0.50, tau_s=0.85, beat_hz=1.4, pair_level=0.25),
        _Partial(ratio=5.29, amplitude=0.22, tau_s=0.45, beat_hz=2.3, pair_level=0.30),
        _Partial(ratio=8.65, amplitude=0.10, tau_s=0.25, beat_hz=3.2, pair_level=0.30),
        _Partial(ratio=12.8, amplitude=0.05, tau_s=0.15, beat_hz=4.0, pair_level=0.30),
    ),
    ring_ms=4000,
    attack_ms=2.5,
    fade_ms=1000.0,
    strike_level=0.08,
    strike_decay_ms=2.0,
    strike_cutoff_hz=6000.0,
    seed=0xC41,
)

# Soft chime for the end of a silent reflection: a small bowl touched with a
# felt mallet. Bowl ratios, weak upper modes, a slow 25 ms rise and no bright
# transient, so it invites attention back rather than startling.
_SOFT = _Bell(
    fundamental_hz=352.0,
    partials=(
        _Partial(ratio=1.00, amplitude=1.00, tau_s=1.00, beat_hz=0.7, pair_level=0.25),
        _Partial(ratio=2.72, amplitude=0.32, tau_s=0.60, beat_hz=1.6, pair_level=0.35),
        _Partial(ratio=5.18, amplitude=0.12, tau_s=0.35, beat_hz=2.6, pair_level=0.40),
        _Partial(ratio=8.28, amplitude=0.05, tau_s=0.20, beat_hz=3.6, pair_level=0.40),
    ),
    ring_ms=2500,
    attack_ms=25.0,
    fade_ms=800.0,
    strike_level=0.03,
    strike_decay_ms=8.0,
    strike_cutoff_hz=1000.0,
    seed=0x50F,
)

_BELLS: dict[str, _Bell] = {"bowl": _BOWL, "chime": _CHIME, "soft": _SOFT}

#: Names accepted by :func:`bell_strike`; the first is the default.
BELL_NAMES: tuple[str, ...] = tuple(_BELLS)
#: The bell used when a script does not name one.
DEFAULT_BELL = "bowl"


def _recipe(name: str) -> _Bell:
    try:
        return _BELLS[name]
    except (KeyError, TypeError):
        known = ", ".join(BELL_NAMES)
        raise ValueError(f"unknown bell {name!r}; known bells: {known}") from None


def _check_rate(sample_rate: int) -> None:
    if not isinstance(sample_rate, int) or isinstance(sample_rate, bool) or sample_rate < 8000:
        raise ValueError(f"sample rate must be an integer of at least 8000 Hz, not {sample_rate!r}")


def bell_ring_ms(name: str) -> int:
    """Length of one strike of bell `name`, in milliseconds. ValueError if unknown."""
    return _recipe(name).ring_ms


def bell_samples(name: str, sample_rate: int) -> int:
    """Length of one strike in samples at `sample_rate` Hz: round(ring_ms * rate / 1000)."""
    return round(bell_ring_ms(name) * sample_rate / 1000)


def bell_strike(name: str, sample_rate: int) -> np.ndarray:
    """One strike of bell `name` at `sample_rate` Hz, mono.

    Returns a read-only float32 array of :func:`bell_samples` samples, peak
    exactly 1.0, starting at 0.0 with a short click-free rise and ending at 0.0.
    Deterministic and memoized per (name, sample_rate). Raises ValueError for an
    unknown name (the message lists :data:`BELL_NAMES`) or a rate below 8000 Hz.
    """
    _recipe(name)
    _check_rate(sample_rate)
    return _cached_strike(name, sample_rate)


@functools.lru_cache(maxsize=16)
def _cached_strike(name: str, sample_rate: int) -> np.ndarray:
    started = time.perf_counter()
    out = _synthesize(_recipe(name), sample_rate)
    out.setflags(write=False)
    log.debug(
        "bell %s at %d Hz: %d samples in %.1f ms",
        name,
        sample_rate,
        out.size,
        (time.perf_counter() - started) * 1000,
    )
    return out


def _raised_cosine(n: int) -> np.ndarray:
    """n samples rising from exactly 0 to exactly 1 (half a cosine period)."""
    if n <= 1:
        return np.ones(max(n, 0))
    return 0.5 - 0.5 * np.cos(np.linspace(0.0, math.pi, n))


def _mallet_burst(bell: _Bell, sample_rate: int, n: int) -> np.ndarray:
    """The contact noise of the mallet: low-passed noise with a fast exponential decay."""
    length = min(n, int(sample_rate * bell.strike_decay_ms * 8 / 1000) + 1)
    rng = np.random.default_rng(bell.seed)
    noise = rng.standard_normal(length)
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(length, 1.0 / sample_rate)
    spectrum /= np.sqrt(1.0 + (freqs / bell.strike_cutoff_hz) ** 4)  # 2nd-order low-pass shape
    spectrum[0] = 0.0
    burst = np.fft.irfft(spectrum, length)
    t = np.arange(length) / sample_rate
    burst *= np.exp(-t / (bell.strike_decay_ms / 1000))
    burst /= np.max(np.abs(burst))
    out = np.zeros(n)
    out[:length] = burst * bell.strike_level
    return out


def _synthesize(bell: _Bell, sample_rate: int) -> np.ndarray:
    n = round(bell.ring_ms * sample_rate / 1000)
    t = np.arange(n) / sample_rate
    signal = np.zeros(n)
    nyquist_limit = _MAX_PARTIAL_FRACTION_OF_RATE * sample_rate
    for p in bell.partials:
        f = bell.fundamental_hz * p.ratio
        if f + p.beat_hz > nyquist_limit:
            continue
        decay = np.exp(-t / p.tau_s)
        pair = np.sin(2 * math.pi * (f - p.beat_hz / 2) * t) + p.pair_level * np.sin(
            2 * math.pi * (f + p.beat_hz / 2) * t
        )
        signal += p.amplitude / (1 + p.pair_level) * decay * pair
    signal += _mallet_burst(bell, sample_rate, n)
    attack = round(bell.attack_ms * sample_rate / 1000) + 1
    signal[:attack] *= _raised_cosine(attack)
    fade = min(n, round(bell.fade_ms * sample_rate / 1000))
    signal[n - fade :] *= _raised_cosine(fade)[::-1]
    signal /= np.max(np.abs(signal))
    return signal.astype(np.float32)
