"""The `alsa` backend's bookkeeping, with libasound replaced by a stand-in device."""

from __future__ import annotations

import ctypes
import errno

import numpy as np

from mit_desktop.playback import events as ev
from mit_desktop.playback.alsa import AlsaBackend


class FakeAsound:
    """Accepts frames at once (like ALSA's null device) until `fail_after` frames, then the
    device is gone (ENODEV, and recovery fails)."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after
        self.frames: list[np.ndarray] = []
        self.calls: list[str] = []

    def written(self) -> int:
        return sum(len(f) for f in self.frames)

    def snd_strerror(self, code: int) -> bytes:
        return b"No such device" if code == -errno.ENODEV else b"error"

    def snd_pcm_open(self, pcm, name, stream, mode) -> int:
        pcm._obj.value = 1234
        return 0

    def snd_pcm_set_params(self, pcm, fmt, access, channels, rate, resample, latency) -> int:
        assert (fmt, access, channels, rate) == (2, 3, 1, 22_050)
        return 0

    def snd_pcm_writei(self, pcm, pointer, n) -> int:
        if self.fail_after is not None and self.written() >= self.fail_after:
            return -errno.ENODEV
        n = int(n) if self.fail_after is None else min(int(n), self.fail_after - self.written())
        data = (ctypes.c_int16 * n).from_address(pointer)
        self.frames.append(np.frombuffer(data, dtype="<i2").copy())
        return n

    def snd_pcm_recover(self, pcm, code, silent) -> int:
        return code

    def snd_pcm_delay(self, pcm, frames) -> int:
        frames._obj.value = 0
        return 0

    def snd_pcm_state(self, pcm) -> int:
        return 3  # running

    def __getattr__(self, name: str):
        return lambda *args: self.calls.append(name) or 0


def _alsa(fake: FakeAsound):
    def make(clock) -> AlsaBackend:
        backend = AlsaBackend()
        backend._lib = fake
        return backend

    return make


def test_alsa_backend_sends_the_session_as_one_stream(make_rig) -> None:
    fake = FakeAsound()
    rig = make_rig(backend=_alsa(fake))
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    rig.player.close()
    assert np.array_equal(np.concatenate(fake.frames), rig.expected())
    assert fake.calls.count("snd_pcm_close") == 1 and "snd_pcm_drain" in fake.calls


def test_alsa_device_lost_mid_session_keeps_the_exact_position(make_rig) -> None:
    fake = FakeAsound(fail_after=123_457)
    rig = make_rig(backend=_alsa(fake))
    player = rig.player
    player.play()
    rig.wait_state(ev.PAUSED)
    (error,) = rig.events("error")
    assert error.kind == "device" and error.message.startswith("The sound device stopped working.")
    assert "No such device" in error.detail
    assert player.position_sample == fake.written() == 123_457
    player.continue_silently()
    rig.wait_state(ev.FINISHED)
    heard = np.concatenate([*fake.frames, player.backend.recorded()])
    assert np.array_equal(heard, rig.expected())
