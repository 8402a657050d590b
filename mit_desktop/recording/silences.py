"""Long silences in a whole take, proposed as reflection points and section starts.

The take is cut into :data:`FRAME_MS` frames; a frame is silent when its RMS is below
the threshold (default :data:`DEFAULT_THRESHOLD_DBFS`, adjustable); a run of silent
frames at least `min_silence_ms` long (default :data:`DEFAULT_MIN_SILENCE_MS`,
adjustable) between two sounds is a long silence. Silence before the first sound and
after the last is not a pause and proposes nothing.

Each long silence proposes one point:

- a **section start** when it lasts `section_min_ms` or more (default
  :data:`DEFAULT_SECTION_MIN_MS`): the reader paused long between two parts. It is
  placed :data:`SECTION_LEAD_MS` before the voice comes back, so the section begins
  with its first word;
- otherwise a **reflection point**, placed :data:`REFLECTION_AFTER_MS` after the voice
  stopped, so the last word's decay is heard before playback stops.

Positions are integer milliseconds from the start of the take. Qt-free, numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

FRAME_MS = 10
DEFAULT_THRESHOLD_DBFS = -45.0
DEFAULT_MIN_SILENCE_MS = 2500
DEFAULT_SECTION_MIN_MS = 6000
REFLECTION_AFTER_MS = 300
SECTION_LEAD_MS = 300

REFLECTION = "reflection"
SECTION = "section"


@dataclass(frozen=True)
class Silence:
    """A long silence: from `start_ms` (the voice stops) to `end_ms` (it comes back)."""

    start_ms: int
    end_ms: int

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Proposal:
    """A proposed point at `at_ms`: `kind` is REFLECTION or SECTION; `silence` is the
    pause it came from (None once the therapist placed it by hand); `accepted` says
    whether it will be written (proposals start accepted; the therapist removes or
    moves them)."""

    at_ms: int
    kind: str
    silence: Silence | None = None
    accepted: bool = True

    def moved(self, at_ms: int) -> Proposal:
        return replace(self, at_ms=at_ms)


#: Frames measured at a time, so a long take never needs a float64 copy of itself.
_CHUNK_FRAMES = 6000


def frame_levels_dbfs(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS of each FRAME_MS frame in dBFS (-120 for digital silence); the last partial
    frame is left out. Measured a minute at a time (memory stays small)."""
    frame = sample_rate * FRAME_MS // 1000
    n = len(samples) // frame
    levels = np.empty(n, dtype=np.float64)
    for first in range(0, n, _CHUNK_FRAMES):
        last = min(n, first + _CHUNK_FRAMES)
        frames = samples[first * frame:last * frame].astype(np.float64).reshape(-1, frame)
        mean_square = np.mean(frames * frames, axis=1)
        levels[first:last] = 10.0 * np.log10(np.maximum(mean_square, 1e-12))
    return levels


def find_silences(samples: np.ndarray, sample_rate: int,
                  threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
                  min_silence_ms: int = DEFAULT_MIN_SILENCE_MS) -> list[Silence]:
    """Every silence of at least `min_silence_ms` between two sounds, in order."""
    return silences_in(frame_levels_dbfs(samples, sample_rate), threshold_dbfs, min_silence_ms)


def silences_in(levels_dbfs: np.ndarray, threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
                min_silence_ms: int = DEFAULT_MIN_SILENCE_MS) -> list[Silence]:
    """:func:`find_silences` from the take's frame levels (:func:`frame_levels_dbfs`), so
    new settings need no new pass over the audio."""
    loud = levels_dbfs >= threshold_dbfs
    sound = np.flatnonzero(loud)
    if len(sound) < 2:
        return []
    inner = loud[sound[0]:sound[-1] + 1]
    edges = np.flatnonzero(np.diff(inner.astype(np.int8)))
    starts = edges[inner[edges]] + 1  # loud -> quiet: the silence's first frame
    ends = edges[~inner[edges]] + 1  # quiet -> loud: the first frame of sound again
    found = []
    for start, end in zip(starts, ends, strict=True):
        start_ms = int(sound[0] + start) * FRAME_MS
        end_ms = int(sound[0] + end) * FRAME_MS
        if end_ms - start_ms >= min_silence_ms:
            found.append(Silence(start_ms, end_ms))
    return found


@dataclass(frozen=True)
class TakeSummary:
    """What the whole-take view needs of a take, without its samples: its length, the
    level of every FRAME_MS frame, and its outline (peak per column, OUTLINE columns)."""

    duration_ms: int
    levels_dbfs: np.ndarray
    outline: np.ndarray


OUTLINE_COLUMNS = 4000
_READ_FRAMES = 48_000 * 10


def summarize_take(path: Path) -> TakeSummary:
    """Read the take at `path` ten seconds at a time into a :class:`TakeSummary` (a
    30-minute take needs a few MB, not the 350 MB of its samples as float32).
    OSError / soundfile's errors if it cannot be read."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        rate, total = f.samplerate, f.frames
        frame = rate * FRAME_MS // 1000
        column_edges = np.linspace(0, total, OUTLINE_COLUMNS + 1).astype(np.int64)
        outline = np.zeros(OUTLINE_COLUMNS, dtype=np.float32)
        levels: list[np.ndarray] = []
        carry = np.zeros(0, dtype=np.float32)
        position = 0
        for block in f.blocks(blocksize=_READ_FRAMES // frame * frame, dtype="float32",
                              always_2d=True):
            mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
            if len(mono):  # the peak of each column this block touches
                first_col = int(np.searchsorted(column_edges, position, side="right")) - 1
                inside = column_edges[(column_edges > position)
                                      & (column_edges < position + len(mono))] - position
                starts = np.concatenate(([0], inside)).astype(np.int64)
                peaks = np.maximum.reduceat(np.abs(mono), starts)
                cols = np.clip(first_col + np.arange(len(starts)), 0, OUTLINE_COLUMNS - 1)
                np.maximum.at(outline, cols, peaks)
            position += len(mono)
            data = np.concatenate((carry, mono)) if len(carry) else mono
            whole = len(data) // frame * frame
            levels.append(frame_levels_dbfs(data[:whole], rate))
            carry = data[whole:]
    levels_db = np.concatenate(levels) if levels else np.zeros(0)
    return TakeSummary(total * 1000 // rate, levels_db, np.clip(outline, 0.0, 1.0))


def propose(silences: list[Silence],
            section_min_ms: int = DEFAULT_SECTION_MIN_MS) -> list[Proposal]:
    """One proposal per silence (see the module for which kind, and where)."""
    proposals = []
    for silence in silences:
        if silence.length_ms >= section_min_ms:
            at = max(silence.start_ms, silence.end_ms - SECTION_LEAD_MS)
            proposals.append(Proposal(at, SECTION, silence))
        else:
            at = min(silence.end_ms, silence.start_ms + REFLECTION_AFTER_MS)
            proposals.append(Proposal(at, REFLECTION, silence))
    return proposals


def envelope(samples: np.ndarray, columns: int) -> np.ndarray:
    """The waveform's outline for drawing: the peak |sample| of each of `columns` equal
    slices (0..1), for a view `columns` pixels wide."""
    if columns <= 0 or len(samples) == 0:
        return np.zeros(max(columns, 0), dtype=np.float32)
    edges = np.linspace(0, len(samples), columns + 1).astype(np.int64)
    magnitude = np.abs(samples.astype(np.float32))
    peaks = np.maximum.reduceat(magnitude, np.minimum(edges[:-1], len(samples) - 1))
    peaks[edges[1:] <= edges[:-1]] = 0.0
    return np.clip(peaks, 0.0, 1.0)
