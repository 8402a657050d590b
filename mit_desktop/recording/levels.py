"""The microphone's live level, and when to warn that it is too quiet or clipping.

Levels are in dBFS: 0 dBFS is a full-scale sample (1.0 in float), so every level is
at or below 0; digital silence is :data:`SILENCE_DBFS` (not -inf, so it can be shown
and compared). One :class:`BlockLevel` per block of :data:`BLOCK_MS` milliseconds.

Thresholds (chosen for narration spoken 20 to 50 cm from an ordinary microphone, whose
speech RMS is about -30 to -12 dBFS):

- **clipping**: any sample at or above :data:`CLIP_DBFS` (-0.1 dBFS, i.e. |x| >= 0.9886):
  the converter ran out of range and the sound is distorted. The warning stays for
  :data:`CLIP_HOLD_MS` after the last such sample, so a short burst is seen.
- **too quiet**: over the last :data:`QUIET_WINDOW_MS` (3 s) the loudest block's RMS is
  below :data:`QUIET_RMS_DBFS` (-40 dBFS) while something is being recorded. Speech at
  -40 dBFS RMS is about 20 dB under the program's narration (-20 dBFS); bringing it up
  that much raises the room's noise with it. Silence between sentences does not trigger
  it: a 3 s window always holds some speech while someone is reading.

Qt-free, numpy only.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

BLOCK_MS = 50
"""Length of one level block, in milliseconds (20 updates a second)."""
SILENCE_DBFS = -120.0
"""The level shown for digital silence (and the floor of every level)."""
CLIP_DBFS = -0.1
CLIP_HOLD_MS = 2000
QUIET_RMS_DBFS = -40.0
QUIET_WINDOW_MS = 3000

OK = "ok"
TOO_QUIET = "too-quiet"
CLIPPING = "clipping"


def to_dbfs(linear: float) -> float:
    """A linear amplitude (1.0 = full scale) in dBFS, floored at SILENCE_DBFS."""
    if linear <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 20.0 * math.log10(linear))


@dataclass(frozen=True)
class BlockLevel:
    """One block's level: `peak_dbfs` (largest |sample|), `rms_dbfs`, and where it
    starts and how long it is, in milliseconds from the start of the take."""

    start_ms: int
    length_ms: int
    peak_dbfs: float
    rms_dbfs: float

    @property
    def clipped(self) -> bool:
        return self.peak_dbfs >= CLIP_DBFS


def block_level(samples: np.ndarray, start_ms: int, sample_rate: int) -> BlockLevel:
    """The level of one block of float samples (mono, full scale 1.0)."""
    length_ms = len(samples) * 1000 // sample_rate
    if len(samples) == 0:
        return BlockLevel(start_ms, 0, SILENCE_DBFS, SILENCE_DBFS)
    data = samples.astype(np.float64, copy=False)
    peak = float(np.max(np.abs(data)))
    rms = float(np.sqrt(np.mean(data * data)))
    return BlockLevel(start_ms, length_ms, to_dbfs(peak), to_dbfs(rms))


@dataclass(frozen=True)
class LevelState:
    """What the meter shows now: the latest block, the loudest peak of the take so far,
    and the warning (OK, TOO_QUIET or CLIPPING; clipping wins)."""

    level: BlockLevel
    max_peak_dbfs: float
    warning: str


class LevelWatch:
    """Feeds on block levels in order and says which warning applies (see the module)."""

    def __init__(self) -> None:
        self._recent: deque[BlockLevel] = deque()
        self._last_clip_ms: int | None = None
        self._max_peak = SILENCE_DBFS

    def feed(self, level: BlockLevel) -> LevelState:
        end_ms = level.start_ms + level.length_ms
        self._recent.append(level)
        while self._recent and self._recent[0].start_ms + self._recent[0].length_ms \
                <= end_ms - QUIET_WINDOW_MS:
            self._recent.popleft()
        self._max_peak = max(self._max_peak, level.peak_dbfs)
        if level.clipped:
            self._last_clip_ms = end_ms
        if self._last_clip_ms is not None and end_ms - self._last_clip_ms < CLIP_HOLD_MS:
            warning = CLIPPING
        elif end_ms >= QUIET_WINDOW_MS and \
                max(block.rms_dbfs for block in self._recent) < QUIET_RMS_DBFS:
            warning = TOO_QUIET
        else:
            warning = OK
        return LevelState(level, self._max_peak, warning)
