"""Speech: Piper synthesis of one sentence at a time, kept in a content-addressed cache.

Piper's output is not deterministic (the model samples noise), so the cache is
what makes a session sound, and last, the same every time: the timeline,
render and play all read the same cached sentences. The cache key covers the
engine and voice versions, the voice, the rate, the output sample rate and the
text. Cached sentences are raw 16-bit little-endian mono at the engine rate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from mit_desktop.fsutil import atomic_write_bytes, atomic_writer, disk_message
from mit_desktop.render.cache_limit import mark_used
from mit_desktop.render.resample import resample
from mit_desktop.render.voices import VoiceInfo, find_voice, voice_fingerprint

log = logging.getLogger(__name__)

CACHE_FORMAT = 1


class SpeechError(Exception):
    """Speech could not be made or stored; the message says why in plain words."""


@dataclass(frozen=True)
class SpeechRef:
    """A cached sentence: its key and its length in samples at the engine rate."""

    key: str
    n_samples: int


_cache_listeners: list[Callable[[str], None]] = []
_cache_problem_said = False


def on_cache_problem(listener: Callable[[str], None]) -> None:
    """Call ``listener(sentence)`` (from any thread) the first time, in this process, that
    speech cannot be kept in the cache and is kept in memory instead."""
    _cache_listeners.append(listener)


def _say_cache_problem(text: str) -> None:
    global _cache_problem_said
    if _cache_problem_said:
        return
    _cache_problem_said = True
    # said once: by the listeners (the window, `play`), else in the log
    (log.info if _cache_listeners else log.warning)("%s", text)
    for listener in list(_cache_listeners):
        try:
            listener(text)
        except RuntimeError:  # a window that has closed since: forget it
            _cache_listeners.remove(listener)
        except Exception:  # noqa: BLE001 - a listener must not stop playback
            log.exception("cache-problem listener failed")


class PiperSpeech:
    """Synthesises sentences with Piper into a cache folder.

    Thread-safe: one lock serialises model loading and synthesis (onnxruntime
    already uses both cores for one sentence).
    """

    def __init__(self, cache_dir: Path, sample_rate: int, voices_folder: Path | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.sample_rate = sample_rate
        self.voices_folder = voices_folder
        self._models: dict[str, Any] = {}
        self._voices: dict[str | None, VoiceInfo] = {}
        self._fingerprints: dict[str, str] = {}
        self._lock = threading.RLock()
        #: sentences kept in memory because the cache folder cannot be written
        self._memory: dict[str, np.ndarray] = {}
        #: why the cache cannot be written (None while it works)
        self.cache_problem: str | None = None
        self.synthesis_count = 0
        self._marked: set[str] = set()  # keys whose use was recorded in this process

    # -- voices ------------------------------------------------------------

    def voice(self, voice_id: str | None) -> VoiceInfo:
        """Resolve a voice id (None: the default); VoiceError if it is not installed."""
        with self._lock:
            if voice_id not in self._voices:
                self._voices[voice_id] = find_voice(voice_id, self.voices_folder)
            return self._voices[voice_id]

    def _model(self, voice: VoiceInfo) -> Any:
        if voice.id not in self._models:
            from piper import PiperVoice

            log.info("loading Piper voice %s", voice.id)
            try:
                self._models[voice.id] = PiperVoice.load(voice.model_path, config_path=voice.config_path)
            except Exception as exc:  # onnxruntime raises its own types for a broken model
                raise SpeechError(f"The voice '{voice.id}' could not be loaded ({exc}). "
                                  f"Its files may be damaged: {voice.model_path}") from None
        return self._models[voice.id]

    # -- cache -------------------------------------------------------------

    def key(self, voice_id: str | None, rate: float, text: str) -> str:
        voice = self.voice(voice_id)
        if voice.id not in self._fingerprints:
            self._fingerprints[voice.id] = self._remembered_fingerprint(voice)
        material = json.dumps(
            {
                "format": CACHE_FORMAT,
                "engine": "piper",
                "engine_version": metadata.version("piper-tts"),
                "voice": voice.id,
                "voice_version": self._fingerprints[voice.id],
                "rate": round(rate, 3),
                "sample_rate": self.sample_rate,
                "text": text,
            },
            sort_keys=True,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _remembered_fingerprint(self, voice: VoiceInfo) -> str:
        """The voice's fingerprint, remembered across runs while its files keep size and time
        (hashing a 60 MB model takes about 50 ms at every start otherwise)."""
        stats = [voice.model_path.stat(), voice.config_path.stat()]
        stamp = "|".join(f"{p}:{s.st_size}:{s.st_mtime_ns}"
                         for p, s in zip((voice.model_path, voice.config_path), stats))
        memo = self.cache_dir / "voice-fingerprints.json"
        try:
            known = json.loads(memo.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict) and isinstance(known.get(stamp), str):
            return known[stamp]
        digest = voice_fingerprint(voice)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(memo, json.dumps({**(known if isinstance(known, dict) else {}),
                                                 stamp: digest}).encode("utf-8"))
        except OSError as exc:
            log.info("could not remember the voice fingerprint: %s", exc)  # only a cache
        return digest

    def path_for(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.s16"

    def cached(self, key: str, mark: bool = True) -> SpeechRef | None:
        """The cached sentence for `key`, or None; reads only the file's size. With `mark`,
        the first look in this process records a use (render.cache_limit)."""
        kept = self._memory.get(key)
        if kept is not None:
            return SpeechRef(key, len(kept))
        path = self.path_for(key)
        try:
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:  # an unreadable cache: make the sentence again
            return None
        if mark and key not in self._marked:  # least recently used goes first when the cache is pruned
            self._marked.add(key)
            mark_used(path)
        return SpeechRef(key, size // 2)

    def load(self, key: str) -> np.ndarray:
        """The cached sentence's samples (int16). SpeechError if it vanished from the cache."""
        kept = self._memory.get(key)
        if kept is not None:
            return kept
        try:
            return np.fromfile(self.path_for(key), dtype="<i2")
        except OSError as exc:
            raise SpeechError(f"Cached speech is missing ({exc.strerror}); it will be made again "
                              "if you start the session again.") from None

    # -- synthesis ---------------------------------------------------------

    def synthesize(self, voice_id: str | None, rate: float, text: str) -> np.ndarray:
        """Piper alone: int16 samples at the engine rate for `text` at `rate` (1.0 = normal)."""
        from piper import SynthesisConfig

        with self._lock:
            voice = self.voice(voice_id)
            model = self._model(voice)
            config = SynthesisConfig(length_scale=1.0 / rate)
            chunks = [chunk.audio_float_array for chunk in model.synthesize(text, syn_config=config)]
            self.synthesis_count += 1
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        if voice.sample_rate != self.sample_rate:
            audio = resample(audio, voice.sample_rate, self.sample_rate)
        return np.round(np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")

    def ensure(self, voice_id: str | None, rate: float, text: str) -> SpeechRef:
        """The cached sentence, synthesising and storing it first if needed."""
        key = self.key(voice_id, rate, text)
        found = self.cached(key)
        if found is not None:
            return found
        samples = self.synthesize(voice_id, rate, text)
        target = self.path_for(key)
        if self.cache_problem is None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with atomic_writer(target) as handle:
                    handle.write(samples.tobytes())
                return SpeechRef(key, len(samples))
            except OSError as exc:
                # only a cache: play on, keeping the speech in memory, and say so once
                self.cache_problem = disk_message(exc, target)
                _say_cache_problem(
                    f"The speech cache in {self.cache_dir} cannot be written "
                    f"({self.cache_problem}) Playing on without it: the voice is made again "
                    "each time, so a practice may take a little longer to start.")
        self._memory[key] = samples
        return SpeechRef(key, len(samples))

    def note_cache_problem(self, problem: str) -> None:
        """Another cache (decoded recordings) could not be written: say it once, as for
        speech, and keep ``cache_problem`` for the window's note."""
        if self.cache_problem is None:
            self.cache_problem = problem
        _say_cache_problem(
            f"The cache in {self.cache_dir.parent} cannot be written ({problem}) Playing on "
            "without it: recordings are decoded again each time, so a practice may take a "
            "little longer to start.")
