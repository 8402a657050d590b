"""Background work for the GUI, after Anki's ``taskman``: run a function off the GUI
thread and get its result (or its exception) back on the GUI thread.

Two lanes: ``run`` uses a small general pool (rendering, parsing, file copies);
``db`` uses a single worker thread, so the history store (one SQLite connection,
"used from one thread at a time") only ever runs on that thread, in order.

Tests set :attr:`TaskManager.synchronous` (or ``MIT_DESKTOP_SYNC_WORKERS=1``):
every job then runs at once on the calling thread, like Picard's fake thread pool.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

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


class _Job(QRunnable):
    def __init__(self, relay: _Relay, fn: Callable[[], Any], on_done: Done | None,
                 on_error: Failed | None) -> None:
        super().__init__()
        self.relay, self.fn, self.on_done, self.on_error = relay, fn, on_done, on_error

    def run(self) -> None:
        try:
            result, error = self.fn(), None
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread
            result, error = None, exc
        self.relay.finished.emit(self.on_done, self.on_error, result, error)


class TaskManager:
    """Runs jobs off the GUI thread; callbacks come back on the GUI thread."""

    synchronous: bool = bool(os.environ.get("MIT_DESKTOP_SYNC_WORKERS"))

    def __init__(self) -> None:
        self._relay = _Relay()
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(2)
        self._db_pool = QThreadPool()
        self._db_pool.setMaxThreadCount(1)  # the store is used from one thread at a time
        self._db_pool.setExpiryTimeout(-1)  # keep the database thread for the whole run

    def run(self, fn: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None) -> None:
        """Run `fn` on the general pool."""
        self._start(self._pool, fn, on_done, on_error)

    def db(self, fn: Callable[[], Any], on_done: Done | None = None,
           on_error: Failed | None = None) -> None:
        """Run `fn` (history-store work) on the single database thread, in order."""
        self._start(self._db_pool, fn, on_done, on_error)

    def _start(self, pool: QThreadPool, fn: Callable[[], Any], on_done: Done | None,
               on_error: Failed | None) -> None:
        if self.synchronous:
            try:
                result, error = fn(), None
            except BaseException as exc:  # noqa: BLE001
                result, error = None, exc
            _deliver(on_done, on_error, result, error)
            return
        pool.start(_Job(self._relay, fn, on_done, on_error))

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until every queued job has run (at exit); False on timeout."""
        return self._pool.waitForDone(timeout_ms) and self._db_pool.waitForDone(timeout_ms)
