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
    """

    def __init__(self, start_s: float = 1000.0, real_timeout_s: float = 0.05) -> None:
        self._now = start_s
        self._lock = threading.Lock()
        self._waiting: dict[int, threading.Condition] = {}
        self._real_timeout_s = real_timeout_s

    def now(self) -> float:
        with self._lock:
            return self._now

    def wait(self, cond: threading.Condition, timeout_s: float) -> None:
        if timeout_s <= 0:
            return
        key = id(cond)
        with self._lock:
            self._waiting[key] = cond
        try:
            cond.wait(self._real_timeout_s)
        finally:
            with self._lock:
                self._waiting.pop(key, None)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds` and wake every waiter."""
        with self._lock:
            self._now += seconds
            waiting = list(self._waiting.values())
        for cond in waiting:
            with cond:
                cond.notify_all()

    def advance_ms(self, value_ms: int) -> None:
        """Move time forward by `value_ms` milliseconds."""
        self.advance(value_ms / 1000)
