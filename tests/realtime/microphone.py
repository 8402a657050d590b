"""A "microphone" on the private PulseAudio server of the real-time tests: a null sink to
play a known sound into (`paplay -d micfeed`) and a virtual source on its monitor, listed
like a card's input (see ../shared/testing/pulse-capture.md)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.recording.capture import SAMPLE_RATE, Capture

MIC = "testmic"
MIC_DESCRIPTION = "Test microphone"
TONE_S = 3.0
TONE_AMPLITUDE = 0.1  # a sine's RMS is amplitude/sqrt(2): -23.0 dBFS
TONE_RMS_DBFS = 20 * np.log10(TONE_AMPLITUDE / np.sqrt(2))


@contextlib.contextmanager
def microphone(pulse) -> Iterator[dict[str, str]]:
    """A "microphone" on the server: a null sink to play into and a source on its monitor.
    Yields the module ids; both are removed on exit."""
    feed = pulse.pactl("load-module", "module-null-sink", "sink_name=micfeed",
                       f"rate={SAMPLE_RATE}", "channels=1").stdout.strip()
    source = pulse.pactl("load-module", "module-virtual-source", f"source_name={MIC}",
                         "master=micfeed.monitor",
                         f"source_properties='device.description=\"{MIC_DESCRIPTION}\"'"
                         ).stdout.strip()
    try:
        yield {"feed": feed, "source": source}
    finally:
        pulse.pactl("unload-module", source, check=False)
        pulse.pactl("unload-module", feed, check=False)


def tone_file(folder: Path) -> Path:
    """0.5 s of silence (a new PulseAudio stream may lose its first part), the tone, 0.3 s."""
    t = np.arange(int(TONE_S * SAMPLE_RATE)) / SAMPLE_RATE
    tone = TONE_AMPLITUDE * np.sin(2 * np.pi * 440 * t)
    audio = np.concatenate([np.zeros(SAMPLE_RATE // 2), tone, np.zeros(SAMPLE_RATE * 3 // 10)])
    path = folder / "tone.wav"
    sf.write(str(path), audio.astype(np.float32), SAMPLE_RATE, subtype="FLOAT")
    return path


def wait_until_recording(capture: Capture, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while capture.recorded_ms == 0:
        assert time.monotonic() < deadline, "the microphone delivered nothing"
        time.sleep(0.02)
