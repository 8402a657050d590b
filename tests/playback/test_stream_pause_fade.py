"""The stream output's queue at a pause, with PortAudio's callback called by the test.

PortAudio calls `StreamBackend._callback` on its own thread whenever the device wants
samples; it may run between any two calls the player makes. When a pause dropped the
queue in one call and wrote the fade in the next, a callback in between found the queue
empty and sent a block of silence: the listener heard the sound stop, 17 ms of nothing,
then the fade (a real-time test of the window caught it). `fade_out_pending` does both
in one step. These tests call the callback directly, with no device.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from mit_desktop.playback.output.stream import SETTLE_S, StreamBackend

RATE = 22_050
FRAMES = 385  # a callback's block (any size does: the test hands them over itself)


def _opened() -> StreamBackend:
    """A StreamBackend as if opened and past its settling time, with no device."""
    backend = StreamBackend()
    backend.rate = RATE
    backend._stream = SimpleNamespace(latency=0.07)
    backend._started_s = time.monotonic() - 2 * SETTLE_S
    return backend


def _callback(backend: StreamBackend) -> np.ndarray:
    out = np.full((FRAMES, 1), 12345, dtype="<i2")
    backend._callback(out, FRAMES, None, None)
    return out[:, 0].copy()


def test_a_callback_right_after_the_pause_plays_the_fade_not_silence() -> None:
    backend = _opened()
    sound = np.full(10 * FRAMES, 10_000, dtype="<i2")
    backend.write(sound[:4 * FRAMES])
    backend.write(sound[4 * FRAMES:])
    first = _callback(backend)
    assert np.array_equal(first, sound[:FRAMES])

    dropped, faded = backend.fade_out_pending(220)
    after = _callback(backend)  # the device's thread runs before the player's next call

    assert (dropped, faded) == (9 * FRAMES - 220, 220)
    ramp = np.linspace(1.0, 0.0, 221, dtype=np.float32)[1:]
    assert np.array_equal(after[:220], np.round(10_000 * ramp).astype("<i2"))
    assert after[0] > 9_900  # goes on from the sound's level: no silence before the fade
    assert not after[220:].any()
    # written and not yet heard (the device is ahead of the listener): the first block and the fade
    assert backend.queued_samples() == FRAMES + 220


def test_the_fade_spans_queued_buffers_and_is_shorter_when_less_is_queued() -> None:
    backend = _opened()
    for value in (1000, 2000, 3000):
        backend.write(np.full(100, value, dtype="<i2"))
    _ = backend._callback(np.zeros((50, 1), dtype="<i2"), 50, None, None)  # 50 played

    dropped, faded = backend.fade_out_pending(220)
    assert (dropped, faded) == (30, 220)  # 250 queued: the first 220 kept, faded
    after = _callback(backend)
    ramp = np.linspace(1.0, 0.0, 221, dtype=np.float32)[1:]
    source = np.repeat(np.array([1000, 2000, 3000], dtype=np.float32), [50, 100, 70])
    assert np.array_equal(after[:220], np.round(source * ramp).astype("<i2"))

    backend.write(np.full(80, 500, dtype="<i2"))
    _callback(backend)
    assert backend.fade_out_pending(220) == (0, 0)  # nothing queued: nothing to fade
    backend.write(np.full(80, 500, dtype="<i2"))
    assert backend.fade_out_pending(220) == (0, 80)  # less than asked: faded over what is there
