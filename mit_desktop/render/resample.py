"""Sample-rate conversion of mono float32 audio (soxr: high quality, streaming-capable)."""

from __future__ import annotations

import numpy as np
import soxr


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """`audio` (float32 mono) from `from_rate` to `to_rate` Hz; unchanged if the rates match."""
    if from_rate == to_rate or len(audio) == 0:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ").astype(np.float32)
