"""Fixtures for the player tests.

A small session (ambience, bells, sentences, a pause, a reflection, a clip) and
an engine whose "voice" is a generated tone written through the real speech
cache, so these tests need no Piper and run in a second. The player runs on a
FakeClock with a recording null backend; `Rig.pump_until` advances the clock in
small steps and waits until the feeder has dealt with each step (no sleeps).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.playback.clock import FakeClock
from mit_desktop.playback.output import Backend
from mit_desktop.playback.output.null import NullBackend
from mit_desktop.playback.player import Player
from mit_desktop.render.engine import Engine
from mit_desktop.render.levels import to_int16
from mit_desktop.session.model import Session
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings, Timeline

RATE = 22_050

SCRIPT = """+++
id = "player-test"
title = "Player test"
+++

# Arriving

[ambience stream 60%]
[bell chime]

Breathe in gently. Let the breath go.

[pause 2s]

# Noticing

Notice your feet on the floor.

[reflect 5s note: What do you notice?]

# Closing

Thank you for practising.

[clip tone.wav]

[bell]
"""


def fake_voice(voice_id: str | None, rate: float, text: str) -> np.ndarray:
    """A 'sentence': a tone whose pitch and length depend on the text, with a soft envelope."""
    seed = int(hashlib.sha256(text.encode()).hexdigest()[:6], 16)
    n = int(RATE * (0.4 + 0.03 * len(text)))
    t = np.arange(n) / RATE
    envelope = np.sin(np.pi * np.arange(n) / n) ** 0.5
    tone = np.sin(2 * np.pi * (180 + seed % 200) * t) * envelope * 0.4
    return np.round(tone * 32767).astype("<i2")


def write_session(folder: Path, script: str = SCRIPT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(1.5 * RATE)) / RATE
    sf.write(
        str(folder / "tone.wav"),
        (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
        RATE,
        subtype="PCM_16",
    )
    path = folder / "player-test.session.md"
    path.write_text(script, encoding="utf-8")
    return path


@dataclass
class Rig:
    player: Player
    clock: FakeClock
    backend: Backend
    engine: Engine
    session: Session
    settings: ListeningSettings
    seen: dict[str, list[Any]] = field(default_factory=dict)

    def pump_until(
        self, predicate: Callable[[], bool], step_ms: int = 10, max_real_s: float = 60.0
    ) -> int:
        """Advance the fake clock until `predicate()`; returns the fake ms it took.

        Speech is made by a real thread, so the limit is in real time: a busy machine may
        need many fake steps while the player waits for speech (it is only buffering then).
        """
        elapsed = 0
        deadline = time.monotonic() + max_real_s
        self.settle()
        while not predicate():
            assert time.monotonic() < deadline, f"not reached ({elapsed} ms of fake time)"
            self.clock.advance_ms(step_ms)
            elapsed += step_ms
            self.settle()
        return elapsed

    def settle(self) -> None:
        """Wait until the feeder has taken every request and waits on the clock again."""
        assert self.player.sync(5.0)
        self.clock.settle(timeout_s=2.0)

    def wait_state(self, *states: str) -> None:
        self.pump_until(lambda: self.player.state in states)

    def timeline(self) -> Timeline:
        return self.engine.timeline(self.session, self.settings)

    def expected(self, timeline: Timeline | None = None) -> np.ndarray:
        """The whole session as `mit-desktop render` makes it (int16)."""
        tl = timeline or self.timeline()
        return to_int16(self.engine.mixer(tl).render(0, tl.n_samples))

    def states(self) -> list[str]:
        return [s for _t, s in self.seen["state"]]

    def events(self, name: str) -> list[Any]:
        return [item for _t, item in self.seen[name]]

    def recorded(self) -> np.ndarray:
        assert isinstance(self.backend, NullBackend)
        return self.backend.recorded()


def make_engine(cache: Path) -> Engine:
    engine = Engine(cache_dir=cache)
    engine.speech.synthesize = fake_voice  # type: ignore[method-assign]
    return engine


@pytest.fixture
def session_path(tmp_path: Path) -> Path:
    return write_session(tmp_path / "scripts")


@pytest.fixture
def make_rig(tmp_path: Path, session_path: Path) -> Iterator[Callable[..., Rig]]:
    players: list[Player] = []

    def make(
        mode: str = "hands-free",
        backend: Callable[[FakeClock], Backend] | None = None,
        declick_ms: int = 0,
        engine: Engine | None = None,
        open_player: bool = True,
        **kwargs: Any,
    ) -> Rig:
        clock = FakeClock()
        engine = engine or make_engine(tmp_path / "cache")
        made = backend(clock) if backend else NullBackend(clock, record=True)
        kwargs.setdefault("silent_backend", lambda c: NullBackend(c, record=True))
        player = Player(engine, made, clock, declick_ms=declick_ms, **kwargs)
        players.append(player)
        session = parse_session(session_path)
        settings = ListeningSettings(mode=mode)
        rig = Rig(player, clock, made, engine, session, settings)
        for name in (
            "position",
            "state",
            "section",
            "caption",
            "reflection",
            "finished",
            "error",
            "backend_changed",
            "checkpoint",
        ):
            log: list[Any] = []
            rig.seen[name] = log
            getattr(player.events, name).connect(
                lambda item, log=log, clock=clock: log.append((clock.now(), item))
            )
        if open_player:
            player.open(session, settings)
            assert player.wait_rendered(30.0)
        return rig

    yield make
    for player in players:
        player.close()


@pytest.fixture
def new_engine(tmp_path: Path) -> Callable[[], Engine]:
    """An engine with the tone voice and a cache of its own in this test's folder."""
    return lambda: make_engine(tmp_path / "cache")
