"""The render engine: one object that turns a parsed session into a timeline and audio.

It wires the speech cache (Piper), decoded clips, bells and ambience to the
timeline builder and the mixer. Qt-free; the CLI, the player and the GUI all
use it, so they hear exactly the same samples.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mit_desktop import paths
from mit_desktop.render.bells import BELL_STRIKE_INTERVAL_MS, bell_samples
from mit_desktop.render.clips import (
    ClipError,
    DecodedClip,
    decode_clip,
    decode_clip_in_memory,
    find_cached_clip,
)
from mit_desktop.render.mixer import Mixer
from mit_desktop.render.pacing import PhrasedSpeech, SentenceLayout
from mit_desktop.render.speech import PiperSpeech, SpeechRef
from mit_desktop.session.errors import Problem
from mit_desktop.session.model import Session
from mit_desktop.session.timeline import (
    SAMPLE_RATE,
    ListeningSettings,
    SpeechPart,
    Timeline,
    TimelineBuilder,
    TimelineError,
)
from mit_desktop.session.transcript import TranscriptCue, read_text_parts, read_transcript

log = logging.getLogger(__name__)


class Engine:
    """Speech, clips and bells for sessions at `sample_rate` Hz, with caches under `cache_dir`."""

    def __init__(self, cache_dir: Path | None = None, sample_rate: int = SAMPLE_RATE,
                 voices_folder: Path | None = None) -> None:
        if cache_dir is None:
            try:
                cache_dir = paths.cache_dir()
            except OSError as exc:  # only a cache: speech is then kept in memory
                log.info("cache folder unusable: %s", exc)  # the speech cache says so once
                cache_dir = paths.cache_dir(create=False)
        self.cache_dir = Path(cache_dir)
        self.sample_rate = sample_rate
        self.speech = PiperSpeech(self.cache_dir / "speech", sample_rate, voices_folder)
        self.phrased = PhrasedSpeech(self.speech.ensure, self.speech.load, sample_rate)
        self.sounds_dir = self.cache_dir / "sounds"  # bells and ambience beds, made once
        self._clips: dict[Path, DecodedClip] = {}
        self._clip_lines: dict[Path, int] = {}
        self._session: Session | None = None

    # -- sources for the timeline builder -----------------------------------

    def ensure(self, voice_id: str | None, rate: float, text: str) -> SpeechRef:
        return self.speech.ensure(voice_id, rate, text)

    def sentence(self, voice_id: str | None, rate: float, text: str, pacing: float) -> SentenceLayout:
        """The sentence as cached phrases with pauses between them (synthesising what is missing)."""
        return self.phrased.sentence(voice_id, rate, text, pacing)

    def decoded_clip(self, path: Path) -> DecodedClip:
        """The decoded clip (decoding into the cache the first time). ClipError if it cannot be used."""
        if path not in self._clips:
            try:
                self._clips[path] = decode_clip(path, self.sample_rate, self.cache_dir / "clips")
            except ClipError as exc:
                if not exc.cache_problem:
                    raise
                # only a cache: the recording plays from memory, and the listener is told once
                self.speech.note_cache_problem(str(exc))
                self._clips[path] = decode_clip_in_memory(path, self.sample_rate)
        return self._clips[path]

    def clip_samples(self, path: Path) -> int:
        try:
            return self.decoded_clip(path).n_samples
        except ClipError as exc:
            session = self._session
            line = next((c.line for c in session.clips if c.path == path), 1) if session else 1
            raise TimelineError([Problem(session.path if session else path, line, None, str(exc))]) from None

    def clip_transcript(self, path: Path) -> list[TranscriptCue]:
        """The captions of a recording: the subtitle file beside it (session.transcript)."""
        return read_transcript(path)  # read each time: a file added later is seen

    def clip_text_parts(self, path: Path) -> list[str]:
        """The paragraphs of a plain text transcript beside the recording (session.transcript)."""
        return read_text_parts(path)

    def bell_samples(self, sound: str, strikes: int) -> int:
        one = bell_samples(sound, self.sample_rate)
        return (strikes - 1) * round(BELL_STRIKE_INTERVAL_MS * self.sample_rate / 1000) + one

    # -- sources for the mixer --------------------------------------------------

    def speech_samples(self, key: str) -> np.ndarray:
        return self.speech.load(key)

    def clip_samples_array(self, path: Path) -> tuple[np.ndarray, float, float]:
        clip = self.decoded_clip(path)
        return clip.samples(), clip.loudness_lufs, clip.peak

    # -- the public face --------------------------------------------------------

    def builder(self, session: Session, settings: ListeningSettings) -> TimelineBuilder:
        """A timeline builder for incremental use (the player renders ahead with it)."""
        self._session = session
        return TimelineBuilder(session, settings, self, self, self, self.sample_rate)

    def timeline(self, session: Session, settings: ListeningSettings,
                 progress: Callable[[int, int], None] | None = None) -> Timeline:
        """The whole timeline, synthesising any speech not yet in the cache."""
        return self.builder(session, settings).build(progress)

    def mixer(self, timeline: Timeline) -> Mixer:
        return Mixer(timeline, self)

    def needed_files(self, session: Session, settings: ListeningSettings) -> set[Path]:
        """The cache files a practice of `session` with `settings` reads, as far as they
        exist: every phrase the timeline's layout consults and the decoded recordings.
        Nothing is synthesised or decoded (what is missing is skipped); never raises."""
        walk = _CachedOnly(self)
        try:
            TimelineBuilder(session, settings, walk, walk, self, self.sample_rate).build()
        except Exception as exc:  # noqa: BLE001 - an unknown voice, a clip gone: keep what was found
            log.info("the files of %s are not all known: %s", session.id, exc)
        return walk.files

    def missing_sentences(self, session: Session, settings: ListeningSettings) -> int:
        """How many sentences of the practice are not fully in the speech cache (0: it plays
        at once with its final timeline). Nothing is synthesised; errors propagate."""
        walk = _CachedOnly(self)
        TimelineBuilder(session, settings, walk, walk, self, self.sample_rate).build()
        return walk.missing


class _NotCached(Exception):
    pass


class _CachedOnly:
    """Speech and clip lengths from the cache alone, recording the files read."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.files: set[Path] = set()
        self.missing = 0  # sentences not (fully) cached
        self._phrased = PhrasedSpeech(self.ensure, engine.speech.load, engine.sample_rate)

    def ensure(self, voice_id: str | None, rate: float, text: str) -> SpeechRef:
        speech = self.engine.speech
        key = speech.key(voice_id, rate, text)
        ref = speech.cached(key, mark=False)  # looking is not a use
        if ref is None:
            raise _NotCached(key)
        self.files.add(speech.path_for(key))
        return ref

    def sentence(self, voice_id: str | None, rate: float, text: str, pacing: float) -> SentenceLayout:
        try:
            return self._phrased.sentence(voice_id, rate, text, pacing)
        except _NotCached:  # this sentence is not rendered yet; the next ones may be
            self.missing += 1
            return SentenceLayout((SpeechPart("", 0, 0, 0),), 0)

    def clip_samples(self, path: Path) -> int:
        found = find_cached_clip(path, self.engine.sample_rate, self.engine.cache_dir / "clips")
        if found is None:
            return 2**40  # not decoded yet: any length will do for the walk
        self.files.update({found.cache_path, found.cache_path.with_suffix(".json")})
        return found.n_samples
