"""The contract every audio output keeps, and the error it raises.

An output is a queue of mono int16 buffers in front of a device. The player
owns the position, pausing and pacing; an output only says how many samples it
holds that have not been heard yet (:meth:`Backend.queued_samples`), can drop
what has not started (:meth:`Backend.discard_pending`) and reports a failed
device by raising :class:`BackendError`.

This module imports no audio library; each output lives in its own module of
this package and is imported only when chosen (see ``__init__``).
"""

from __future__ import annotations

import abc
from collections.abc import Callable

import numpy as np

#: BackendError.state values: what was found when the device failed.
NO_DEVICE = "no-device"  # the audio library sees no output device at all
NOT_OPENED = "not-opened"  # devices exist, but the chosen one could not be opened
STOPPED = "stopped"  # the device played, then stopped (server gone, sink removed, suspended)
STATES = (NO_DEVICE, NOT_OPENED, STOPPED)


class BackendError(Exception):
    """The sound device could not be opened or stopped working.

    `state` says what was found: :data:`NO_DEVICE`, :data:`NOT_OPENED` or
    :data:`STOPPED`; `opened` is True only for STOPPED (the device played
    something). `device` names the device in the listener's words ("" for the
    system's default); `detail` is the underlying technical message (for logs).
    """

    def __init__(self, detail: str, opened: bool | None = None, *, state: str | None = None,
                 device: str = "") -> None:
        super().__init__(detail)
        if state is None:
            state = STOPPED if opened else NOT_OPENED
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}")
        self.detail = detail
        self.state = state
        self.opened = state == STOPPED
        self.device = device


class Backend(abc.ABC):
    """Where the player's audio goes. All methods are thread-safe.

    Contract:

    - `open(rate)` gets the device ready (opening an open backend does nothing,
      unless it failed: then it tries again). BackendError if impossible.
    - `write(samples)` queues int16 mono samples after everything written before
      and never blocks for long; the player keeps at most a few buffers queued by
      watching `queued_samples`.
    - `queued_samples()` counts samples written but not yet heard (within a few
      ms for a real device); 0 once everything written has been heard.
    - `discard_pending()` drops what has not started playing and returns how many
      written samples will now never be heard (after a failure: everything not
      heard, including what the device held).
    - `fade_out_pending(n)` keeps the next `n` samples not yet started, faded out,
      and drops the rest, in one step: a device that plays on its own thread never
      finds the queue empty between the sound and its fade (that would be heard as
      a gap before the fade). Returns (dropped, faded); an output that cannot do it
      returns (what `discard_pending()` dropped, 0), and the caller writes a fade.
    - `flush()` stops what is queued at once; what was written before it no
      longer counts in `queued_samples`.
    - `check()` raises the BackendError kept from a device failure.
    - `close()` releases the device; the backend may be opened again.
    """

    name: str = "?"
    #: How much audio (ms) the player should keep queued here; None: the player's own choice.
    queue_ms: int | None = None
    #: Called (from any thread) when queued audio has been consumed; the player wakes on it.
    on_progress: Callable[[], None] | None = None

    @abc.abstractmethod
    def open(self, sample_rate: int) -> None:
        """Get ready to play mono 16-bit audio at `sample_rate` Hz. BackendError if impossible."""

    @abc.abstractmethod
    def write(self, samples: np.ndarray) -> None:
        """Queue int16 mono `samples` after everything written before. BackendError on failure."""

    @abc.abstractmethod
    def queued_samples(self) -> int:
        """Samples written but not yet heard."""

    @abc.abstractmethod
    def discard_pending(self) -> int:
        """Drop every sample that has not started playing; return how many were dropped."""

    def fade_out_pending(self, samples: int) -> tuple[int, int]:
        """Keep the next `samples` queued samples faded out (linearly, to silence), drop the
        rest, atomically; return (dropped, faded). Default: drop all, fade none."""
        return self.discard_pending(), 0

    @abc.abstractmethod
    def flush(self) -> None:
        """Stop at once and drop everything queued (the sound stops mid-buffer)."""

    def check(self) -> None:  # noqa: B027 - optional: most outputs cannot fail after opening
        """Raise BackendError if the device failed since it was opened (default: never)."""

    def close(self) -> None:  # noqa: B027 - optional: an output without a device has nothing
        """Release the device. The backend may be opened again."""

    def _notify(self) -> None:
        callback = self.on_progress
        if callback is not None:
            callback()
