"""What the player tells its listeners: plain callbacks carrying small frozen records.

Every callback runs on the player's feeder thread. A listener must return
quickly and must not block; it may call the player's methods (they only post
a request). The GUI's bridge turns these into queued Qt signals. An exception
raised by a listener is logged and otherwise ignored: a broken listener never
stops the sound.

Positions are given both in samples (exact) and in whole milliseconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from mit_desktop.session.model import RatingScale

log = logging.getLogger(__name__)

T = TypeVar("T")

# Player states (the `state` signal and `Player.state`).
IDLE = "idle"  # opened, not started
PLAYING = "playing"  # sound is being handed to the backend
BUFFERING = "buffering"  # playing, but waiting for speech still being made
PAUSED = "paused"  # paused by the listener, by a device fault or by a render fault
REFLECTION = "reflection"  # interactive mode: stopped at a reflection, waiting for continue_()
STOPPED = "stopped"
FINISHED = "finished"
#: the states in which sound is being handed over (the heard position moves)
ACTIVE = (PLAYING, BUFFERING)


class Signal(Generic[T]):
    """A list of callbacks taking one argument of type T."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._slots: list[Callable[[T], object]] = []
        self._lock = threading.Lock()

    def connect(self, slot: Callable[[T], object]) -> None:
        with self._lock:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[[T], object]) -> None:
        with self._lock:
            self._slots.remove(slot)

    def emit(self, value: T) -> None:
        with self._lock:
            slots = list(self._slots)
        for slot in slots:
            try:
                slot(value)
            except Exception:  # a listener's bug must not stop playback
                log.exception("listener of %s failed", self.name)


@dataclass(frozen=True)
class Position:
    """Where the listener is: `position_sample` heard so far (exact when not playing,
    within 30 ms while playing); `duration_ms` is None while the end is not yet known."""

    position_sample: int
    position_ms: int
    duration_ms: int | None
    state: str


@dataclass(frozen=True)
class SectionEntered:
    index: int
    title: str
    start_ms: int


@dataclass(frozen=True)
class Caption:
    """The sentence being spoken (or last spoken): `index` counts sentences from 0."""

    index: int
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ReflectionReached:
    """A reflection point was reached. `waiting` is True in interactive mode: the sound
    has stopped exactly at `start_sample` and continues on `Player.continue_()`."""

    index: int
    prompt: str
    inputs: tuple[str, ...]
    start_sample: int
    position_ms: int
    waiting: bool
    scale: RatingScale | None = None
    """What the rating measures (the question and the words at 0 and 10), if the script says."""


@dataclass(frozen=True)
class Finished:
    position_ms: int


@dataclass(frozen=True)
class PlayerError:
    """Something went wrong; `message` is for the listener, `kind` for code.

    kind: "device" (sound device could not be opened or stopped working),
    "render" (speech, a clip or the cache failed), "input" (bad request).
    `can_continue_silently`: `Player.continue_silently()` will go on with the
    null backend (captions still advance). `position_ms` is where playback stands.
    """

    kind: str
    message: str
    position_ms: int
    can_continue_silently: bool = False
    detail: str = ""
    #: kind "device": what was found, a BackendError state ("no-device", "not-opened",
    #: "stopped"), so a GUI can choose its own words.
    device_state: str = ""


@dataclass(frozen=True)
class BackendChanged:
    name: str
    reason: str


@dataclass(frozen=True)
class Checkpoint:
    """What the history store needs to resume a practice within 5 s of where it stopped.

    reason: "periodic", "pause", "reflection", "stop", "finished", "error", "seek".
    """

    session_id: str
    session_sha256: str
    position_ms: int
    position_sample: int
    mode: str
    reason: str


@dataclass
class PlayerEvents:
    """The player's signals. Connect with ``player.events.caption.connect(callback)``."""

    position: Signal[Position] = field(default_factory=lambda: Signal("position"))
    state: Signal[str] = field(default_factory=lambda: Signal("state"))
    section: Signal[SectionEntered] = field(default_factory=lambda: Signal("section"))
    caption: Signal[Caption] = field(default_factory=lambda: Signal("caption"))
    reflection: Signal[ReflectionReached] = field(default_factory=lambda: Signal("reflection"))
    finished: Signal[Finished] = field(default_factory=lambda: Signal("finished"))
    error: Signal[PlayerError] = field(default_factory=lambda: Signal("error"))
    backend_changed: Signal[BackendChanged] = field(
        default_factory=lambda: Signal("backend_changed")
    )
    checkpoint: Signal[Checkpoint] = field(default_factory=lambda: Signal("checkpoint"))
