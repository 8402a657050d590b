"""Real-time playback (Qt-free): the player engine; its outputs are in `output/`.

See docs/playback.md. The GUI turns `Player.events` into Qt signals.
"""

from mit_desktop.playback.clock import Clock, FakeClock, RealClock
from mit_desktop.playback.output import Backend, BackendError, create_backend
from mit_desktop.playback.player import Player

__all__ = [
    "Backend",
    "BackendError",
    "Clock",
    "FakeClock",
    "Player",
    "RealClock",
    "create_backend",
]
