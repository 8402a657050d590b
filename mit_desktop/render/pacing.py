"""How long a sentence's phrase pauses are, and where each phrase's audio sits in the sentence.

A sentence is spoken as its phrases (:mod:`mit_desktop.render.phrasing`), each
synthesised and cached on its own, joined by silences. The silences are sized
from the cached audio, so the sentence's pace over its voiced span (first voiced
frame to last, in-sentence pauses included) comes to ``TARGET_WPM`` at the
default rate, within each boundary's minimum and maximum pause. The listener's
pacing multiplies every phrase pause, like every other gap.

A sentence's voiced span has one measure (:func:`voiced_span_samples` on the voice as it
plays, :func:`speech_at_level`): the pacer checks each sentence with it, and
``mit-desktop analyze`` and ``benchmarks/bench_speech.py`` report with it, so a sentence the
pacer passes is one the measurements pass.

Everything here is arithmetic on whole samples: the layout (which slice of which
cached phrase goes at which sample of the sentence) is decided once, when the
timeline is built, and the mixer only follows it, so the timeline, the rendered
file and the player agree sample for sample, whatever Piper would make next time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mit_desktop.render import levels
from mit_desktop.render.loudness import loudness_lufs
from mit_desktop.render.phrasing import (
    CHUNK,
    CLAUSE,
    PUNCT,
    VOICE_WPM_PER_RATE,
    WEAK,
    Phrase,
    split_phrases,
)
from mit_desktop.session.timeline import SpeechPart

if TYPE_CHECKING:
    from mit_desktop.render.speech import SpeechRef

#: The default voice rate (ListeningSettings.rate) the target pace is set for.
DEFAULT_RATE = 0.75
#: Words a minute over each sentence's voiced span, phrase pauses included, at the default rate
#: and pacing (guidance for older listeners: about 120 to 150, with pauses at phrase boundaries).
TARGET_WPM = 140.0
#: Shortest pause at each kind of boundary, before the listener's pacing (ms).
MIN_PAUSE_MS = {PUNCT: 300, CLAUSE: 250, CHUNK: 200, WEAK: 150}
#: Longest phrase pause, before the listener's pacing (ms).
MAX_PAUSE_MS = 1100
#: Share of a sentence's missing time each kind of boundary takes (stronger: longer).
PAUSE_WEIGHT = {PUNCT: 1.4, CLAUSE: 1.2, CHUNK: 1.0, WEAK: 0.8}
#: A sentence that would still be faster than this with its planned pauses (short
#: sentences come out fastest) gets up to MAX_EXTRA_PAUSES more phrase boundaries, and when
#: none is left, is spoken again at the voice rate times SLOWER_VOICE.
MAX_SENTENCE_WPM = 160.0
MAX_EXTRA_PAUSES = 2
#: A sentence still faster than MAX_SENTENCE_WPM at the slower voice (a few short ones of
#: short words: "You might see the two of you in it.") has its phrase pauses stretched past
#: MAX_PAUSE_MS, just enough for MAX_SENTENCE_WPM, but no further than this (ms, before pacing).
STRETCHED_MAX_PAUSE_MS = 1800
#: 0.75 becomes 0.65, the clearest rate measured (word error 22.2 % against 22.7 % at 0.75;
#: 27 % at 0.6: a slower voice blurs).
SLOWER_VOICE = 0.87
#: A sentence of one phrase (nothing to stretch) still faster than MAX_SENTENCE_WPM at the
#: slower voice is spoken again a little slower, but never slower than SLOWER_VOICE times this.
LAST_RESORT_VOICE = 0.9
#: Piper's timing varies from one synthesis of the same words to the next (measured: "There
#: is no wrong answer." at one rate took from 159 to 170 words a minute over ten takes), so
#: each new take aims this far under MAX_SENTENCE_WPM, is measured, and if it is still above
#: it, another is made, up to LAST_RESORT_TAKES; the slowest take is kept.
LAST_RESORT_AIM = 0.95
LAST_RESORT_TAKES = 3
#: Quiet kept at a phrase's inner edges, so a soft consonant is never cut (ms).
EDGE_MARGIN_MS = 20
#: A 10 ms frame quieter than this (dBFS, the voice at its playing level) is not voice: the one
#: threshold of the pacer, `mit-desktop analyze` and bench_speech (and analyze's silences).
QUIET_DBFS = -50.0
_FRAME_MS = 10
_VOICED_FLOOR = 10 ** (QUIET_DBFS / 20)


def target_wpm(rate: float) -> float:
    """The planned pace for voice `rate`: TARGET_WPM at the default rate, faster in proportion."""
    return TARGET_WPM * rate / DEFAULT_RATE


def expected_wpm(rate: float, pacing: float) -> float:
    """The pace a listener can expect (words a minute over each sentence, phrase pauses
    included) at listener `rate` and `pacing`, as planned: the voice's own pace plus the
    planned pauses scaled by `pacing`. For Settings; measured figures come from `analyze`."""
    voice_min_per_word = 1 / (VOICE_WPM_PER_RATE * rate)
    pause_min_per_word = max(0.0, 1 / target_wpm(rate) - voice_min_per_word)
    return 1 / (voice_min_per_word + pacing * pause_min_per_word)


def voiced_bounds(audio: np.ndarray, sample_rate: int, floor: float = _VOICED_FLOOR) -> tuple[int, int]:
    """(first, end) sample of the voiced part: the 10 ms frames above `floor` (linear, of full
    scale, QUIET_DBFS unless given; int16 audio is scaled). (0, len) when nothing is voiced.
    Give it the voice at its playing level (speech_at_level) to measure as analyze does."""
    x = np.asarray(audio)
    scale = 32768.0 if x.dtype == np.int16 else 1.0
    frame = max(1, sample_rate * _FRAME_MS // 1000)
    n = len(x) // frame * frame
    if n == 0:
        return 0, len(x)
    frames = x[:n].astype(np.float64).reshape(-1, frame) / scale
    active = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > floor)
    if not len(active):
        return 0, len(x)
    return int(active[0]) * frame, min(len(x), (int(active[-1]) + 1) * frame)


def voiced_span_samples(voice: np.ndarray, sample_rate: int) -> int:
    """A sentence's voiced span (samples, first voiced frame to last, phrase pauses included)
    of `voice` at its playing level: the measure of the pacer, analyze and bench_speech."""
    first, end = voiced_bounds(voice, sample_rate)
    return end - first


def speech_at_level(raw: np.ndarray, sample_rate: int) -> np.ndarray:
    """`raw` speech (float, full scale 1.0) as it plays: at levels.VOICE_LUFS (peak
    limited), with its short fade in and out. float32, the same length."""
    x = np.asarray(raw, dtype=np.float32)
    gain = levels.voice_gain(loudness_lufs(x, sample_rate), float(np.max(np.abs(x), initial=0)))
    n = len(x)
    env = levels.fade_envelope(n, 0, n, sample_rate * levels.SPEECH_FADE_IN_MS // 1000,
                               sample_rate * levels.SPEECH_FADE_OUT_MS // 1000)
    return (x * np.float32(gain) * env).astype(np.float32)


def sentence_audio(parts: Sequence[SpeechPart], n_samples: int, load: Callable[[str], np.ndarray],
                   sample_rate: int) -> np.ndarray:
    """The sentence's phrases at their offsets (float32, full scale 1.0), silence between them;
    a phrase's inner edges (where its quiet was trimmed) get a PHRASE_EDGE_FADE_MS fade.
    `load(key)` gives a cached phrase's int16 samples."""
    out = np.zeros(n_samples, dtype=np.float32)
    fade = int(round(levels.PHRASE_EDGE_FADE_MS * sample_rate / 1000))
    last = len(parts) - 1
    for index, part in enumerate(parts):
        source = load(part.key)
        piece = source[part.source_start:part.source_start + part.n_samples].astype(np.float32) / 32767.0
        env = levels.fade_envelope(len(piece), 0, len(piece), fade if index else 0,
                                   fade if index < last else 0)
        out[part.offset:part.offset + len(piece)] += piece * env
    return out


