"""Background work for the GUI, after Anki's ``taskman``: run a function off the GUI
thread and get its result (or its exception) back on the GUI thread.

Two lanes: ``run`` uses a small general pool (rendering, parsing, file copies);
``db`` is the history store's one ordered job lane, the same
:class:`~mit_desktop.history.worker.StoreWorker` the terminal uses: one thread, jobs
first in, first out, from any thread (the window's calls and the practice recorder's,
handed over on the player's feeder thread), so the store (one SQLite connection, "used
from one thread at a time") only ever runs there, in the order the calls were made.

Tests set :attr:`TaskManager.synchronous` (or ``MIT_DESKTOP_SYNC_WORKERS=1``): every
job then runs on the GUI thread, like Picard's fake thread pool: at once when handed
over there, and a store job handed over on another thread waits, in order, until the
GUI thread next hands one over or its event loop runs.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from mit_desktop.history.errors import HistoryError
from mit_desktop.history.worker import StoreWorker

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


DbRunner = Callable[[Callable[[], Any], "Done | None", "Failed | None"], None]
"""How a screen reaches the history store: ``run(fn, on_done, on_error)`` runs ``fn`` on the
database thread (:meth:`TaskManager.db`, ``AppContext.db``) and reports on the GUI thread."""


def run_here(fn: Callable[[], Any], on_done: Done | None = None,
             on_error: Failed | None = None) -> None:
    """A :data:`DbRunner` that runs ``fn`` at once on this thread (widgets built without the
    window's context, as some tests do; the program itself always passes ``ctx.db``)."""
    try:
        result, error = fn(), None
    except BaseException as exc:  # noqa: BLE001 - handed to on_error, as a job's would be
        result, error = None, exc
    _deliver(on_done, on_error, result, error)


class Cancelled(Exception):
    """Raised inside a job that noticed its :class:`CancelToken` was set."""


class CancelToken:
    """A flag a long job checks now and then (``token.check()``) so the user can cancel it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, the slot runs on the GUI thread (queued)."""

    finished = Signal(object, object, object, object)  # on_done, on_error, result, exception
    wake = Signal()  # (synchronous tasks) store jobs were handed over on another thread

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)

    @Slot(object, object, object, object)
    def _deliver(self, on_done: Done | None, on_error: Failed | None, result: Any,
                 error: BaseException | None) -> None:
        _deliver(on_done, on_error, result, error)


def _deliver(on_done: Done | None, on_error: Failed | None, result: Any,
             error: BaseException | None) -> None:
    if error is None:
        if on_done is not None:
            on_done(result)
    elif on_error is not None:
        on_error(error)
    elif not isinstance(error, Cancelled):
        log.error("background job failed", exc_info=error)


def _outcome(fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """(fn's result, None), or (None, the exception it raised)."""
    try:
        return fn(), None
    except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread
        return None, exc


class _Job(QRunnable):
    def __init__(self, relay: _Relay, fn: Callable[[], Any], on_done: Done | None,
                 on_error: Failed | None) -> None:
        super().__init__()
        self.relay, self.fn, self.on_done, self.on_error = relay, fn, on_done, on_error

    def run(self) -> None:
        self.relay.finished.emit(self.on_done, self.on_error, *_outcome(self.fn))


class TaskManager:
    """Runs jobs off the GUI thread; callbacks come back on the GUI thread.

    Made on the GUI thread. :meth:`db` may be called from any thread.
    """

    synchronous: bool = bool(os.environ.get("MIT_DESKTOP_SYNC_WORKERS"))

    def __init__(self) -> None:
        self._relay = _Relay()
        self._relay.wake.connect(self._drain, type=Qt.ConnectionType.QueuedConnection)
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(2)
        self._store_lane: StoreWorker | None = None  # started on the first store job
        self._lane_lock = threading.Lock()
        self._gui_thread = threading.get_ident()
        # (synchronous tasks) store jobs waiting for the GUI thread, in the order handed over
        self._pending: collections.deque[Callable[[], None]] = collections.deque()

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None) -> None:
        """Run `fn` on the general pool."""
        if self.synchronous:
            _deliver(on_done, on_error, *_outcome(fn))
            return
        self._pool.start(_Job(self._relay, fn, on_done, on_error))

    def db(self, fn: Callable[[], Any], on_done: Done | None = None,
           on_error: Failed | None = None) -> None:
        """Run `fn` (history-store work) on the store's lane, after every store job handed
        over before it (from any thread); `on_done`/`on_error` come on the GUI thread."""
        if self.synchronous:
            self._pending.append(lambda: _deliver(on_done, on_error, *_outcome(fn)))
            if threading.get_ident() == self._gui_thread:
                self._drain()
            else:
                self._relay.wake.emit()
            return
        relay = self._relay

        def job() -> None:
            relay.finished.emit(on_done, on_error, *_outcome(fn))

        with self._lane_lock:
            if self._store_lane is None:
                self._store_lane = StoreWorker("gui-history-store")
            self._store_lane.submit(job)

    def db_now(self, fn: Callable[[], Any], timeout_s: float = 30.0) -> Any:
        """Run `fn` on the store's lane, after every store job handed over before it, and
        wait here for its result (its exception is raised here). For start-up only, where
        nothing can be shown before the result (the first profile); everywhere else use
        :meth:`db`. A lane that does not answer in `timeout_s` is a :class:`HistoryError`."""
        if self.synchronous:
            self._drain()
            result, error = _outcome(fn)
        else:
            finished = threading.Event()
            outcome: list[tuple[Any, BaseException | None]] = []

            def job() -> None:
                outcome.append(_outcome(fn))
                finished.set()

            with self._lane_lock:
                if self._store_lane is None:
                    self._store_lane = StoreWorker("gui-history-store")
                self._store_lane.submit(job)
            if not finished.wait(timeout_s):
                raise HistoryError(f"The practice history did not answer within "
                                   f"{timeout_s:.0f} seconds. Close MIT Desktop and start it "
                                   f"again.")
            result, error = outcome[0]
        if error is not None:
            raise error
        return result

    @Slot()
    def _drain(self) -> None:
        """(synchronous tasks, GUI thread) Run the store jobs handed over so far, in order."""
        while self._pending:
            self._pending.popleft()()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until every queued job has run (at exit); False on timeout."""
        with self._lane_lock:
            lane = self._store_lane
        return self._pool.waitForDone(timeout_ms) and (
            lane is None or lane.flush(timeout_ms / 1000))
