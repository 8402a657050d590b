"""The output contract (mit_desktop/playback/output/base.py), checked over every output.

`null` runs on a fake clock, `file` writes at once, and `stream` (the default)
plays in real time through PortAudio to the private PulseAudio server's null
sink, whose monitor is recorded: what it "heard" is what the sink received.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.playback.clock import FakeClock
from mit_desktop.playback.output import (
    BACKENDS,
    Backend,
    BackendError,
    backend_class,
    create_backend,
)
from mit_desktop.playback.output.file import FileBackend
from mit_desktop.playback.output.null import NullBackend

RATE = 22_050


def _tone(n: int, start: int = 0) -> np.ndarray:
    """A loud signal: every sample non-zero (8000..23999) and identifiable by position."""
    k = np.arange(start, start + n)
    return (8000 + (k * 7919) % 16000).astype("<i2")


@dataclass
class Output:
    backend: Backend
    wait: Callable[[float], None]  # let `seconds` of playing time pass
    heard: Callable[[], np.ndarray]  # everything the listener received so far, in order
    real_time: bool

    def open(self) -> None:
        self.backend.open(RATE)


@pytest.fixture(params=sorted(BACKENDS))
def output(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Output]:
    name = request.param
    if name == "null":
        clock = FakeClock()
        null = NullBackend(clock, record=True)
        made = Output(null, clock.advance, null.recorded, real_time=False)
    elif name == "file":
        path = tmp_path / "out.raw"
        file = FileBackend(path)

        def read() -> np.ndarray:
            return np.fromfile(path, dtype="<i2") if path.exists() else np.zeros(0, "<i2")

        made = Output(file, lambda _s: None, read, real_time=False)
    else:
        from realtime.pulse import Capture

        server = request.getfixturevalue("pulse")
        capture = Capture(server).start()
        stream = create_backend(name)

        def received() -> np.ndarray:
            # Every sample the tests write is non-zero, so dropping the zeros keeps exactly
            # what was received, in order, and leaves out silence between sounds (and any
            # a machine too busy to keep up might insert: tests/realtime looks for those).
            samples = capture.samples()
            return samples[samples != 0]

        made = Output(stream, time.sleep, received, real_time=True)
    yield made
    made.backend.close()
    if name == "stream":
        capture.stop()


def _drain(out: Output, limit_s: float = 5.0) -> None:
    waited = 0.0
    while out.backend.queued_samples() > 0:
        assert waited < limit_s, "the output never played out what it was given"
        out.wait(0.02)
        waited += 0.02
    if out.real_time:
        time.sleep(0.15)  # the recorder's own latency


def test_every_registered_output_is_found_by_its_name() -> None:
    assert set(BACKENDS) == {"stream", "null", "file"}
    for name in BACKENDS:
        assert issubclass(backend_class(name), Backend)


def test_writing_before_opening_is_refused_with_a_backend_error(output: Output) -> None:
    if isinstance(output.backend, NullBackend):
        return  # the null output needs no device: writing before open() is allowed
    with pytest.raises(BackendError):
        output.backend.write(_tone(100))


def test_what_is_written_is_heard_whole_and_in_order(output: Output) -> None:
    backend = output.backend
    output.open()
    backend.check()
    sent = [_tone(2205, k * 2205) for k in range(8)]  # eight 100 ms buffers, back to back
    for buffer in sent:
        backend.write(buffer)
    _drain(output)
    assert backend.queued_samples() == 0
    assert np.array_equal(output.heard(), np.concatenate(sent))


def test_queued_samples_counts_down_as_the_sound_is_heard(output: Output) -> None:
    backend = output.backend
    output.open()
    backend.write(_tone(RATE))  # one second
    written = backend.queued_samples()
    output.wait(0.35)  # past the stream's settling and latency: the sound has started
    first, first_s = backend.queued_samples(), time.monotonic()
    output.wait(0.3)
    later, later_s = backend.queued_samples(), time.monotonic()
    if isinstance(backend, FileBackend):
        assert written == first == later == 0  # a file takes everything at once
        return
    assert written == RATE and first < RATE
    elapsed_s = later_s - first_s if output.real_time else 0.3
    assert first - later == pytest.approx(elapsed_s * RATE, abs=0.03 * RATE)
    _drain(output)


def test_discard_pending_drops_only_what_has_not_started(output: Output) -> None:
    backend = output.backend
    output.open()
    for k in range(10):
        backend.write(_tone(2205, k * 2205))
    output.wait(0.25)
    queued = backend.queued_samples()
    dropped = backend.discard_pending()
    assert 0 <= dropped <= queued
    assert backend.queued_samples() == queued - dropped or output.real_time
    _drain(output)
    heard = output.heard()
    if isinstance(backend, FileBackend):
        assert dropped == 0 and len(heard) == 10 * 2205
    else:
        assert dropped > 0
        # what was heard is the start of what was written, exactly, and nothing dropped
        assert len(heard) == 10 * 2205 - dropped
    assert np.array_equal(heard, _tone(len(heard)))


def test_fade_out_pending_fades_the_next_samples_and_drops_the_rest_in_one_step(
    output: Output,
) -> None:
    """The player's pause: what is heard is the sound up to where it stopped, then its
    fade (made by the output from what was queued, or by the player when the output
    cannot), with nothing left out or put between them."""
    backend = output.backend
    output.open()
    for k in range(10):
        backend.write(_tone(2205, k * 2205))
    output.wait(0.25)
    dropped, faded = backend.fade_out_pending(220)
    _drain(output)
    heard = output.heard()
    if isinstance(backend, FileBackend):
        assert (dropped, faded) == (0, 0) and np.array_equal(heard, _tone(10 * 2205))
        return
    assert dropped > 0
    if isinstance(backend, NullBackend):
        assert faded == 0  # whole buffers are dropped; the player renders the fade
        assert np.array_equal(heard, _tone(10 * 2205 - dropped))
        return
    assert faded == 220  # a device on its own thread: the fade is queued in the same step
    plain = 10 * 2205 - dropped - faded
    assert np.array_equal(heard[:plain], _tone(plain))
    ramp = np.linspace(1.0, 0.0, faded + 1, dtype=np.float32)[1:]
    fade = np.round(_tone(faded, plain).astype(np.float32) * ramp).astype("<i2")
    assert np.array_equal(heard[plain:], fade[fade != 0])  # (the tests' capture drops zeros)


def test_flush_stops_at_once_and_what_follows_counts_from_zero(output: Output) -> None:
    backend = output.backend
    output.open()
    backend.write(_tone(RATE))
    output.wait(0.2)
    backend.flush()
    assert backend.queued_samples() == 0
    backend.write(_tone(2205, 50_000))
    assert backend.queued_samples() in (range(0, 1) if isinstance(backend, FileBackend)
                                        else range(1, 2206))
    _drain(output)
    heard = output.heard()
    assert np.array_equal(heard[-2205:], _tone(2205, 50_000))
    if not isinstance(backend, FileBackend):
        assert len(heard) < RATE  # the rest of the second was never played


def test_close_then_open_again_plays_again(output: Output) -> None:
    backend = output.backend
    output.open()
    backend.write(_tone(2205))
    _drain(output)
    backend.close()
    output.open()
    backend.check()
    backend.write(_tone(2205, 2205))
    _drain(output)
    if isinstance(backend, FileBackend):
        return  # a file is written anew when opened again
    assert np.array_equal(output.heard(), _tone(4410))


def test_file_output_writes_wav_and_flac_exactly(tmp_path: Path) -> None:
    for name in ("out.wav", "out.flac"):
        backend = create_backend(f"file:{tmp_path / name}")
        backend.open(RATE)
        backend.write(_tone(1000))
        backend.write(_tone(500, 1000))
        backend.close()
        data, rate = sf.read(str(tmp_path / name), dtype="int16")
        assert rate == RATE and np.array_equal(data, _tone(1500))


def test_file_output_reports_an_unwritable_place(tmp_path: Path) -> None:
    backend = create_backend(f"file:{tmp_path / 'missing-folder' / 'out.raw'}")
    with pytest.raises(BackendError) as caught:
        backend.open(RATE)
    assert not caught.value.opened and caught.value.state == "not-opened"


def test_outputs_are_chosen_by_name_setting_first_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:

    monkeypatch.setenv("MIT_AUDIO_BACKEND", "null")
    assert isinstance(create_backend(), NullBackend)
    assert isinstance(create_backend(f"file:{tmp_path / 'x.wav'}"), FileBackend)
    monkeypatch.delenv("MIT_AUDIO_BACKEND")
    stream = create_backend()
    assert stream.name == "stream" and stream.device is None  # type: ignore[attr-defined]
    assert create_backend("stream:USB Headset").device == "USB Headset"  # type: ignore[attr-defined]
    assert create_backend(None, device="pulse").device == "pulse"  # type: ignore[attr-defined]
    # the removed outputs' names still play, through the stream
    assert create_backend("alsa:hw:1,0").device == "hw:1,0"  # type: ignore[attr-defined]
    assert create_backend("simpleaudio").name == "stream"
    with pytest.raises(ValueError, match="MIT_AUDIO_BACKEND"):
        create_backend("pulse")


def test_the_registry_imports_no_output_until_one_is_chosen() -> None:
    import subprocess
    import sys

    code = (
        "import sys, mit_desktop.playback.output as o, mit_desktop.playback.player;"
        "o.create_backend('null');"
        "loaded = [m for m in ('mit_desktop.playback.output.stream', "
        "'mit_desktop.playback.output.file', 'sounddevice') if m in sys.modules];"
        "print(loaded)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"