def plan_pauses_ms(voiced_ms: float, words: int, strengths: Sequence[int], rate: float,
                   wpm: float | None = None, longest_ms: float = MAX_PAUSE_MS) -> list[float]:
    """Pause after each phrase but the last (ms, before pacing), so `words` words over
    `voiced_ms` of voice plus the pauses come to `wpm` (default target_wpm(rate)), each pause
    between its boundary's minimum and `longest_ms`, longer at stronger boundaries."""
    if not strengths:
        return []
    missing = words * 60_000 / (wpm or target_wpm(rate)) - voiced_ms
    lows = [float(MIN_PAUSE_MS[s]) for s in strengths]
    weights = [PAUSE_WEIGHT[s] for s in strengths]
    top = float(longest_ms)

    def total(scale: float) -> float:
        return sum(min(top, max(lo, scale * w)) for lo, w in zip(lows, weights))

    if total(0.0) >= missing:
        return lows
    if total(top) <= missing:
        return [top] * len(strengths)
    lo_scale, hi_scale = 0.0, top
    for _ in range(40):  # bisection: total() is monotonic in scale
        mid = (lo_scale + hi_scale) / 2
        lo_scale, hi_scale = (mid, hi_scale) if total(mid) < missing else (lo_scale, mid)
    return [min(top, max(lo, hi_scale * w)) for lo, w in zip(lows, weights)]


