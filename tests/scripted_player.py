"""A stand-in for the real-time player for recorder and window tests: it emits what the real
player emits, in its order, on a clock the test moves (no sound, no real time)."""

from __future__ import annotations

from typing import Any

from mit_desktop.playback import events as ev


class ManualClock:
    def __init__(self) -> None:
        self.s = 100.0

    def now(self) -> float:
        return self.s


class ScriptedPlayer:
    """Emits what the real player emits, in its order, when told to play, pause, seek, stop…"""

    def __init__(self) -> None:
        self.events = ev.PlayerEvents()
        self.clock = ManualClock()
        self.state = ev.IDLE
        self.position_ms = 0
        self.session: Any = None
        self.mode = "hands-free"
        self.fail_open = False  # open() raises as a busy sound device would
        self.opened_at: int | None = None
        self.opened: list[tuple[str, int]] = []  # (session id, start ms) of every open()

    # what the window calls besides the script
    def set_volume(self, stem: str, value: float) -> None:
        pass

    def close(self) -> None:
        pass

    def open(self, session: Any, settings: Any, start_ms: int = 0) -> None:
        if self.fail_open:
            raise OSError("the sound device is busy")
        self.session, self.mode, self.position_ms = session, settings.mode, start_ms
        self.opened_at = start_ms
        self.opened.append((session.id, start_ms))
        self.state = ev.IDLE

    def _set(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.events.state.emit(state)

    def _position(self) -> None:
        self.events.position.emit(ev.Position(self.position_ms * 22, self.position_ms, 60_000,
                                              self.state))

    def _checkpoint(self, reason: str) -> None:
        self.events.checkpoint.emit(ev.Checkpoint(
            self.session.id, self.session.content_sha256, self.position_ms,
            self.position_ms * 22, self.mode, reason))

    def play(self) -> None:
        self._set(ev.PLAYING)
        self._position()

    def advance(self, ms: int, step_ms: int = 50) -> None:
        """Play ``ms`` of audio in real time, with position ticks and a checkpoint every 4 s."""
        for _ in range(ms // step_ms):
            self.clock.s += step_ms / 1000
            self.position_ms += step_ms
            self._position()
            if self.position_ms % 4000 == 0:
                self._checkpoint("periodic")

    def wait(self, ms: int) -> None:
        self.clock.s += ms / 1000

    def pause(self) -> None:
        self._set(ev.PAUSED)
        self._position()
        self._checkpoint("pause")

    def seek(self, position_ms: int) -> None:
        self.position_ms = position_ms
        self._position()
        self._checkpoint("seek")

    def stop(self) -> None:
        self._set(ev.STOPPED)
        self._position()
        self._checkpoint("stop")

    def finish(self) -> None:
        self._set(ev.FINISHED)
        self._position()
        self.events.finished.emit(ev.Finished(self.position_ms))
        self._checkpoint("finished")
