"""The backends on their own: pacing, discarding, files, choice by name, simpleaudio's queue."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.playback.backends import (
    BackendError,
    FileBackend,
    NullBackend,
    SimpleaudioBackend,
    create_backend,
)
from mit_desktop.playback.clock import FakeClock

RATE = 22_050


def _ramp(n: int, start: int = 0) -> np.ndarray:
    return (np.arange(start, start + n) % 30_000).astype("<i2")


def test_null_backend_consumes_in_real_time_and_drops_only_what_has_not_started() -> None:
    clock = FakeClock()
    backend = NullBackend(clock, record=True)
    backend.open(RATE)
    backend.write(_ramp(2205))
    backend.write(_ramp(2205, 2205))
    assert backend.queued_samples() == 4410
    clock.advance_ms(60)  # 1323 samples heard
    assert backend.queued_samples() == 4410 - 1323
    assert backend.discard_pending() == 2205  # the second buffer had not started
    assert backend.queued_samples() == 2205 - 1323
    assert np.array_equal(backend.recorded(), _ramp(2205))
    backend.flush()  # stop mid-buffer: only what was heard remains
    assert backend.queued_samples() == 0
    assert np.array_equal(backend.recorded(), _ramp(1323))
    assert backend.finished_at() == pytest.approx(clock.now())


def test_null_backend_plays_buffers_back_to_back_after_an_idle_time() -> None:
    clock = FakeClock()
    backend = NullBackend(clock)
    backend.open(RATE)
    clock.advance_ms(500)  # idle: nothing owed
    backend.write(_ramp(441))
    assert backend.queued_samples() == 441
    clock.advance_ms(20)
    assert backend.queued_samples() == 0


@pytest.mark.parametrize("name", ["out.raw", "out.wav"])
def test_file_backend_writes_exactly_what_it_is_given(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    backend = FileBackend(path)
    backend.open(RATE)
    backend.write(_ramp(1000))
    backend.write(_ramp(500, 1000))
    assert backend.queued_samples() == 0 and backend.discard_pending() == 0
    backend.close()
    if name.endswith(".wav"):
        data, rate = sf.read(str(path), dtype="int16")
        assert rate == RATE
    else:
        data = np.fromfile(path, dtype="<i2")
    assert np.array_equal(data, _ramp(1500))


def test_file_backend_reports_an_unwritable_place(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path / "missing-folder" / "out.raw")
    with pytest.raises(BackendError) as caught:
        backend.open(RATE)
    assert not caught.value.opened


def test_backend_is_chosen_by_setting_then_environment_then_default(
    monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MIT_AUDIO_BACKEND", "null")
    assert isinstance(create_backend(), NullBackend)
    assert isinstance(create_backend(f"file:{tmp_path / 'x.wav'}"), FileBackend)
    assert create_backend(f"file:{tmp_path / 'x.wav'}").name == f"file:{tmp_path / 'x.wav'}"
    monkeypatch.delenv("MIT_AUDIO_BACKEND")
    assert isinstance(create_backend(), SimpleaudioBackend)
    with pytest.raises(ValueError, match="MIT_AUDIO_BACKEND"):
        create_backend("pulse")


class _ClockedPlay:
    def __init__(self, device: _OneStreamDevice, end_s: float) -> None:
        self.device, self.end_s = device, end_s

    def is_playing(self) -> bool:
        playing = self.device.clock.now() < self.end_s
        if not playing:
            with self.device.lock:
                self.device.open_streams.discard(id(self))
        return playing

    def stop(self) -> None:
        self.end_s = 0.0


class _OneStreamDevice:
    """A simpleaudio stand-in whose streams last as long as their audio on a fake clock;
    fails if a second stream is opened while one is still playing."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.open_streams: set[int] = set()
        self.buffers: list[np.ndarray] = []
        self.overlaps = 0
        self.fail = False

    def play_buffer(self, data: bytes, channels: int, width: int, rate: int) -> _ClockedPlay:
        if self.fail:
            raise RuntimeError(
                "Error opening PCM device. -- CODE: -16 -- MSG: Device or resource busy"
            )
        samples = np.frombuffer(data, dtype="<i2").copy()
        play = _ClockedPlay(self, self.clock.now() + len(samples) / rate)
        with self.lock:
            if self.open_streams:
                self.overlaps += 1
            self.open_streams.add(id(play))
            self.buffers.append(samples)
        return play


def test_simpleaudio_backend_plays_one_buffer_at_a_time_in_order() -> None:
    clock = FakeClock()
    device = _OneStreamDevice(clock)
    progress = threading.Event()
    backend = SimpleaudioBackend(clock, module=device)
    backend.on_progress = progress.set
    backend.open(RATE)
    for k in range(3):
        backend.write(_ramp(2205, 2205 * k))
    for _ in range(200):
        if len(device.buffers) == 3 and backend.queued_samples() == 0:
            break
        progress.clear()
        clock.advance_ms(20)
        progress.wait(0.05)
    assert device.overlaps == 0
    assert np.array_equal(np.concatenate(device.buffers), _ramp(3 * 2205))
    backend.close()


def test_simpleaudio_backend_keeps_a_failure_for_the_player_and_counts_the_unplayed() -> None:
    clock = FakeClock()
    device = _OneStreamDevice(clock)
    device.fail = True
    failed = threading.Event()
    backend = SimpleaudioBackend(clock, module=device)
    backend.on_progress = failed.set
    backend.open(RATE)
    backend.write(_ramp(2205))
    assert failed.wait(5.0)
    with pytest.raises(BackendError) as caught:
        backend.check()
    assert not caught.value.opened and "busy" in caught.value.detail
    with pytest.raises(BackendError):
        backend.write(_ramp(10))
    assert backend.discard_pending() == 2205  # the buffer that failed was never heard
    backend.close()


def test_simpleaudio_backend_counts_the_playing_buffer_down_with_the_clock() -> None:
    clock = FakeClock()
    device = _OneStreamDevice(clock)
    started = threading.Event()
    backend = SimpleaudioBackend(clock, module=device)
    backend.open(RATE)
    backend.write(_ramp(2205))
    backend.write(_ramp(2205, 2205))
    for _ in range(100):  # the worker picks up the first buffer (real time, bounded)
        if device.buffers:
            break
        started.wait(0.01)
    assert len(device.buffers) == 1
    assert backend.queued_samples() == 4410
    clock.advance_ms(30)
    assert backend.queued_samples() == 4410 - 661  # 30 ms heard: the position moves with the clock
    assert backend.discard_pending() == 2205
    backend.flush()
    backend.close()