@dataclass(frozen=True)
class SentenceLayout:
    """A sentence's audio: slices of cached phrases at sample offsets, `n_samples` long."""

    parts: tuple[SpeechPart, ...]
    n_samples: int


@dataclass(frozen=True)
class PhraseAudio:
    """A cached phrase: its key, length and voiced bounds (samples)."""

    key: str
    n_samples: int
    voiced_start: int
    voiced_end: int


def layout_sentence(phrases: Sequence[Phrase], audio: Sequence[PhraseAudio], rate: float,
                    pacing: float, sample_rate: int, wpm: float | None = None,
                    longest_ms: float = MAX_PAUSE_MS) -> SentenceLayout:
    """Place the phrases one after another with the planned pauses (plan_pauses_ms, towards
    `wpm`, none longer than `longest_ms`) between their voiced parts.

    The first phrase keeps Piper's quiet before it and the last its quiet after, as a
    whole-sentence synthesis would; inner edges keep EDGE_MARGIN_MS of their quiet.
    """
    margin = sample_rate * EDGE_MARGIN_MS // 1000
    voiced_ms = sum(a.voiced_end - a.voiced_start for a in audio) * 1000 / sample_rate
    words = sum(p.words for p in phrases)
    pauses = plan_pauses_ms(voiced_ms, words, [p.boundary for p in phrases[:-1]], rate, wpm, longest_ms)
    parts: list[SpeechPart] = []
    voiced_end_at = 0  # sentence sample where the previous phrase's voice ends
    end = 0
    for index, phrase in enumerate(audio):
        first, last = index == 0, index == len(audio) - 1
        src_start = 0 if first else max(0, phrase.voiced_start - margin)
        src_end = phrase.n_samples if last else min(phrase.n_samples, phrase.voiced_end + margin)
        if first:
            offset = 0
        else:
            pause = round(pauses[index - 1] * pacing * sample_rate / 1000)
            offset = max(end, voiced_end_at + pause - (phrase.voiced_start - src_start))
        parts.append(SpeechPart(phrase.key, src_start, src_end - src_start, offset))
        voiced_end_at = offset + (phrase.voiced_end - src_start)
        end = offset + src_end - src_start
    return SentenceLayout(tuple(parts), end)


