"""The decode loop of a recorded clip: blocks of the source, mixed to mono, resampled with
soxr and written as little-endian float32, measured (loudness by :mod:`render.loudness`,
peak) in the same pass. The cache around it is :mod:`~mit_desktop.render.clips`.

Qt-free: numpy, soxr.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soxr

from mit_desktop.render.clip_errors import ClipError, clip_error
from mit_desktop.render.clip_sources import check_not_truncated, open_source
from mit_desktop.render.loudness import LoudnessMeter

#: soxr quality recipe: "HQ" is 20-bit precision, passband to 91% of Nyquist.
RESAMPLE_QUALITY = "HQ"


def decode_into(path: Path, sample_rate: int, out: BinaryIO,
                write_failed: Callable[[OSError], ClipError]) -> tuple[int, float, float, str]:
    """Decode, resample and measure ``path`` into ``out`` (little-endian float32 mono at
    `sample_rate` Hz); ``(n_samples, loudness_lufs, peak, format_name)``. Raises ClipError;
    an OSError while the blocks are written becomes ``write_failed(exc)``."""
    with open_source(path) as source:
        measures = _Measures(LoudnessMeter(sample_rate))
        resampler = None
        if source.sample_rate != sample_rate:
            resampler = soxr.ResampleStream(source.sample_rate, sample_rate, 1,
                                            dtype="float32", quality=RESAMPLE_QUALITY)
        n_in = 0
        n_out = 0
        try:
            for mono in source.blocks:
                n_in += mono.size
                if resampler is not None:
                    mono = resampler.resample_chunk(mono, last=False)
                n_out += _emit(mono, out, measures)
            if resampler is not None:
                n_out += _emit(resampler.resample_chunk(np.zeros(0, np.float32), last=True),
                               out, measures)
        except OSError as exc:
            raise write_failed(exc) from exc
        if n_in == 0 or n_out == 0:
            raise clip_error(path, "it contains no audio.", format_name=source.format_name,
                         hint="Record or export it again.")
        check_not_truncated(path, source, n_in)
        return n_out, measures.meter.lufs(), measures.peak, source.format_name


@dataclass
class _Measures:
    """What is measured on the decoded samples as they are written: loudness and peak."""

    meter: LoudnessMeter
    peak: float = 0.0

    def feed(self, mono: np.ndarray) -> None:
        self.meter.feed(mono)
        self.peak = max(self.peak, float(np.max(np.abs(mono), initial=0.0)))


def _emit(mono: np.ndarray, out: BinaryIO, measures: _Measures) -> int:
    if not mono.size:
        return 0
    mono = np.ascontiguousarray(mono, dtype="<f4")
    measures.feed(mono)
    out.write(mono.data)
    return int(mono.size)
