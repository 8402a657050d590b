"""Listening by numbers: loudness, peaks, silences and pace of a rendered session.

Integrated loudness is the program's one measure (`render.loudness`, ITU-R BS.1770-4),
computed while streaming the mix block by block so an hour-long session never sits in
memory.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from mit_desktop.render.loudness import LoudnessMeter
from mit_desktop.render.mixer import Mixer
from mit_desktop.render.pacing import QUIET_DBFS, voiced_bounds, voiced_span_samples

BLOCK_SAMPLES = 22_050 * 10


@dataclass(frozen=True)
class SessionReport:
    """What a rendered session sounds like, by numbers."""

    session_id: str
    mode: str
    duration_ms: int
    reflections: int
    integrated_lufs: float  # the whole mix, gated as BS.1770 says (quiet beds pull it down)
    speech_lufs: float  # the mix while narration or a clip plays: what the listener sets the volume by
    peak_dbfs: float
    clipped_samples: int
    longest_silence_ms: int  # anywhere in the mix
    longest_voice_dropout_ms: int  # silence inside a speech or clip segment: never intended
    speech_ms: int  # over each sentence's voiced span, phrase pauses included
    words_per_minute: float  # words over speech_ms: the pace a listener hears
    fastest_sentence_wpm: float  # the fastest single sentence, over its own span
    voice_wpm: float  # words over the voiced phrases alone (phrase pauses excluded)

    def to_json(self) -> dict:
        return asdict(self)


def _runs_ms(quiet: np.ndarray, rate: int, carry: int) -> tuple[int, int]:
    """(longest run of True including `carry` samples from before, run still open at the end)."""
    if not len(quiet):
        return carry, carry
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    starts, ends = edges[::2], edges[1::2]
    lengths = (ends - starts).astype(int)
    if len(lengths) and starts[0] == 0:
        lengths[0] += carry
    longest = int(lengths.max()) if len(lengths) else carry
    open_run = int(lengths[-1]) if len(lengths) and ends[-1] == len(quiet) else 0
    return max(longest, carry), open_run


def analyse(mixer: Mixer, block_samples: int = BLOCK_SAMPLES) -> SessionReport:
    """Render the whole timeline through `mixer` in blocks and measure it."""
    timeline = mixer.timeline
    rate = timeline.sample_rate
    meter = LoudnessMeter(rate)
    peak = 0.0
    clipped = 0
    longest, carry = 0, 0
    threshold = 10 ** (QUIET_DBFS / 20)
    for start in range(0, timeline.n_samples, block_samples):
        n = min(block_samples, timeline.n_samples - start)
        audio = mixer.render(start, n)
        meter.feed(audio)
        peak = max(peak, float(np.max(np.abs(audio), initial=0.0)))
        clipped += int(np.count_nonzero(np.abs(audio) >= 1.0))
        block_longest, carry = _runs_ms(np.abs(audio) < threshold, rate, carry)
        longest = max(longest, block_longest)
    dropout = 0
    speech_meter = LoudnessMeter(rate)
    frame = rate // 50  # 20 ms frames: a word's own stop consonants are shorter than a few frames
    words = span_samples = voiced_samples = 0
    fastest = 0.0
    for seg in timeline.segments:
        if seg.kind not in ("speech", "clip") or seg.audio_samples < frame:
            continue
        stems = mixer.render_stems(seg.start_sample, seg.audio_samples)
        voice = stems["voice"]
        speech_meter.feed(voice + stems["bells"] + stems["ambience"])
        # phrase pauses are intended: a drop-out is a quiet run inside one phrase's audio
        pieces = [(p.offset, p.n_samples) for p in seg.speech_parts] or [(0, seg.audio_samples)]
        for offset, length in pieces:
            piece = voice[offset:offset + length]
            frames = piece[: len(piece) // frame * frame].reshape(-1, frame)
            quiet = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) < threshold
            run, _ = _runs_ms(quiet, 1, 0)
            dropout = max(dropout, run * frame)
        if seg.kind != "speech":
            continue
        span = voiced_span_samples(voice, rate)
        count = len((seg.text or "").split())
        words += count
        span_samples += span
        fastest = max(fastest, _wpm(count, span, rate))
        for offset, length in pieces:
            lo, hi = voiced_bounds(voice[offset:offset + length], rate, threshold)
            voiced_samples += hi - lo
    return SessionReport(
        session_id=timeline.session_id,
        mode=timeline.mode,
        duration_ms=timeline.duration_ms,
        reflections=len(timeline.reflections),
        integrated_lufs=round(meter.lufs(), 2),
        speech_lufs=round(speech_meter.lufs(), 2),
        peak_dbfs=round(20 * math.log10(peak), 2) if peak > 0 else float("-inf"),
        clipped_samples=clipped,
        longest_silence_ms=longest * 1000 // rate,
        longest_voice_dropout_ms=dropout * 1000 // rate,
        speech_ms=span_samples * 1000 // rate,
        words_per_minute=_wpm(words, span_samples, rate),
        fastest_sentence_wpm=fastest,
        voice_wpm=_wpm(words, voiced_samples, rate),
    )


def _wpm(words: int, samples: int, rate: int) -> float:
    """Words a minute over `samples` at `rate` Hz, to 0.1 (0.0 for no time)."""
    return round(words * 60 * rate / samples, 1) if samples > 0 else 0.0