class PhrasedSpeech:
    """Sentences as phrases with pauses, over any phrase source with `ensure` and `load`."""

    def __init__(self, ensure: Callable[[str | None, float, str], SpeechRef],
                 load: Callable[[str], np.ndarray], sample_rate: int) -> None:
        self._ensure = ensure
        self._load = load
        self.sample_rate = sample_rate
        self._bounds: dict[str, tuple[int, int]] = {}
        self._spans: dict[tuple[SpeechPart, ...], int] = {}

    def phrase(self, voice_id: str | None, rate: float, text: str) -> PhraseAudio:
        """The cached phrase (synthesised if missing) and its voiced bounds, measured on the
        phrase at its playing level as analyze measures a sentence."""
        ref = self._ensure(voice_id, rate, text)
        key, n = ref.key, ref.n_samples
        if key not in self._bounds:
            raw = self._load(key).astype(np.float32) / 32767.0
            self._bounds[key] = voiced_bounds(speech_at_level(raw, self.sample_rate), self.sample_rate)
        start, end = self._bounds[key]
        return PhraseAudio(key, n, start, end)

    def sentence(self, voice_id: str | None, rate: float, text: str, pacing: float) -> SentenceLayout:
        """Synthesise (or find cached) each phrase of `text` and lay the sentence out.
        `rate` is the voice rate asked for (session times listener). A sentence faster than
        MAX_SENTENCE_WPM (scaled with the rate) at pacing 1 gets more boundaries, or else the
        voice at `rate * SLOWER_VOICE`, and if it is still too fast, phrase pauses stretched
        towards MAX_SENTENCE_WPM up to STRETCHED_MAX_PAUSE_MS, or for a sentence of one phrase,
        checked takes of a slightly slower voice (_slower_take)."""
        target = target_wpm(rate)
        phrases = split_phrases(text, rate, target)
        audio = [self.phrase(voice_id, rate, p.text) for p in phrases]
        extra = 0
        # each decision reads the cached audio, so the same sentence is laid out the same way
        while self._too_fast(phrases, audio, rate):
            extra += 1
            more = split_phrases(text, rate, target, extra) if extra <= MAX_EXTRA_PAUSES else phrases
            if len(more) == len(phrases):  # no boundary left: the clearest slower voice
                audio = [self.phrase(voice_id, rate * SLOWER_VOICE, p.text) for p in phrases]
                break
            phrases, audio = more, [self.phrase(voice_id, rate, p.text) for p in more]
        if len(phrases) == 1 and self._too_fast(phrases, audio, rate):
            audio = self._slower_take(voice_id, rate, phrases, audio)
        if len(phrases) > 1 and self._too_fast(phrases, audio, rate):
            return layout_sentence(phrases, audio, rate, pacing, self.sample_rate,
                                   _max_wpm(rate), STRETCHED_MAX_PAUSE_MS)
        return layout_sentence(phrases, audio, rate, pacing, self.sample_rate)

    def _slower_take(self, voice_id: str | None, rate: float, phrases: Sequence[Phrase],
                     audio: Sequence[PhraseAudio]) -> list[PhraseAudio]:
        """The one phrase of a sentence too fast at the slower voice (`audio`), spoken again:
        each take aims at LAST_RESORT_AIM of the limit from the last take's measured pace, no
        slower than ``rate * SLOWER_VOICE * LAST_RESORT_VOICE``, until one is within the limit
        or LAST_RESORT_TAKES are made; the slowest is kept. A take is cached by its voice rate
        (3 decimals), so a take at a rate already tried is made 0.001 faster to be a new one."""
        text = phrases[0].text
        floor = round(rate * SLOWER_VOICE * LAST_RESORT_VOICE, 3)
        take_rate = rate * SLOWER_VOICE
        take_wpm = self._wpm(phrases, audio, rate)
        best, best_wpm = list(audio), take_wpm
        tried = {round(take_rate, 3)}
        for _ in range(LAST_RESORT_TAKES):
            if best_wpm <= _max_wpm(rate):
                break
            take_rate = max(floor, round(take_rate * _max_wpm(rate) * LAST_RESORT_AIM / take_wpm, 3))
            while take_rate in tried:
                take_rate = round(take_rate + 0.001, 3)
            tried.add(take_rate)
            take = [self.phrase(voice_id, take_rate, text)]
            take_wpm = self._wpm(phrases, take, rate)
            if take_wpm < best_wpm:
                best, best_wpm = take, take_wpm
        return best

    def _too_fast(self, phrases: Sequence[Phrase], audio: Sequence[PhraseAudio], rate: float) -> bool:
        """Faster than MAX_SENTENCE_WPM (scaled with the rate) at pacing 1, by the one measure
        (voiced_span_samples of the sentence as it plays)."""
        return self._wpm(phrases, audio, rate) > _max_wpm(rate)

    def _wpm(self, phrases: Sequence[Phrase], audio: Sequence[PhraseAudio], rate: float) -> float:
        """Words a minute of the sentence at pacing 1, by the one measure."""
        layout = layout_sentence(phrases, audio, rate, 1.0, self.sample_rate)
        if layout.parts not in self._spans:
            voice = sentence_audio(layout.parts, layout.n_samples, self._load, self.sample_rate)
            self._spans[layout.parts] = voiced_span_samples(speech_at_level(voice, self.sample_rate),
                                                            self.sample_rate)
        words = sum(p.words for p in phrases)
        return words * 60 * self.sample_rate / max(self._spans[layout.parts], 1)


def _max_wpm(rate: float) -> float:
    """MAX_SENTENCE_WPM at the default rate, faster in proportion to `rate`."""
    return MAX_SENTENCE_WPM * rate / DEFAULT_RATE
