# Over 400 lines: one builder placing every kind of segment at exact samples; the placement rules depend on each other.
"""Session + listening settings -> an exact timeline of segments at sample positions.

Positions are exact samples; there is no grid. Each clip occupies exactly its
own samples (consecutive clips of one recording follow each other sample for
sample), a clip time t (microseconds, as written) is the sample round(t × rate),
speech occupies exactly its phrases' layout, and a duration written in
milliseconds (a pause, a gap, a reflection) is the nearest whole number of
samples. Milliseconds are for people (`Timeline.ms` rounds down). Speech
lengths come from the speech cache (synthesising what is missing), clip
lengths from the decoded-clip cache, so the timeline, the rendered file and
the player always agree sample for sample.

Hands-free mode: a reflection occupies its duration (silence, ambience
continuing, a soft chime ending at its end). Interactive mode: a reflection
has zero length and playback stops there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from mit_desktop.session.durations import us_to_sample
from mit_desktop.session.errors import Problem, SessionError
from mit_desktop.session.limits import MAX_TIMELINE_MS, format_limit_ms
from mit_desktop.session.model import (
    Ambience,
    Bell,
    Clip,
    Heading,
    Paragraph,
    Pause,
    RateChange,
    RatingScale,
    Reflect,
    Session,
    VoiceChange,
)
from mit_desktop.session.text import split_sentences, substitute
from mit_desktop.session.transcript import TranscriptCue
from mit_desktop.session.vocabulary import AMBIENCE_NAMES

log = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
#: a clip's `to` time may pass the decoded end by this much (decoders differ by a few
#: samples at the end of MP3 and AAC files); the clip then ends at the end
CLIP_END_TOLERANCE_MS = 20
HANDS_FREE = "hands-free"
INTERACTIVE = "interactive"
MODES = (HANDS_FREE, INTERACTIVE)


@dataclass(frozen=True)
class ListeningSettings:
    """How the listener wants to hear a session.

    `rate` multiplies the session's own speech rate (1.0 is the voice's
    natural pace). At the default 0.75 the voice itself speaks at about 190 words a
    minute and pauses between phrases bring each sentence to about 140
    (mit_desktop.render.pacing). `pacing` multiplies every phrase pause, sentence gap,
    paragraph gap and pause (not reflections, whose length the therapist chose). `voice` replaces the session's default
    voice; `[voice]` lines in the script still apply. `variables` override the
    session's defaults (e.g. the name used for `{loved_one}`). `ambience` replaces the
    script's beds ("off": none). `voice_clarity` (for hearing aids) keeps the background
    lower still and gently lifts the voice's presence range (render.levels).
    """

    voice: str | None = None
    rate: float = 0.75
    sentence_gap_ms: int = 1500
    paragraph_gap_ms: int = 3500
    pacing: float = 1.0
    mode: str = HANDS_FREE
    variables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    ambience: str | None = None
    voice_clarity: bool = False

    def __post_init__(self) -> None:
        if self.ambience is not None and self.ambience not in ("off", *AMBIENCE_NAMES):
            raise ValueError(f"ambience must be off or one of {', '.join(AMBIENCE_NAMES)}, "
                             f"not '{self.ambience}'")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not '{self.mode}'")
        if not 0.25 <= self.pacing <= 4.0:
            raise ValueError("pacing must be between 0.25 and 4")
        if not 0.5 <= self.rate <= 2.0:
            raise ValueError("rate must be between 0.5 and 2")


@dataclass(frozen=True)
class SpeechPart:
    """A slice of one cached phrase, `n_samples` from `source_start`, placed `offset` samples
    into its sentence (the silence between parts is the phrase pause)."""

    key: str
    source_start: int
    n_samples: int
    offset: int


@dataclass(frozen=True)
class Segment:
    """One stretch of the timeline, `n_samples` long from `start_sample`.

    kind: "speech" (text = the sentence, speech_parts = its phrases' cached audio and where
    each goes, speech_key = the first phrase's cache key),
    "silence" (a gap or pause), "bell" (sound, strikes), "clip" (clip_path,
    clip_offset_sample = where in the decoded clip it starts), "reflection"
    (text = prompt, reflection_index); "caption" (a recording's transcript cue, in
    Timeline.clip_captions only: shown, not played).
    """

    kind: str
    start_sample: int
    n_samples: int
    text: str | None = None
    speech_key: str | None = None
    audio_samples: int = 0
    sound: str | None = None
    strikes: int = 0
    clip_path: Path | None = None
    clip_offset_sample: int = 0
    reflection_index: int | None = None
    speech_parts: tuple[SpeechPart, ...] = ()

    @property
    def end_sample(self) -> int:
        return self.start_sample + self.n_samples


@dataclass(frozen=True)
class Section:
    title: str
    start_sample: int


@dataclass(frozen=True)
class ReflectionPoint:
    """A reflection: where it starts, its hands-free length, prompt (filled in) and inputs;
    `scale`: what its rating measures (filled in), or None."""

    index: int
    start_sample: int
    duration_ms: int
    prompt: str
    inputs: tuple[str, ...]
    line: int
    scale: RatingScale | None = None


@dataclass(frozen=True)
class AmbienceChange:
    """From `start_sample` the bed `name` (None: none) plays at `level_percent`."""

    start_sample: int
    name: str | None
    level_percent: int


@dataclass(frozen=True)
class Timeline:
    session_id: str
    session_sha256: str
    sample_rate: int
    mode: str
    segments: tuple[Segment, ...]
    sections: tuple[Section, ...]
    reflections: tuple[ReflectionPoint, ...]
    ambience: tuple[AmbienceChange, ...]
    n_samples: int
    voice_clarity: bool = False  # the mixer lowers the bed further and lifts the voice's presence
    #: captions of recordings (from a transcript beside each): "caption" segments, not played
    clip_captions: tuple[Segment, ...] = ()

    def ms(self, samples: int) -> int:
        """Whole milliseconds at or before the sample position (rounded down)."""
        return samples * 1000 // self.sample_rate

    @property
    def duration_ms(self) -> int:
        return self.ms(self.n_samples)

    @property
    def captions(self) -> tuple[Segment, ...]:
        """What is shown as captions, in time order: each spoken sentence, and the transcript
        cues of recordings (text from `start_sample` for `audio_samples`)."""
        speech = tuple(s for s in self.segments if s.kind == "speech")
        if not self.clip_captions:
            return speech
        return tuple(sorted(speech + self.clip_captions, key=lambda s: s.start_sample))

    def section_title_at(self, position_ms: int) -> str:
        """The title of the section playing at ``position_ms`` (the last one starting at or
        before it; ``""`` before the first section)."""
        title = ""
        for section in self.sections:  # compared in ms, as positions are reported
            if self.ms(section.start_sample) > position_ms:
                break
            title = section.title
        return title

    def to_json(self) -> dict:
        """The `timeline --json` document. Every position is exact in `*_sample` (at
        `sample_rate`); `*_ms` is the same position in whole milliseconds, rounded down."""
        segments = []
        for seg in self.segments:
            item: dict = {"kind": seg.kind, "start_sample": seg.start_sample,
                          "end_sample": seg.end_sample, "start_ms": self.ms(seg.start_sample),
                          "end_ms": self.ms(seg.end_sample)}
            if seg.text is not None:
                item["text"] = seg.text
            if seg.kind == "bell":
                item["sound"], item["strikes"] = seg.sound, seg.strikes
            if seg.kind == "clip":
                item["path"] = str(seg.clip_path)
                item["clip_offset_sample"] = seg.clip_offset_sample
            segments.append(item)
        return {
            "session_id": self.session_id,
            "mode": self.mode,
            "duration_ms": self.duration_ms,
            "n_samples": self.n_samples,
            "sample_rate": self.sample_rate,
            "segments": segments,
            "sections": [{"title": s.title, "start_sample": s.start_sample,
                          "start_ms": self.ms(s.start_sample)} for s in self.sections],
            "reflections": [
                {"start_sample": r.start_sample, "start_ms": self.ms(r.start_sample),
                 "duration_ms": r.duration_ms,
                 "prompt": r.prompt, "inputs": list(r.inputs),
                 **({"rating": {"question": r.scale.question, "low": r.scale.low,
                                "high": r.scale.high}} if r.scale else {})}
                for r in self.reflections
            ],
            "recording_captions": [
                {"start_sample": c.start_sample, "end_sample": c.end_sample,
                 "start_ms": self.ms(c.start_sample), "end_ms": self.ms(c.end_sample),
                 "text": c.text}
                for c in self.clip_captions
            ],
            "ambience": [
                {"start_sample": a.start_sample, "start_ms": self.ms(a.start_sample),
                 "name": a.name, "level_percent": a.level_percent}
                for a in self.ambience
            ],
        }


class SpeechSource(Protocol):
    """What the timeline needs from speech: a sentence laid out from cached phrases."""

    def sentence(self, voice_id: str | None, rate: float, text: str,
                 pacing: float) -> SentenceAudio: ...


class SentenceAudio(Protocol):
    """A sentence's audio as the timeline reads it (read-only: the render layer's
    ``SentenceLayout`` is a frozen dataclass)."""

    @property
    def parts(self) -> tuple[SpeechPart, ...]:
        """Slices of cached phrases at sample offsets."""
        ...

    @property
    def n_samples(self) -> int:
        """The sentence's length in samples at the timeline rate."""
        ...


