"""Recording through a real capture device: the private PulseAudio server of the real-time
tests, where a null sink fed by `paplay` and a virtual source on its monitor play the part
of a microphone (see ../shared/testing/pulse-capture.md)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.recording.capture import SAMPLE_RATE, Capture, CaptureError, TakeResult
from mit_desktop.recording.sources import list_input_devices
from realtime.microphone import (
    MIC,
    MIC_DESCRIPTION,
    TONE_AMPLITUDE,
    TONE_RMS_DBFS,
    TONE_S,
    microphone,
    tone_file,
    wait_until_recording,
)


def test_the_microphone_is_listed_by_its_description_and_monitors_are_not(pulse) -> None:
    with microphone(pulse):
        devices = list_input_devices()
    shown = [d.shown for d in devices]
    assert MIC_DESCRIPTION in shown
    assert not any(d.name.endswith(".monitor") for d in devices), shown


def test_a_tone_played_into_the_microphone_is_recorded_at_its_level_and_length(
        pulse, tmp_path: Path) -> None:
    out = tmp_path / "session" / "take.wav"
    levels = []
    with microphone(pulse):
        capture = Capture(out, f"source:{MIC}", on_level=levels.append)
        capture.start()
        try:
            wait_until_recording(capture)
            played = subprocess.run(["paplay", "-d", "micfeed", str(tone_file(tmp_path))],
                                    env=dict(os.environ, **pulse.env), timeout=30,
                                    capture_output=True, check=False)
            assert played.returncode == 0, played.stderr
            time.sleep(0.3)
        finally:
            result = capture.stop()
    assert result.device_lost == "" and result.path == out
    data, rate = sf.read(str(out), dtype="float32")
    assert rate == SAMPLE_RATE and data.ndim == 1
    assert sf.info(str(out)).subtype == "PCM_16"
    loud = np.flatnonzero(np.abs(data) > TONE_AMPLITUDE / 2)
    tone = data[loud[0]:loud[-1] + 1]
    assert len(tone) / rate == pytest.approx(TONE_S, abs=0.02)
    middle = tone[rate // 2:-rate // 2]
    assert 20 * np.log10(np.sqrt(np.mean(middle**2))) == pytest.approx(TONE_RMS_DBFS, abs=0.3)
    # the live meter saw the tone's level too
    assert max(s.level.rms_dbfs for s in levels) == pytest.approx(TONE_RMS_DBFS, abs=0.5)
    assert result.max_peak_dbfs == pytest.approx(20 * np.log10(TONE_AMPLITUDE), abs=0.3)
    assert not list(out.parent.glob("*.partial"))


def test_a_microphone_that_vanishes_keeps_what_was_recorded_and_says_so(
        pulse, tmp_path: Path) -> None:
    out = tmp_path / "take.wav"
    stopped: list[TakeResult] = []
    told = threading.Event()
    with microphone(pulse) as modules:
        capture = Capture(out, f"source:{MIC}",
                          on_stopped=lambda r: (stopped.append(r), told.set()))
        capture.start()
        wait_until_recording(capture)
        time.sleep(1.0)
        pulse.pactl("unload-module", modules["source"])
        assert told.wait(10), "the recorder did not notice the microphone had gone"
        recorded_ms = capture.recorded_ms
        result = capture.stop()
    assert stopped == [result]
    assert "microphone stopped" in result.device_lost and "is kept" in result.device_lost
    assert result.path == out and result.duration_ms == recorded_ms >= 900
    assert sf.info(str(out)).frames == result.n_samples


def test_a_microphone_not_there_is_named_and_nothing_is_written(pulse, tmp_path: Path) -> None:
    capture = Capture(tmp_path / "take.wav", "source:unplugged-mic")
    with pytest.raises(CaptureError, match="not connected"):
        capture.start()
    assert list(tmp_path.iterdir()) == []


def test_a_take_is_heard_through_the_programs_sound_output(pulse, tmp_path: Path,
                                                           monkeypatch) -> None:
    from mit_desktop.recording.listen import play_take
    from realtime.pulse import Capture as ServerCapture
    from realtime.pulse import find_sound

    monkeypatch.setenv("MIT_AUDIO_BACKEND", "stream")
    take = tmp_path / "take.wav"
    t = np.arange(SAMPLE_RATE * 2) / SAMPLE_RATE
    sf.write(str(take), (0.25 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), SAMPLE_RATE,
             subtype="PCM_16")
    heard = ServerCapture(pulse).start()
    try:
        played_ms = play_take(take, start_ms=500, end_ms=1500)
        time.sleep(0.3)
    finally:
        samples = heard.stop()
    assert played_ms == 1000
    sound = find_sound(samples, heard.rate, threshold=2000)
    assert sound.length_ms == pytest.approx(1000, abs=30)
    assert np.max(np.abs(samples)) / 32767 == pytest.approx(0.25, abs=0.02)


def test_record_from_the_terminal(pulse, tmp_path: Path) -> None:
    from realtime.conftest import cli_env, run_cli

    env = cli_env(pulse, tmp_path)
    with microphone(pulse):
        listed = run_cli(["record", "--devices"], env, timeout=60)
        assert listed.returncode == 0 and f"source:{MIC}" in listed.stdout
        assert MIC_DESCRIPTION in listed.stdout and ".monitor" not in listed.stdout
        out = tmp_path / "take.wav"
        done = run_cli(["record", str(out), "--device", f"source:{MIC}", "--seconds", "2"], env,
                       timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"{out}:" in done.stdout
    assert sf.info(str(out)).samplerate == SAMPLE_RATE
    assert sf.info(str(out)).duration == pytest.approx(2.0, abs=0.15)
    missing = run_cli(["record", str(tmp_path / "x.wav"), "--device", "source:nope",
                       "--seconds", "1"], env, timeout=60)
    assert missing.returncode == 1 and "not connected" in missing.stderr
    assert "Traceback" not in missing.stderr
