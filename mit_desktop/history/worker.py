"""One thread that runs every call to a :class:`HistoryStore`, in order.

The store's connection is used "from any one thread at a time"; callers on
other threads (the player's feeder thread, a terminal front end) hand their
calls to a :class:`StoreWorker` instead of touching the store themselves.
Jobs run first in, first out; :meth:`StoreWorker.flush` returns once every job
handed over before it has run, so whatever they wrote is durable (the store
commits with ``synchronous=FULL`` before each write method returns).

This is the program's one ordered job lane for the store: the GUI's database lane
(``ui/workers.py`` ``TaskManager.db``) is one of these too, and passes itself to the
practice recorder as its ``submit``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Job = Callable[[], object]
OnError = Callable[[BaseException], None]


class StoreWorker:
    """A daemon thread running jobs one at a time, in the order submitted.

    ``on_error`` is called (on the worker thread) with the exception of a job
    that raised; the worker goes on with the next job. Without it, failures
    are logged.
    """

    def __init__(self, name: str = "history-store", on_error: OnError | None = None) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._on_error = on_error
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue ``job`` (returns at once). Raises RuntimeError after :meth:`close`."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the history worker is closed")
            self._jobs.put(job)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every job submitted so far has run; False on timeout.

        Called from the worker thread itself (inside a job) it returns True at once.
        """
        if threading.current_thread() is self._thread:
            return True
        done = threading.Event()
        try:
            self.submit(done.set)
        except RuntimeError:  # closed: everything has run
            return True
        return done.wait(timeout_s)

    def close(self, timeout_s: float = 10.0) -> bool:
        """Run what is queued, then end the thread (idempotent); False on timeout."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._jobs.put(None)
        if threading.current_thread() is self._thread:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception as exc:  # one failed write must not stop later ones
                if self._on_error is not None:
                    try:
                        self._on_error(exc)
                    except Exception:
                        log.exception("history error handler failed")
                else:
                    log.error("history job failed: %s", exc, exc_info=exc)


def submit_synchronously(job: Job) -> None:
    """A ``submit`` that runs the job at once on the calling thread (tests, scripts)."""
    job()