class ClipSource(Protocol):
    def clip_samples(self, path: Path) -> int:
        """Length of the decoded clip in samples at the timeline rate."""
        ...


class TranscriptSource(Protocol):
    def clip_transcript(self, path: Path) -> list[TranscriptCue]:
        """The cues of the transcript beside the recording ([] when there is none)."""
        ...


class BellSource(Protocol):
    def bell_samples(self, sound: str, strikes: int) -> int:
        """Length of `strikes` strikes of `sound` in samples, ring included."""
        ...


class TimelineError(SessionError):
    """The script parsed, but a clip or voice it names cannot be used."""


class TimelineBuilder:
    """Builds a timeline cue by cue. `steps()` yields each segment as soon as it is known,
    so a player can start before the whole session's speech exists; `build()` runs to the end.
    """

    def __init__(
        self,
        session: Session,
        settings: ListeningSettings,
        speech: SpeechSource,
        clips: ClipSource,
        bells: BellSource,
        sample_rate: int = SAMPLE_RATE,
    ) -> None:
        self.session = session
        self.settings = settings
        self.speech = speech
        self.clips = clips
        self.bells = bells
        self.sample_rate = sample_rate
        self.variables = {**session.variables,
                          **{k: v for k, v in settings.variables.items() if k in session.variables}}
        self.segments: list[Segment] = []
        self.sections: list[Section] = []
        self.reflections: list[ReflectionPoint] = []
        self.ambience: list[AmbienceChange] = []
        self.clip_captions: list[Segment] = []
        self._parts_played: dict[Path, int] = {}  # clips of each recording placed so far
        self.position = 0
        self.done = False
        self._cue_line = 1

    def samples_for_ms(self, value_ms: float) -> int:
        """`value_ms` as the nearest whole number of samples (no grid)."""
        return max(0, round(value_ms * self.sample_rate / 1000))

    def _add(self, segment: Segment) -> Segment:
        if segment.end_sample > MAX_TIMELINE_MS * self.sample_rate // 1000:
            raise TimelineError([Problem(
                self.session.path, self._cue_line, None,
                f"by this line the session would last more than "
                f"{format_limit_ms(MAX_TIMELINE_MS)} as played; a session may last at most "
                f"{format_limit_ms(MAX_TIMELINE_MS)} even at the slowest pacing (shorten its "
                "pauses, reflections or recordings)")])
        self.segments.append(segment)
        self.position = segment.end_sample
        return segment

    def _silence(self, value_ms: float) -> Segment | None:
        n = self.samples_for_ms(value_ms * self.settings.pacing)
        return self._add(Segment("silence", self.position, n)) if n > 0 else None

    def steps(self) -> Iterator[Segment]:
        s = self.settings
        voice = s.voice or self.session.voice
        rate = self.session.rate
        for cue in self.session.cues:
            self._cue_line = cue.line
            if isinstance(cue, Heading):
                self.sections.append(Section(cue.title, self.position))
            elif isinstance(cue, Paragraph):
                sentences = split_sentences(substitute(cue.text, self.variables))
                for number, sentence in enumerate(sentences):
                    ref = self.speech.sentence(voice, rate * s.rate, sentence, s.pacing)
                    yield self._add(Segment("speech", self.position, ref.n_samples,
                                            text=sentence, speech_key=ref.parts[0].key,
                                            audio_samples=ref.n_samples, speech_parts=ref.parts))
                    last = number == len(sentences) - 1
                    gap = self._silence(s.paragraph_gap_ms if last else s.sentence_gap_ms)
                    if gap:
                        yield gap
            elif isinstance(cue, Pause):
                gap = self._silence(cue.duration_ms)
                if gap:
                    yield gap
            elif isinstance(cue, Bell):
                n = self.bells.bell_samples(cue.sound, cue.strikes)
                yield self._add(Segment("bell", self.position, n, sound=cue.sound, strikes=cue.strikes))
            elif isinstance(cue, Ambience):
                name = cue.name
                if name is not None and s.ambience is not None:
                    name = None if s.ambience == "off" else s.ambience
                self.ambience.append(AmbienceChange(self.position, name, cue.level_percent))
            elif isinstance(cue, Clip):
                yield self._clip(cue)
            elif isinstance(cue, Reflect):
                yield self._reflect(cue)
            elif isinstance(cue, VoiceChange):
                voice = cue.voice_id
            elif isinstance(cue, RateChange):
                rate = cue.rate
        self.done = True

    def _clip(self, cue: Clip) -> Segment:
        """The clip's own samples, exactly: [round(from × rate), round(to × rate)) of the
        decoded recording, placed at the current position with no padding."""
        total = self.clips.clip_samples(cue.path)
        start = 0 if cue.from_us is None else us_to_sample(cue.from_us, self.sample_rate)
        end = total if cue.to_us is None else us_to_sample(cue.to_us, self.sample_rate)
        length_ms = total * 1000 // self.sample_rate
        tolerance = self.samples_for_ms(CLIP_END_TOLERANCE_MS)
        if start >= total or end > total + tolerance:
            raise TimelineError([Problem(self.session.path, cue.line, None,
                                         f"the clip {cue.path.name} is only {length_ms / 1000:.1f} s long; "
                                         "its from/to times go past its end")])
        end = min(end, total)
        self._transcript(cue.path, start, end)
        return self._add(Segment("clip", self.position, end - start, clip_path=cue.path,
                                 clip_offset_sample=start, audio_samples=end - start))

    def _transcript(self, path: Path, start: int, end: int) -> None:
        """Captions for [start, end) of the recording, placed where that part plays."""
        part = self._parts_played.get(path, 0)
        self._parts_played[path] = part + 1
        paragraphs_of = getattr(self.clips, "clip_text_parts", None)
        paragraphs = paragraphs_of(path) if paragraphs_of is not None else []
        if paragraphs:  # untimed: one paragraph per part of the recording, in order
            parts = sum(1 for c in self.session.cues if isinstance(c, Clip) and c.path == path)
            if len(paragraphs) != parts:
                if part == 0:
                    log.info("%s: %d paragraphs for %d parts; no captions from it",
                             path.name, len(paragraphs), parts)
            elif end > start:
                self.clip_captions.append(Segment("caption", self.position, end - start,
                                                  text=paragraphs[part], audio_samples=end - start))
            return
        source = getattr(self.clips, "clip_transcript", None)
        if source is None:
            return
        for cue in source(path):
            a = max(start, us_to_sample(cue.start_us, self.sample_rate))
            b = min(end, us_to_sample(cue.end_us, self.sample_rate))
            if b > a:
                self.clip_captions.append(Segment("caption", self.position + a - start, b - a,
                                                  text=cue.text, audio_samples=b - a))

    def _reflect(self, cue: Reflect) -> Segment:
        index = len(self.reflections)
        prompt = substitute(cue.prompt, self.variables)
        scale = None
        if cue.scale is not None:
            scale = RatingScale(*(substitute(text, self.variables)
                                  for text in (cue.scale.question, cue.scale.low, cue.scale.high)))
        self.reflections.append(ReflectionPoint(index, self.position, cue.duration_ms, prompt,
                                                cue.inputs, cue.line, scale))
        n = self.samples_for_ms(cue.duration_ms) if self.settings.mode == HANDS_FREE else 0
        return self._add(Segment("reflection", self.position, n, text=prompt, reflection_index=index))

    def snapshot(self) -> Timeline:
        """The timeline as far as it is built (the whole of it once `done`)."""
        return Timeline(
            session_id=self.session.id,
            session_sha256=self.session.content_sha256,
            sample_rate=self.sample_rate,
            mode=self.settings.mode,
            segments=tuple(self.segments),
            sections=tuple(self.sections),
            reflections=tuple(self.reflections),
            ambience=tuple(self.ambience),
            n_samples=self.position,
            voice_clarity=self.settings.voice_clarity,
            clip_captions=tuple(self.clip_captions),
        )

    def sentence_count(self) -> int:
        """How many sentences the session speaks (for progress)."""
        return sum(len(split_sentences(substitute(c.text, self.variables)))
                   for c in self.session.cues if isinstance(c, Paragraph))

    def build(self, progress: Callable[[int, int], None] | None = None) -> Timeline:
        """Run every step. `progress(sentences_done, sentences_total)` after each sentence."""
        total = self.sentence_count() if progress else 0
        done = 0
        for segment in self.steps():
            if progress and segment.kind == "speech":
                done += 1
                progress(done, total)
        return self.snapshot()
