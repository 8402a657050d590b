"""Deterministic stand-ins for speech, clips and bells, for sample arithmetic tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mit_desktop.render.loudness import loudness_lufs

RATE = 22_050


@dataclass(frozen=True)
class FakeRef:
    key: str
    n_samples: int


@dataclass
class FakeSources:
    """Speech: a 300 Hz tone whose length depends on the text; clips: a 500 Hz tone of set length."""

    clip_lengths: dict[Path, int] = field(default_factory=dict)
    calls: list[tuple[str | None, float, str]] = field(default_factory=list)
    speech: dict[str, np.ndarray] = field(default_factory=dict)
    phrased: bool = False

    def ensure(self, voice_id: str | None, rate: float, text: str) -> FakeRef:
        self.calls.append((voice_id, rate, text))
        key = hashlib.sha256(f"{voice_id}|{rate}|{text}".encode()).hexdigest()
        n = 1000 + 97 * len(text)
        t = np.arange(n) / RATE
        self.speech[key] = np.round(np.sin(2 * np.pi * 300 * t) * 16000).astype(np.int16)
        return FakeRef(key, n)

    def sentence(self, voice_id: str | None, rate: float, text: str, pacing: float):
        """The sentence as one phrase (so sample arithmetic tests stay simple); with `phrased`,
        laid out in phrases with pauses exactly as the engine does."""
        if self.phrased:
            from mit_desktop.render.pacing import PhrasedSpeech

            return PhrasedSpeech(self.ensure, self.speech_samples, RATE).sentence(voice_id, rate, text, pacing)
        from mit_desktop.render.pacing import SentenceLayout
        from mit_desktop.session.timeline import SpeechPart

        ref = self.ensure(voice_id, rate, text)
        return SentenceLayout((SpeechPart(ref.key, 0, ref.n_samples, 0),), ref.n_samples)

    def clip_samples(self, path: Path) -> int:
        return self.clip_lengths[path]

    def bell_samples(self, sound: str, strikes: int) -> int:
        return strikes * 10_000 + 1234

    def speech_samples(self, key: str) -> np.ndarray:
        return self.speech[key]

    def clip_samples_array(self, path: Path) -> tuple[np.ndarray, float, float]:
        n = self.clip_lengths[path]
        t = np.arange(n) / RATE
        tone = (0.3 * np.sin(2 * np.pi * 500 * t)).astype(np.float32)
        return tone, loudness_lufs(tone, RATE), float(np.max(np.abs(tone), initial=0.0))
