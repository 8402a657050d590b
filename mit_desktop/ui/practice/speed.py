"""The speaking speed of the practice playing, changed from the player (Settings keep the
listener's usual speed).

Piper speaks every sentence anew at another speed, so the new speed cannot start at the
very next word: its sentences are first prepared in the worker process (at low priority,
as before Start) while the practice plays on at the old speed, and the new speed starts
where the next section starts (the session is opened again with the new speed and goes on
from that section's first sample; the recorder keeps recording the same practice, and its
row keeps the new speed, so continuing it another day goes on at that speed). In the last
section there is no next section: the new speed starts in the next gap between sentences
or pause, at the same place (``session.speed_switch``), so no sentence is cut or repeated.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from mit_desktop.playback import events as ev
from mit_desktop.practice.prepare import Preparation, PrepareError, PrepareJob, missing_sentences
from mit_desktop.session.model import Heading
from mit_desktop.session.speed_switch import in_a_pause
from mit_desktop.ui.preparer import prepare_ahead_enabled

log = logging.getLogger(__name__)


class _Flow(Protocol):
    """What of the practice flow (ui.practice.flow.PracticeFlow) the speed uses."""

    ctx: Any
    active: bool
    session: Any
    section_index: int
    mode: str

    def settings(self, mode: str) -> Any: ...

    def reopen_at_section(self, section: int, on_done: Callable[[], None]) -> None: ...

    def reopen_in_place(self, on_done: Callable[[], None]) -> None: ...

    def note_speech_rate(self, rate: float) -> None: ...


class PracticeSpeed(QObject):
    """This practice's speed: ``rate`` (None: the listener's usual one from Settings) and a
    change waiting for the next section. ``waiting`` and ``applied`` carry what to tell
    the listener, in plain words."""

    waiting = Signal(str)
    applied = Signal(str)

    def __init__(self, flow: _Flow) -> None:
        super().__init__(flow if isinstance(flow, QObject) else None)
        self.flow = flow
        self.rate: float | None = None
        self.pending: float | None = None
        self._ready = False
        self._in_place = False  # (the last section) at the next pause, not the next section
        self._asked_in_section = 0
        self._generation = 0

    def reset(self, rate: float | None = None) -> None:
        """A new practice: the usual speed (``rate``: a continued practice's own), nothing
        waiting."""
        self.rate, self.pending, self._ready, self._in_place = rate, None, False, False
        self._generation += 1

    def current(self) -> float:
        return self.flow.ctx.prefs.rate if self.rate is None else self.rate

    def choose(self, rate: float) -> None:
        """The listener chose ``rate`` for the rest of this practice."""
        flow = self.flow
        self._generation += 1
        if not flow.active or flow.session is None or abs(rate - self.current()) < 1e-9:
            self.pending, self._ready = None, False
            if flow.active:
                self.waiting.emit(self.tr("The practice goes on at the speed it has."))
            return
        # (the script's headings are its sections, known before the timeline is built)
        sections = sum(1 for cue in flow.session.cues if isinstance(cue, Heading))
        self._in_place = flow.section_index + 1 >= sections
        self.pending, self._ready = rate, False
        self._asked_in_section = flow.section_index
        self.waiting.emit(
            self.tr("This is the last section: the new speed starts at the next pause, once "
                    "it is ready. Until then the voice goes on as it is.") if self._in_place
            else self.tr("The new speed starts at the next section. Until then the voice goes "
                         "on as it is."))
        generation = self._generation
        settings = dataclasses.replace(flow.settings(flow.mode), rate=rate)
        session = flow.session
        engine = flow.ctx.player.engine

        def prepare() -> None:
            if session.path is None or not prepare_ahead_enabled():
                return  # the player prepares it as it plays (slower to start)
            job = PrepareJob(str(session.path), settings)
            if missing_sentences(engine, job) == 0:
                return
            try:
                Preparation([job], prune=False).run()
            except PrepareError as exc:
                log.warning("preparing the new speed: %s", exc)

        def done(_r: object) -> None:
            if generation == self._generation:
                self._ready = True

        flow.ctx.tasks.run(prepare, done, lambda exc: log.error(
            "preparing the new speed failed", exc_info=exc))

    def section_entered(self, index: int) -> None:
        """(GUI thread) A section began: start the new speed here if it is ready."""
        if self.pending is None or not self._ready or self._in_place \
                or index <= self._asked_in_section:
            return
        self.rate, self.pending, self._ready = self.pending, None, False
        log.info("practice speed %.2f from section %d", self.rate, index + 1)
        self.flow.note_speech_rate(self.rate)
        self.flow.reopen_at_section(index, self._said_applied)

    def position(self, position_sample: int, state: str) -> None:
        """(GUI thread) Where the practice is: in the last section, start the new speed in
        the first gap or pause once it is ready, at the same place."""
        if self.pending is None or not self._ready or not self._in_place \
                or state != ev.PLAYING or not self.flow.ctx.has_player:
            return
        timeline = self.flow.ctx.player.timeline
        if timeline is None or not in_a_pause(timeline, position_sample):
            return
        self.rate, self.pending, self._ready, self._in_place = self.pending, None, False, False
        log.info("practice speed %.2f from %d ms", self.rate, timeline.ms(position_sample))
        self.flow.note_speech_rate(self.rate)
        self.flow.reopen_in_place(self._said_applied)

    def _said_applied(self) -> None:
        self.applied.emit(self.tr("The voice now speaks at the speed you chose."))
