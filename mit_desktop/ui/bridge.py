"""Player events (emitted on the player's feeder thread) -> Qt signals on the GUI thread.

Each player callback only emits ``_raw`` with a name and the event's record; a
queued connection carries it to the GUI thread, where the typed signal is emitted.
No widget is touched from the feeder thread.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from mit_desktop.playback.events import PlayerEvents

log = logging.getLogger(__name__)

EVENT_NAMES = ("position", "state", "section", "caption", "reflection", "finished", "error",
               "backend_changed", "checkpoint")


class PlayerBridge(QObject):
    """Qt signals mirroring ``PlayerEvents``; always emitted on the bridge's (GUI) thread."""

    position = Signal(object)  # events.Position
    state = Signal(str)
    section = Signal(object)  # events.SectionEntered
    caption = Signal(object)  # events.Caption
    reflection = Signal(object)  # events.ReflectionReached
    finished = Signal(object)  # events.Finished
    error = Signal(object)  # events.PlayerError
    backend_changed = Signal(object)  # events.BackendChanged
    checkpoint = Signal(object)  # events.Checkpoint

    _raw = Signal(str, object)

    def __init__(self, events: PlayerEvents, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = events
        self._raw.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self._callbacks: dict[str, Any] = {}
        for name in EVENT_NAMES:
            callback = self._forwarder(name)
            self._callbacks[name] = callback
            getattr(events, name).connect(callback)

    def _forwarder(self, name: str) -> Any:
        def forward(value: object) -> None:  # runs on the feeder thread: emit only
            self._raw.emit(name, value)
        return forward

    @Slot(str, object)
    def _dispatch(self, name: str, value: object) -> None:
        getattr(self, name).emit(value)

    def detach(self) -> None:
        """Stop listening to the player (before it is closed or replaced)."""
        for name, callback in self._callbacks.items():
            try:
                getattr(self._events, name).disconnect(callback)
            except ValueError:
                pass
        self._callbacks.clear()
