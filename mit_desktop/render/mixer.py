"""Mixes a timeline into audio: any range of samples, on demand, identically every time.

Every sample is a function of its absolute position only, so rendering in
blocks of any size, seeking, or pausing and resuming all give the same
samples. Nothing longer than one bell group or one sentence is held in
memory; clips are read from their memory-mapped decoded cache.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from mit_desktop.render import ambience, bells, levels
from mit_desktop.render.ambience import ambience_loop
from mit_desktop.render.bells import BELL_STRIKE_INTERVAL_MS, bell_strike
from mit_desktop.render.pacing import sentence_audio, speech_at_level
from mit_desktop.render.sound_cache import cached_sound
from mit_desktop.session.timeline import Segment, Timeline

log = logging.getLogger(__name__)

STEMS = ("voice", "bells", "ambience")


class AudioSources(Protocol):
    def speech_samples(self, key: str) -> np.ndarray:
        """Cached sentence, int16 at the timeline rate."""
        ...

    def clip_samples_array(self, path: Path) -> tuple[np.ndarray, float, float]:
        """Decoded clip (float32, memory-mapped), its loudness in LUFS (render.loudness) and
        its peak (largest absolute sample of the whole recording, full scale 1.0)."""
        ...


@dataclass
class StemGains:
    """Listener volumes, linear 0..1.5, for voice (narration and clips), bells and ambience."""

    voice: float = 1.0
    bells: float = 1.0
    ambience: float = 1.0


#: samples the voice-clarity filter reads on each side of a sample (half its length)
CLARITY_FILTER_REACH = 50


@functools.lru_cache(maxsize=4)
def presence_filter(sample_rate: int) -> np.ndarray:
    """Linear-phase FIR (odd length, symmetric) lifting 2 to 5 kHz by CLARITY_PRESENCE_DB:
    flat below 1.2 kHz, easing back above 7 kHz. Exact at any block boundary (no state)."""
    from scipy.signal import firwin2

    nyquist = sample_rate / 2
    lift = 10 ** (levels.CLARITY_PRESENCE_DB / 20)
    half = 10 ** (levels.CLARITY_PRESENCE_DB / 40)
    points = [0, 1200, 2200, 5000, 7000, 9000, nyquist]
    gains = [1.0, 1.0, lift, lift, half, 1.0, 1.0]
    taps = firwin2(2 * CLARITY_FILTER_REACH + 1, [f / nyquist for f in points], gains)
    return taps.astype(np.float32)


@dataclass(frozen=True)
class ClipRun:
    """Where a clip segment sits in its *run*: the clip segments that follow each other in the
    timeline (nothing audible between them) and continue one recording sample for sample.
    A run plays as the recording itself: it fades only at its own two ends, and the voice
    clarity filter reaches across the joins inside it.

    `offset`: samples from the run's first sample to this segment's; `n_samples`: the run's
    length; `source_start`: the run's first sample in the decoded recording.
    """

    offset: int
    n_samples: int
    source_start: int


def clip_runs(segments: tuple[Segment, ...] | list[Segment]) -> dict[int, ClipRun]:
    """The run of every clip segment, by its index in `segments` (see ClipRun). Zero-length
    segments between two clips (an interactive reflection) do not break a run."""
    runs: dict[int, ClipRun] = {}
    members: list[int] = []

    def close() -> None:
        if not members:
            return
        first, last = segments[members[0]], segments[members[-1]]
        total = last.start_sample + last.audio_samples - first.start_sample
        for index in members:
            runs[index] = ClipRun(segments[index].start_sample - first.start_sample, total,
                                  first.clip_offset_sample)
        members.clear()

    for index, seg in enumerate(segments):
        if seg.n_samples == 0 and seg.kind != "clip":
            continue
        if seg.kind != "clip":
            close()
            continue
        if members:
            prev = segments[members[-1]]
            joined = (prev.clip_path == seg.clip_path
                      and prev.n_samples == prev.audio_samples
                      and prev.end_sample == seg.start_sample
                      and prev.clip_offset_sample + prev.audio_samples == seg.clip_offset_sample)
            if not joined:
                close()
        members.append(index)
    close()
    return runs


class Mixer:
    """Produces float32 mono for any [start, start+n) of a timeline, as separate stems or mixed."""

    def __init__(self, timeline: Timeline, sources: AudioSources, cache_items: int = 16) -> None:
        self.timeline = timeline
        self.sources = sources
        self.rate = timeline.sample_rate
        self._starts = [s.start_sample for s in timeline.segments]
        self._runs = clip_runs(timeline.segments)
        self._cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._cache_items = cache_items
        # where program-made sounds are kept between runs (None: make them each time)
        self._sounds_dir: Path | None = getattr(sources, "sounds_dir", None)
        self._loops: dict[str, np.ndarray] = {}
        self._voice_spans = self._merged_voice_spans()
        self._beds = self._ambience_breakpoints()
        clarity = timeline.voice_clarity
        #: where the bed sits (a benchmark may set another to compare; set it before rendering)
        self.ducking: levels.Ducking = levels.CLARITY_DUCKING if clarity else levels.DUCKING
        #: a pitched bed turns into its unpitched wash under the voice (a benchmark may turn it off)
        self.unpitched_under_voice = True
        self._presence = presence_filter(self.rate) if clarity else None

    # -- helpers --------------------------------------------------------

    def _n(self, value_ms: float) -> int:
        return int(round(value_ms * self.rate / 1000))

    def _cached(self, key: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        value = make()
        self._cache[key] = value
        if len(self._cache) > self._cache_items:
            self._cache.popitem(last=False)
        return value

    def _merged_voice_spans(self) -> list[tuple[int, int]]:
        bridge = self._n(levels.DUCK_BRIDGE_MS)
        spans: list[tuple[int, int]] = []
        for seg in self.timeline.segments:
            if seg.kind not in ("speech", "clip") or seg.n_samples == 0:
                continue
            start, end = seg.start_sample, seg.start_sample + seg.audio_samples
            if spans and start - spans[-1][1] < bridge:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        return spans

    def _ambience_breakpoints(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        fade = self._n(levels.AMBIENCE_FADE_MS)
        names = {c.name for c in self.timeline.ambience if c.name}
        beds = {}
        for name in names:
            xs: list[float] = [0.0]
            ys: list[float] = [0.0]
            for change in self.timeline.ambience:
                target = change.level_percent / 100 if change.name == name else 0.0
                p = float(change.start_sample)
                current = float(np.interp(p, xs, ys))
                keep = [i for i, x in enumerate(xs) if x < p]
                xs = [xs[i] for i in keep] + [p, p + fade]
                ys = [ys[i] for i in keep] + [current, target]
            beds[name] = (np.array(xs), np.array(ys))
        return beds

    # -- segment audio --------------------------------------------------------

    def _speech(self, seg: Segment) -> np.ndarray:
        def make() -> np.ndarray:
            raw = self._assemble(seg)
            if self._presence is not None:
                raw = np.convolve(raw, self._presence)[len(self._presence) // 2:][:len(raw)]
            return speech_at_level(raw, self.rate)

        return self._cached(("speech", seg.speech_parts or seg.speech_key), make)

    def _assemble(self, seg: Segment) -> np.ndarray:
        """The sentence's phrases at their offsets (float, full scale 1.0); silence between them."""
        if not seg.speech_parts:  # a timeline made without phrase layout: one cached sentence
            return self.sources.speech_samples(seg.speech_key or "").astype(np.float32) / 32767.0
        return sentence_audio(seg.speech_parts, seg.audio_samples, self.sources.speech_samples, self.rate)

    def _bell(self, sound: str, strikes: int) -> np.ndarray:
        def make() -> np.ndarray:
            strike = cached_sound(self._sounds_dir, bells, sound, self.rate, bell_strike)
            interval = self._n(BELL_STRIKE_INTERVAL_MS)
            out = np.zeros((strikes - 1) * interval + len(strike), dtype=np.float32)
            for k in range(strikes):
                out[k * interval:k * interval + len(strike)] += strike
            return out * (levels.BELL_PEAK.get(sound, 0.4) / max(float(np.max(np.abs(out))), 1e-9))

        return self._cached(("bell", sound, strikes), make)

    def _clip_part(self, index: int, offset: int, length: int) -> np.ndarray:
        """Samples [offset, offset+length) of clip segment `index`: the recording's own samples
        at one gain (the whole recording's: its loudness brought to the voice's, unless its
        peak would pass the voice's peak limit), faded only at the ends of its run (ClipRun)."""
        seg = self.timeline.segments[index]
        run = self._runs.get(index) or ClipRun(0, seg.audio_samples, seg.clip_offset_sample)
        assert seg.clip_path is not None  # (a clip segment always names its recording)
        samples, lufs, peak = self.sources.clip_samples_array(seg.clip_path)
        length = max(0, min(length, seg.audio_samples - offset))
        if length == 0:
            return np.zeros(0, dtype=np.float32)
        begin = seg.clip_offset_sample + offset
        if self._presence is None:
            part = np.asarray(samples[begin:begin + length], dtype=np.float32)
        else:  # the filter's reach on each side, zeros outside the run's own range
            reach = len(self._presence) // 2
            lo, hi = run.source_start, run.source_start + run.n_samples
            wide = np.zeros(length + 2 * reach, dtype=np.float32)
            a, b = max(lo, begin - reach), min(hi, begin + length + reach)
            wide[a - (begin - reach):b - (begin - reach)] = samples[a:b]
            part = np.convolve(wide, self._presence, mode="valid").astype(np.float32)
        gain = levels.voice_gain(lufs, peak)
        fade = self._n(levels.CLIP_FADE_MS)
        envelope = levels.fade_envelope(len(part), run.offset + offset, run.n_samples, fade, fade)
        return part * np.float32(gain) * envelope

    def _segment_part(self, index: int, offset: int, length: int) -> tuple[str, np.ndarray]:
        """(stem, samples for [offset, offset+length) of segment `index`; may be shorter)."""
        seg = self.timeline.segments[index]
        if seg.kind == "speech":
            return "voice", self._speech(seg)[offset:offset + length]
        if seg.kind == "clip":
            return "voice", self._clip_part(index, offset, length)
        if seg.kind == "bell":
            return "bells", self._bell(seg.sound or "bowl", seg.strikes)[offset:offset + length]
        if seg.kind == "reflection" and seg.n_samples > 0:
            chime = self._bell("soft", 1)
            chime_start = max(0, seg.n_samples - len(chime))
            out = np.zeros(length, dtype=np.float32)
            lo, hi = max(offset, chime_start), min(offset + length, chime_start + len(chime))
            if hi > lo:
                out[lo - offset:hi - offset] = chime[lo - chime_start:hi - chime_start]
            return "bells", out
        return "voice", np.zeros(0, dtype=np.float32)

    # -- rendering ------------------------------------------------------------

    def render_stems(self, start: int, n: int) -> dict[str, np.ndarray]:
        """Voice, bells and ambience for samples [start, start+n), float32, before listener gains."""
        stems = {name: np.zeros(n, dtype=np.float32) for name in STEMS}
        end = start + n
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        segments = self.timeline.segments
        while index < len(segments) and segments[index].start_sample < end:
            seg = segments[index]
            index += 1
            lo, hi = max(start, seg.start_sample), min(end, seg.end_sample)
            if hi <= lo or seg.kind == "silence":
                continue
            stem, part = self._segment_part(index - 1, lo - seg.start_sample, hi - lo)
            if len(part):
                stems[stem][lo - start:lo - start + len(part)] += part
        stems["ambience"] = self._ambience(start, n)
        return stems

    def _duck_weight(self, positions: np.ndarray) -> np.ndarray:
        """How far the bed is down at `positions`: 0 away from the voice, 1 under it, along a
        raised-cosine curve (see levels.Ducking)."""
        attack = float(self._n(levels.DUCK_RAMP_MS))
        release = float(self._n(levels.DUCK_RELEASE_MS))
        weight = np.zeros(len(positions), dtype=np.float64)
        first, last = positions[0], positions[-1]
        for a, b in self._voice_spans:
            if b + release < first or a - attack > last:
                continue
            rising = np.clip((positions - (a - attack)) / attack, 0.0, 1.0)
            falling = np.clip(1.0 - (positions - b) / release, 0.0, 1.0)
            w = np.minimum(rising, falling)
            weight = np.maximum(weight, 0.5 - 0.5 * np.cos(np.pi * w))
        return weight

    def _duck(self, weight: np.ndarray, extra_db: float = 0.0) -> np.ndarray:
        """Linear gain of the bed for duck `weight` (self.ducking; see levels.Ducking), with
        `extra_db` more under the voice (a pitched bed: levels.PITCHED_EXTRA_UNDER_VOICE_DB)."""
        gain_db = self.ducking.bed_db + (self.ducking.under_voice_db + extra_db) * weight
        return (10.0 ** (gain_db / 20.0)).astype(np.float32)

    def _loop(self, name: str, unpitched: bool = False) -> np.ndarray:
        key = f"{name}-unpitched" if unpitched else name
        if key not in self._loops:
            make = (lambda _key, rate: ambience.unpitched_loop(name, rate)) if unpitched else ambience_loop
            self._loops[key] = cached_sound(self._sounds_dir, ambience, key, self.rate, make)
        return self._loops[key]

    def _ambience(self, start: int, n: int) -> np.ndarray:
        """The beds at their levels, ducked under the voice; a pitched bed (ambience.PITCHED)
        turns into its unpitched wash as it ducks (equal-power crossfade: the level follows
        the duck alone) and ducks levels.PITCHED_EXTRA_UNDER_VOICE_DB further along the same
        curve (gone under the voice), and back as it rises."""
        out = np.zeros(n, dtype=np.float32)
        if not self._beds or n == 0:
            return out
        positions = np.arange(start, start + n, dtype=np.float64)
        weight = duck = None
        for name, (xs, ys) in self._beds.items():
            gain = np.interp(positions, xs, ys)
            if not np.any(gain):
                continue
            if weight is None:
                weight = self._duck_weight(positions)
                duck = self._duck(weight)
            idx = (np.arange(start, start + n) % len(self._loop(name)))
            bed = self._loop(name)[idx]
            bed_duck = duck
            if self.unpitched_under_voice and name in ambience.PITCHED and np.any(weight):
                angle = weight * (np.pi / 2)
                bed = bed * np.cos(angle) + self._loop(name, unpitched=True)[idx] * np.sin(angle)
                bed_duck = self._duck(weight, levels.PITCHED_EXTRA_UNDER_VOICE_DB)
            out += (bed * gain * bed_duck).astype(np.float32)
        return out

    def render(self, start: int, n: int, gains: StemGains | None = None) -> np.ndarray:
        """Mixed float32 for samples [start, start+n) (past the end: silence)."""
        g = gains or StemGains()
        stems = self.render_stems(start, n)
        return stems["voice"] * g.voice + stems["bells"] * g.bells + stems["ambience"] * g.ambience
