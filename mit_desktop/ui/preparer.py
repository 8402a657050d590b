"""Practices made ready before Start: the next practice of the program and the quick reset
are prepared in the background by the worker process (practice.prepare), at low priority,
so Start plays at once with the full length and the final marks.

One `Preparer` per window (``preparer_for(ctx)``). ``progress(session, percent)`` while a
practice is being prepared, ``ready(session)`` when it is. Set ``MIT_DESKTOP_PREPARE_AHEAD=0``
to turn preparing ahead off (the tests do, except those about it).
"""

from __future__ import annotations

import logging
import os
import threading
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from mit_desktop.practice.prepare import Preparation, PrepareError, PrepareJob, percent
from mit_desktop.session.timeline import ListeningSettings

if TYPE_CHECKING:
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)

QUICK_RESET_ID = "bam"


def prepare_ahead_enabled() -> bool:
    return os.environ.get("MIT_DESKTOP_PREPARE_AHEAD", "1") != "0"


def listening_settings(ctx: AppContext, mode: str | None = None) -> ListeningSettings:
    """The listener's settings now (as the practice flow plays with them)."""
    prefs = ctx.prefs
    return ListeningSettings(voice=prefs.voice, rate=prefs.rate, pacing=prefs.pacing,
                             ambience=prefs.ambience, voice_clarity=prefs.voice_clarity,
                             mode=mode or prefs.mode,
                             variables=MappingProxyType(dict(ctx.profile.variables)))


class Preparer(QObject):
    """Runs one preparation at a time in a background thread that drives the worker."""

    progress = Signal(str, int)
    ready = Signal(str)
    failed = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._run: Preparation | None = None
        self._thread: threading.Thread | None = None
        self._jobs: list[PrepareJob] = []
        self.ready_sessions: set[str] = set()
        self.percent: dict[str, int] = {}

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ensure(self, sessions: list[str]) -> None:
        """Prepare `sessions` (ids or paths; the first matters most) with the listener's
        settings now, unless that is what is running already."""
        if not prepare_ahead_enabled():
            return
        settings = listening_settings(self.ctx)
        jobs = [PrepareJob(ref, settings) for ref in dict.fromkeys(sessions)]
        if self.busy and jobs == self._jobs:
            return
        self.cancel()
        self._jobs = jobs
        run = Preparation(jobs, on_progress=self._on_progress, on_ready=self._on_ready)
        self._run = run
        self._thread = threading.Thread(target=self._drive, args=(run,), name="prepare-ahead",
                                        daemon=True)
        self._thread.start()

    def _drive(self, run: Preparation) -> None:
        try:
            run.run()
        except PrepareError as exc:
            log.warning("preparing ahead: %s", exc)
        for index, message in run.failures.items():
            log.warning("could not prepare %s: %s", run.jobs[index].session, message)
            self.failed.emit(run.jobs[index].session, message)

    def _on_progress(self, index: int, done: int, total: int) -> None:
        ref = self._jobs[index].session if index < len(self._jobs) else ""
        self.percent[ref] = percent(done, total)
        self.progress.emit(ref, self.percent[ref])

    def _on_ready(self, index: int) -> None:
        ref = self._jobs[index].session if index < len(self._jobs) else ""
        self.ready_sessions.add(ref)
        self.percent[ref] = 100
        self.ready.emit(ref)

    def wait(self, timeout_s: float) -> bool:
        """Block until the current preparation ends (tests, exit); False on timeout."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    def cancel(self) -> None:
        """Stop the preparation running now (what it made stays in the cache)."""
        if self._run is not None:
            self._run.cancel()
        if self._thread is not None:
            self._thread.join(5.0)
        self._run, self._thread = None, None


def preparer_for(ctx: AppContext) -> Preparer:
    """The window's one Preparer (made on first use)."""
    if ctx._preparer is None:
        ctx._preparer = Preparer(ctx)
    return ctx._preparer
