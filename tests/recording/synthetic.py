"""Tiny generated "narration" for the recording tests: voiced bursts with syllable-like
ups and downs, at a chosen level, separated by pauses of known length."""

from __future__ import annotations

import numpy as np

RATE = 48_000


def speech_like(ms: int, rms_dbfs: float, seed: int = 1, rate: int = RATE) -> np.ndarray:
    """`ms` of a buzzy 150 Hz voice whose loudness rises and falls four times a second
    (never below -20 dB of its top, so no 10 ms frame of it is silence), at `rms_dbfs`."""
    n = rate * ms // 1000
    t = np.arange(n) / rate
    rng = np.random.default_rng(seed)
    voice = sum(np.sin(2 * np.pi * 150 * k * t + rng.uniform(0, 6.3)) / k for k in range(1, 8))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6.3))
    audio = voice * syllables
    audio *= 10 ** (rms_dbfs / 20) / np.sqrt(np.mean(audio**2))
    return audio.astype(np.float32)


def room(ms: int, rms_dbfs: float = -70.0, seed: int = 2, rate: int = RATE) -> np.ndarray:
    """`ms` of a quiet room (white noise at `rms_dbfs`)."""
    n = rate * ms // 1000
    noise = np.random.default_rng(seed).standard_normal(n)
    return (noise * 10 ** (rms_dbfs / 20)).astype(np.float32)


def recording(parts: list[tuple[str, int]], voice_dbfs: float = -26.0) -> np.ndarray:
    """("voice"|"pause", ms) parts one after the other."""
    out = [speech_like(ms, voice_dbfs, seed=i) if kind == "voice" else room(ms, seed=i)
           for i, (kind, ms) in enumerate(parts)]
    return np.concatenate(out)
