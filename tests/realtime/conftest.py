"""Helpers for the real-time tests: the private PulseAudio server is in ../conftest.py
(`pulse`), the recorder and gap finder in pulse.py. These tests run `mit-desktop play`
(or the player) on the default output, in real time, and record what the server got.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from realtime.pulse import PulseServer, busy_cores, raised  # noqa: F401 - tests import these

RATE = 22_050


def cli_env(server: PulseServer, tmp_path: Path) -> dict[str, str]:
    """A child's environment: the private server, the default output, the test's folders.

    The terminal stays as a user's would be (the audio libraries' messages go to the log).
    """
    env = dict(os.environ)
    env.update(
        PULSE_SERVER=server.env["PULSE_SERVER"],
        MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
    )
    for key in ("MIT_AUDIO_BACKEND", "MIT_DESKTOP_KEEP_STDERR"):
        env.pop(key, None)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600,
            stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mit_desktop", *args], input=stdin, env=env,
        capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=raised,
    )


def write_tone_session(folder: Path, seconds: float, frequency: float = 440.0) -> Path:
    """A session that is one continuous tone (a clip) of `seconds`."""
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(str(folder / "tone.wav"), (0.25 * np.sin(2 * np.pi * frequency * t)).astype(
        np.float32), RATE, subtype="PCM_16")
    path = folder / "tone.session.md"
    path.write_text('+++\nid = "tone"\ntitle = "Tone"\n+++\n\n[clip tone.wav]\n',
                    encoding="utf-8")
    return path


CHATTER = ("ALSA lib", "Expression '", "PortAudio", "jack", "JACK", "pa_linux_alsa",
           "snd_pcm", "Cannot connect to server")


def assert_quiet(stderr: str) -> None:
    """No raw audio-library message reached the terminal (and no traceback)."""
    noisy = [line for line in stderr.splitlines() if any(word in line for word in CHATTER)]
    assert noisy == [], noisy
    assert "Traceback" not in stderr


@pytest.fixture
def render_wav(tmp_path: Path):
    """`render_wav(script, env, mode)`: the session as `mit-desktop render` makes it (int16)."""

    def render(script: Path, env: dict[str, str], mode: str = "hands-free") -> np.ndarray:
        out = tmp_path / f"render-{mode}.wav"
        done = run_cli(["render", str(script), "--mode", mode, "-o", str(out)], env)
        assert done.returncode == 0, done.stderr
        data, rate = sf.read(str(out), dtype="int16")
        assert rate == RATE
        return data

    return render
