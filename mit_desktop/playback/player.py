# Over 400 lines: the player's API and the state its feeder modules share (feeder, blocks, commands, reporting, faults are apart).
"""The real-time player: a session's timeline, mixed block by block, fed to a backend.

One feeder thread per opened session renders ~100 ms blocks with the mixer
and hands them to the backend, keeping at most `queue_blocks` queued, so
pausing, seeking and volume changes act within a block or two. The player
owns the position: `sent` (the next sample to hand over) minus what the
backend still holds is what the listener has heard.

Contracts:

- Every sample from 0 to the end is handed over exactly once, in order, unless
  the listener seeks; with the volumes at their defaults and no pause, what is
  handed over equals `mixer.render()` (and so `mit-desktop render`) sample for
  sample.
- Interactive mode: the feeder never hands over a sample at or after a
  reflection's `start_sample` before `continue_()`; it waits for the backend to
  play out, then emits `reflection` with the position exactly there.
- Pause and stop drop the queued blocks that have not started, add a short
  fade (`declick_ms`) and wait for the device to play out, so the position
  they report is exact and resume continues from that very sample (with a
  matching fade in).
- Volumes (per stem, linear 0..1.5) ramp over `volume_ramp_ms` starting at the
  first sample not yet started, so a change is heard within about 150 ms.
- Public methods only post a request and return at once; the feeder applies
  requests in order. Events are emitted from the feeder thread.

This module holds the public API and the state the feeder shares with it; the feeder
thread is :mod:`~mit_desktop.playback.feeder`, the requests it applies (a table)
:mod:`~mit_desktop.playback.commands`, what it tells listeners
:mod:`~mit_desktop.playback.reporting`, device and render faults
:mod:`~mit_desktop.playback.faults`.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mit_desktop.playback import blocks, commands, faults, feeder, reporting
from mit_desktop.playback import events as ev
from mit_desktop.playback.clock import Clock, RealClock
from mit_desktop.playback.moments import Moments
from mit_desktop.playback.output import Backend, create_backend
from mit_desktop.playback.output.null import NullBackend
from mit_desktop.playback.render_ahead import RenderAhead
from mit_desktop.playback.shaping import BlockShaper
from mit_desktop.render.engine import Engine
from mit_desktop.render.mixer import STEMS, Mixer, StemGains
from mit_desktop.session.model import Session
from mit_desktop.session.timeline import ListeningSettings, Timeline

log = logging.getLogger(__name__)

BLOCK_MS = 100
QUEUE_BLOCKS = 2
VOLUME_RAMP_MS = 40
DECLICK_MS = 10  # a fade this short is still click-free, and pause is heard 10 ms sooner
MAX_GAIN = 1.5
FALLBACKS = ("pause", "null")


@dataclass
class PlayerStats:
    """Clock times (s) of moments the benchmarks measure; None until they happen."""

    play_requested_s: float | None = None
    first_write_s: float | None = None
    reflection_events_s: list[float] = dataclasses.field(default_factory=list)
    writes: int = 0


class Player:
    """Plays one session at a time through a backend. See the module docstring for contracts.

    `backend`: a Backend, or a name for `create_backend` (None: $MIT_AUDIO_BACKEND or
    the continuous `stream` output to the system's default device). `fallback`: on a
    device failure, "pause" (wait for `continue_silently()` or Play) or "null" (go on
    silently at once). `silent_backend(clock)` makes the backend
    used to go on without sound (default: a NullBackend on the player's clock).
    """

    def __init__(
        self,
        engine: Engine | None = None,
        backend: Backend | str | None = None,
        clock: Clock | None = None,
        *,
        block_ms: int = BLOCK_MS,
        queue_blocks: int = QUEUE_BLOCKS,
        declick_ms: int = DECLICK_MS,
        volume_ramp_ms: int = VOLUME_RAMP_MS,
        fallback: str = "pause",
        silent_backend: Callable[[Clock], Backend] | None = None,
    ) -> None:
        if fallback not in FALLBACKS:
            raise ValueError(f"fallback must be one of {FALLBACKS}")
        self.engine = engine or Engine()
        self.clock: Clock = clock or RealClock()
        self.backend: Backend = (
            backend if isinstance(backend, Backend) else create_backend(backend, self.clock)
        )
        self.backend.on_progress = self._wake
        self.rate = self.engine.sample_rate
        self.block = self.rate * block_ms // 1000
        self.capacity = self.block * queue_blocks
        self.declick = self.rate * declick_ms // 1000
        self.ramp = max(1, self.rate * volume_ramp_ms // 1000)
        self.fallback = fallback
        self._silent_backend = silent_backend or (lambda clock: NullBackend(clock))
        self.events = ev.PlayerEvents()
        self.stats = PlayerStats()
        self._cond = threading.Condition()
        self._commands: collections.deque[tuple[str, Any]] = collections.deque()
        self._posted = self._taken = 0
        self._state = ev.IDLE
        self._quit = False
        self._thread: threading.Thread | None = None
        self._session: Session | None = None
        self._settings: ListeningSettings | None = None
        self._ahead: RenderAhead | None = None
        self._backend_open = False
        self._target_gains = StemGains()
        self._reset_feeder_state(0)

    def _reset_feeder_state(self, start_sample: int) -> None:
        self._sent = start_sample
        self._mixer: Mixer | None = None
        self._timeline: Timeline | None = None
        self._final = 0
        self._complete = False
        self._next_reflection = 0
        self._answered: set[int] = set()  # reflections continued from (interactive mode)
        self._shaper = BlockShaper(self._target_gains, self.ramp, self.declick)
        self._preroll: tuple[int, np.ndarray] | None = None
        self._needs_fade_in = start_sample > 0
        self._paused_for: str | None = None
        self._tried_early = False
        self._moments = Moments()
        self._last_position_s = -math.inf
        self._last_checkpoint_s = -math.inf
        self._last_emitted: tuple[int, str] | None = None

    # -- public API (any thread) -------------------------------------------------

    def open(self, session: Session, settings: ListeningSettings, start_ms: int = 0,
             answered: Iterable[int] = ()) -> None:
        """Load `session` (stopping any other) and start rendering ahead; playback waits for play().

        `start_ms` resumes a practice from a checkpoint. The mode comes from `settings`.
        `answered`: indices of reflections already continued from in this practice (when
        it is opened again in another mode or speed), which a seek does not stop at.
        """
        self._shutdown_feeder()
        if self._backend_open:
            self.backend.flush()  # what the last session had queued is not heard after this
        self._session, self._settings = session, settings
        self._reset_feeder_state(self._ms_to_sample(start_ms))
        self._answered = set(answered)
        self._state = ev.IDLE
        self.stats = PlayerStats()
        self._quit = False
        self._ahead = RenderAhead(self.engine, session, settings, self._wake).start()
        self._thread = threading.Thread(target=self._feed, name="player-feeder", daemon=True)
        self._thread.start()

    def play(self) -> None:
        """Start (from the current position; from the start once finished), or resume."""
        self.stats.play_requested_s = self.clock.now()
        self._post("play")

    def pause(self) -> None:
        self._post("pause")

    def resume(self) -> None:
        """Go on after pause() or a fault (retrying a failed render); at a reflection: continue_."""
        self._post("resume")

    def stop(self) -> None:
        """Stop; the position is kept (a checkpoint is emitted) and play() goes on from it."""
        self._post("stop")

    def seek_ms(self, position_ms: int) -> None:
        """Jump to `position_ms` (milliseconds from the start), keeping play/pause."""
        self._post("seek", self._ms_to_sample(position_ms))

    def seek_sample(self, position_sample: int) -> None:
        self._post("seek", int(position_sample))

    def seek_section(self, index: int) -> None:
        """Jump to the start of section `index` (0-based, in script order)."""
        self._post("section", int(index))

    def continue_(self) -> None:
        """Interactive mode: go on from the reflection point the player stopped at."""
        self._post("continue")

    continue_after_reflection = continue_

    def set_volume(self, stem: str, value: float) -> None:
        """Set one stem's volume ('voice', 'bells' or 'ambience'), linear 0..1.5."""
        if stem not in STEMS:
            raise ValueError(f"stem must be one of {', '.join(STEMS)}")
        if not 0.0 <= value <= MAX_GAIN:
            raise ValueError(f"volume must be between 0 and {MAX_GAIN}")
        with self._cond:
            setattr(self._target_gains, stem, float(value))
        if self._session is not None:
            self._post("volume")

    def set_volumes(self, gains: StemGains) -> None:
        for stem in STEMS:
            self.set_volume(stem, getattr(gains, stem))

    @property
    def volumes(self) -> StemGains:
        with self._cond:
            return dataclasses.replace(self._target_gains)

    def continue_silently(self) -> None:
        """After a device fault: switch to the null backend and go on (captions still advance)."""
        self._post("silent")

    def set_backend(self, backend: Backend) -> None:
        """Use another backend from the current position on (at once if no session is open)."""
        if self._session is None or self._thread is None:
            old, self.backend = self.backend, backend
            backend.on_progress = self._wake
            self._backend_open = False
            if old is not backend:
                old.close()
            return
        self._post("backend", backend)

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop everything and release the device. The player can open another session.

        Waits (up to `timeout_s`) for a sentence being synthesised to finish, so the
        process can exit safely afterwards (onnxruntime aborts if torn down mid-run).
        """
        self._shutdown_feeder()
        if self._ahead is not None and not self._ahead.wait(timeout_s):
            log.warning("speech synthesis still running after %.1f s", timeout_s)
        try:
            self.backend.close()
        finally:
            self._backend_open = False

    @property
    def state(self) -> str:
        with self._cond:
            return self._state

    @property
    def session(self) -> Session | None:
        """The opened session."""
        return self._session

    @property
    def answered_reflections(self) -> frozenset[int]:
        """Indices of the reflections continued from since open() (interactive mode)."""
        return frozenset(self._answered)

    @property
    def settings(self) -> ListeningSettings | None:
        """The listening settings of the session open now (None before open())."""
        return self._settings

    @property
    def mode(self) -> str | None:
        return self._settings.mode if self._settings else None

    @property
    def position_sample(self) -> int:
        """Heard position in samples: exact unless playing, then within a few ms."""
        with self._cond:
            sent, state = self._sent, self._state
        if state in ev.ACTIVE:
            sent -= self.backend.queued_samples()
        return max(0, sent)

    @property
    def position_ms(self) -> int:
        return self.position_sample * 1000 // self.rate

    @property
    def timeline(self) -> Timeline | None:
        """The timeline as far as it is built."""
        return self._ahead.state()[0] if self._ahead else None

    @property
    def duration_ms(self) -> int | None:
        """The session's length once fully built, else None."""
        if not self._ahead:
            return None
        snapshot, _final, complete = self._ahead.state()
        return snapshot.duration_ms if complete and self._ahead.error is None else None

    def wait_rendered(self, timeout_s: float) -> bool:
        """Block (real time) until the whole timeline is built (or its build failed)."""
        ahead = self._ahead
        return ahead.wait(timeout_s) if ahead is not None else False

    def wait_state(self, states: Iterable[str], timeout_s: float) -> bool:
        """Block (real time) until the state is one of `states`; False on timeout."""
        wanted = set(states)
        with self._cond:
            return self._cond.wait_for(lambda: self._state in wanted, timeout_s)

    # -- plumbing -----------------------------------------------------------------

    def _ms_to_sample(self, value_ms: int) -> int:
        return max(0, round(int(value_ms) * self.rate / 1000))

    def _post(self, name: str, arg: Any = None) -> None:
        if self._session is None:
            raise RuntimeError("open() a session before playing it")
        with self._cond:
            self._commands.append((name, arg))
            self._posted += 1
            self._cond.notify_all()

    def sync(self, timeout_s: float = 5.0) -> bool:
        """Block (real time) until the feeder has picked up every request posted so far.

        With a fake clock, a test calls this before advancing time, so a request
        takes effect at the moment it was made.
        """
        with self._cond:
            return self._cond.wait_for(
                lambda: self._taken >= self._posted or self._thread is None, timeout_s
            )

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _wait(self, timeout_s: float) -> None:
        with self._cond:
            if not self._commands and not self._quit:
                self.clock.wait(self._cond, timeout_s)

    def _shutdown_feeder(self) -> None:
        thread = self._thread
        with self._cond:
            self._quit = True
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self._thread = None
        if self._ahead is not None:
            self._ahead.cancel()
        with self._cond:
            self._commands.clear()
            self._taken = self._posted

    def _set_state(self, state: str) -> None:
        with self._cond:
            changed = state != self._state
            self._state = state
            self._cond.notify_all()
        if changed:
            self.events.state.emit(state)

    def _set_sent(self, value: int) -> None:
        with self._cond:
            self._sent = value

    def _heard(self) -> int:
        if self._state in ev.ACTIVE:
            return max(0, self._sent - self.backend.queued_samples())
        return self._sent

    # -- the feeder thread ----------------------------------------------------------

    def _feed(self) -> None:
        """The feeder thread: apply the posted requests in order, then one step (playing) or
        a look at the clock (not playing), until the session is closed."""
        while True:
            with self._cond:
                if self._quit:
                    return
                requests = list(self._commands)
                self._commands.clear()
                self._taken = self._posted
                self._cond.notify_all()
            try:
                for name, arg in requests:
                    commands.apply(self, name, arg)
                    if self._quit:
                        return
                if self._state in ev.ACTIVE:
                    feeder.step(self)
                else:
                    if self._state == ev.IDLE:
                        faults.open_early(self)
                        blocks.prepare_preroll(self)
                    reporting.tick(self)
                    self._wait(0.5)
            except Exception as exc:
                log.exception("the player failed")
                self._set_state(ev.PAUSED)
                self._paused_for = "render"
                self.events.error.emit(
                    ev.PlayerError(
                        "internal",
                        f"Playback stopped because of an internal error ({exc}). "
                        "Press Play to try again.",
                        self._sent * 1000 // self.rate,
                    )
                )
