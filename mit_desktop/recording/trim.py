"""A take made ready to play: leading and trailing silence trimmed, loudness matched.

Trimming: the take is cut into :data:`TRIM_FRAME_MS` frames; the first and last frames
whose RMS reaches :data:`TRIM_FLOOR_DBFS` are the voice's edges. :data:`KEEP_BEFORE_MS`
is kept before the first (the soft start of a word and the breath before it) and
:data:`KEEP_AFTER_MS` after the last (a word's decay and the room's ring), within the
take. Anything quieter than the floor for the whole take is "nothing heard".

Loudness: the program's one measure (`render.loudness`, BS.1770 integrated loudness),
the one the voice, imported clips and the analyser's report use. A take is scaled so
that measure equals the narration's level (`render.levels.VOICE_LUFS`) unless its peak
would pass `render.levels.VOICE_PEAK_LIMIT` (-1 dBFS); then the peak decides. The
measure's gate is relative, so one measurement gives the gain.

Qt-free: numpy, soundfile.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.fsutil import atomic_path, disk_message
from mit_desktop.render.levels import voice_gain
from mit_desktop.render.loudness import loudness_lufs

log = logging.getLogger(__name__)

TRIM_FRAME_MS = 10
TRIM_FLOOR_DBFS = -45.0
KEEP_BEFORE_MS = 150
KEEP_AFTER_MS = 300
EDGE_FADE_MS = 10
"""The kept edges are faded in and out over this long, so a cut never clicks."""


class TakeProblem(Exception):
    """The take cannot be used; the message says what to do."""


def voice_edges(samples: np.ndarray, sample_rate: int,
                floor_dbfs: float = TRIM_FLOOR_DBFS) -> tuple[int, int] | None:
    """(first, end) sample of the voice: from the first to past the last frame at or
    above `floor_dbfs`, widened by KEEP_BEFORE_MS / KEEP_AFTER_MS within the take.
    None if no frame reaches the floor."""
    frame = sample_rate * TRIM_FRAME_MS // 1000
    n_frames = len(samples) // frame
    if n_frames == 0:
        return None
    frames = samples[:n_frames * frame].astype(np.float64).reshape(n_frames, frame)
    mean_square = np.mean(frames * frames, axis=1)
    loud = np.flatnonzero(mean_square >= 10.0 ** (floor_dbfs / 10.0))
    if len(loud) == 0:
        return None
    first = max(0, int(loud[0]) * frame - sample_rate * KEEP_BEFORE_MS // 1000)
    end = min(len(samples), (int(loud[-1]) + 1) * frame + sample_rate * KEEP_AFTER_MS // 1000)
    return first, end


@dataclass(frozen=True)
class PreparedTake:
    """A take written ready to play: where, how long (samples at `sample_rate`), where the
    kept part began in the raw take (ms), the gain applied (dB) and its loudness after
    (LUFS, `render.loudness`)."""

    path: Path
    n_samples: int
    sample_rate: int
    trimmed_start_ms: int
    gain_db: float
    loudness_lufs: float

    @property
    def duration_ms(self) -> int:
        return self.n_samples * 1000 // self.sample_rate


def prepare_samples(samples: np.ndarray, sample_rate: int,
                    floor_dbfs: float = TRIM_FLOOR_DBFS) -> tuple[np.ndarray, int, float]:
    """(trimmed and matched samples, first kept sample, gain) for a mono float take.
    TakeProblem if nothing louder than the floor was recorded."""
    edges = voice_edges(samples, sample_rate, floor_dbfs)
    if edges is None:
        raise TakeProblem("Nothing was heard in this take: the microphone may be muted or "
                          "too far away. Check the level meter while you speak, then record "
                          "it again.")
    first, end = edges
    kept = samples[first:end].astype(np.float32)
    peak = float(np.max(np.abs(kept)))
    gain = voice_gain(loudness_lufs(kept, sample_rate), peak)
    fade = min(len(kept) // 2, sample_rate * EDGE_FADE_MS // 1000)
    out = kept * np.float32(gain)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= ramp
        out[len(out) - fade:] *= ramp[::-1]
    return out, first, gain


def prepare_take(raw: Path, out: Path, floor_dbfs: float = TRIM_FLOOR_DBFS) -> PreparedTake:
    """Trim and match the take at `raw` and write it to `out` (16-bit WAV, atomically)."""
    try:
        samples, rate = sf.read(str(raw), dtype="float32", always_2d=True)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        raise TakeProblem(f"The take {raw.name} could not be read ({exc}); record it again."
                          ) from None
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    prepared, first, gain = prepare_samples(mono, rate, floor_dbfs)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(out) as tmp:
            sf.write(str(tmp), prepared, rate, subtype="PCM_16", format="WAV")
    except OSError as exc:
        raise TakeProblem(disk_message(exc, out)) from None
    loudness = loudness_lufs(prepared, rate)
    log.info("take %s: trimmed from %d ms, %d ms long, gain %.1f dB", raw.name,
             first * 1000 // rate, len(prepared) * 1000 // rate, 20 * math.log10(gain))
    return PreparedTake(out, len(prepared), rate, first * 1000 // rate,
                        20.0 * math.log10(gain), loudness)
