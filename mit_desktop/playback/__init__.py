"""Real-time playback (Qt-free): the player engine and its output backends.

See docs/playback.md. The GUI turns `Player.events` into Qt signals.
"""

from mit_desktop.playback.backends import (
    Backend,
    BackendError,
    FileBackend,
    NullBackend,
    SimpleaudioBackend,
    create_backend,
)
from mit_desktop.playback.clock import Clock, FakeClock, RealClock
from mit_desktop.playback.player import Player

__all__ = [
    "Backend",
    "BackendError",
    "Clock",
    "FakeClock",
    "FileBackend",
    "NullBackend",
    "Player",
    "RealClock",
    "SimpleaudioBackend",
    "create_backend",
]
