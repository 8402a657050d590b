"""The player's clock: real monotonic time, or a fake one that tests advance by hand.

Everything in the player that waits for time to pass (pacing of the null
backend, position ticks, checkpoints every few seconds) goes through a
:class:`Clock`, so tests run without sleeping: they advance a
:class:`FakeClock` and wait on events with real-time timeouts.

Contract of :meth:`Clock.wait`: the caller holds ``cond``; the call releases
it while waiting and returns, holding it again, when ``cond`` is notified, when
``timeout_s`` of *clock* time has passed, or spuriously. Callers re-check
their condition and the time in a loop.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic time in seconds (float; only differences mean anything)."""
        ...

    def wait(self, cond: threading.Condition, timeout_s: float) -> None:
        """Wait on `cond` (held by the caller) for at most `timeout_s` clock seconds."""
        ...


class RealClock:
    """`time.monotonic()`; waits are real waits on the condition."""

    def now(self) -> float:
        return time.monotonic()

    def wait(self, cond: threading.Condition, timeout_s: float) -> None:
        cond.wait(max(0.0, timeout_s))


class FakeClock:
    """A clock that stands still until :meth:`advance` moves it.

    Waiters on any condition are woken at every advance (they re-check the
    time themselves). `real_timeout_s` bounds each real wait so a test that
    forgets to advance fails by its own timeouts instead of hanging.
    :meth:`settle` lets a test wait until the threads it woke have come back
    to waiting, so each advance is fully processed before the next.
    """

    def __init__(self, start_s: float = 1000.0, real_timeout_s: float = 0.05) -> None:
        self._now = start_s
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._waiting: dict[int, tuple[threading.Condition, int]] = {}  # thread id -> (cond, epoch)
        self._epoch = 0
        self._real_timeout_s = real_timeout_s

    def now(self) -> float:
        with self._lock:
            return self._now

    def wait(self, cond: threading.Condition, timeout_s: float) -> None:
        if timeout_s <= 0:
            return
        key = threading.get_ident()
        with self._lock:
            self._waiting[key] = (cond, self._epoch)
            self._changed.notify_all()
        try:
            cond.wait(self._real_timeout_s)
        finally:
            with self._lock:
                self._waiting.pop(key, None)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` and wake every waiter."""
        with self._lock:
            self._now += seconds
            self._epoch += 1
            waiting = [cond for cond, _epoch in self._waiting.values()]
        for cond in waiting:
            with cond:
                cond.notify_all()

    def advance_ms(self, value_ms: int) -> None:
        """Move time forward by `value_ms` milliseconds."""
        self.advance(value_ms / 1000)

    def settle(self, threads: int = 1, timeout_s: float = 5.0) -> bool:
        """Wait (real time) until `threads` threads wait on this clock since the last advance."""

        def ready() -> bool:
            return sum(1 for _c, epoch in self._waiting.values() if epoch == self._epoch) >= threads

        with self._changed:
            return self._changed.wait_for(ready, timeout_s)
