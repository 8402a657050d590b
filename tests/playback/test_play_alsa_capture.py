"""What `mit-desktop play` sends to the sound card equals `mit-desktop render`, sample for sample.

ALSA's default device is pointed at a file (../shared/testing/alsa-capture.md):
a temporary HOME holds an `.asoundrc` whose default PCM appends everything it
is sent to a capture file. The real simpleaudio backend (one ALSA stream per
buffer) and the `alsa` backend (one continuous stream) are checked, with the real
Piper voice; `render` runs first so both read the same cached speech.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

SCRIPT = """+++
id = "alsa-capture"
title = "Capture test"
+++

# Arriving

[ambience rain 25%]
[bell chime]

Breathe in. Breathe out.

[pause 1s]

[reflect 2s note: What is here now?]

# Closing

Thank you.

[bell]
"""

ASOUNDRC = """pcm.!default {{
  type file
  slave.pcm "null"
  file "|cat >> {capture}"
  format "raw"
}}
"""


def _env(tmp_path: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        MIT_DESKTOP_CACHE_DIR=str(tmp_path / "cache"),
        MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("MIT_AUDIO_BACKEND", None)
    return env


def _run(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 240
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mit_desktop", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "capture.session.md"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["simpleaudio", "alsa"])
@pytest.mark.parametrize("mode", ["hands-free", "interactive"])
def test_device_output_equals_render_sample_for_sample(
    tmp_path: Path, script: Path, mode: str, backend: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    capture = tmp_path / "capture.raw"
    (home / ".asoundrc").write_text(ASOUNDRC.format(capture=capture), encoding="utf-8")
    env = _env(tmp_path, home)
    rendered = tmp_path / f"render-{mode}.wav"
    done = _run(["render", str(script), "--mode", mode, "-o", str(rendered)], env)
    assert done.returncode == 0, done.stderr
    played = _run(
        ["play", str(script), "--mode", mode, "--backend", backend],
        env,
        stdin="\n" if mode == "interactive" else "",
    )
    assert played.returncode == 0, played.stderr
    assert "Traceback" not in played.stderr
    assert "Thank you." in played.stdout and "Reflection: What is here now?" in played.stdout
    assert ("Press Enter to continue" in played.stdout) == (mode == "interactive")
    expected, rate = sf.read(str(rendered), dtype="int16")
    assert rate == 22_050
    sent = np.fromfile(capture, dtype="<i2")
    assert len(sent) == len(expected) > 5 * rate
    assert np.array_equal(sent, expected)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["simpleaudio", "alsa"])
def test_no_sound_device_is_reported_in_plain_words_and_play_goes_on_silently(
    tmp_path: Path, backend: str
) -> None:
    script = tmp_path / "short.session.md"
    script.write_text('+++\nid = "short"\ntitle = "Short"\n+++\n\nHello.\n', encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default {\n  type hw\n  card 7\n}\n", encoding="utf-8")
    played = _run(["play", str(script), "--backend", backend], _env(tmp_path, home))
    assert played.returncode == 0, played.stderr
    assert (
        "mit-desktop: The sound device could not be opened. Playback continues silently; "
        "the captions still advance."
    ) in played.stderr
    assert "Traceback" not in played.stderr
    assert "Hello." in played.stdout and "Finished" in played.stdout


@pytest.mark.slow
@pytest.mark.parametrize("cached", [True, False])
def test_ctrl_c_stops_cleanly_with_exit_130(tmp_path: Path, cached: bool) -> None:
    script = tmp_path / "long.session.md"
    sentences = " ".join(f"This is calm sentence number {k}." for k in range(1, 40))
    script.write_text(f'+++\nid = "long"\ntitle = "Long"\n+++\n\n{sentences}\n', encoding="utf-8")
    env = _env(tmp_path, tmp_path)
    if cached:  # speech ready, so play starts at once
        assert _run(["timeline", str(script)], env).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "mit_desktop", "play", str(script), "--backend", "null"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = threading.Event()

    def watch() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if "sentence number 1." in line:
                started.set()

    threading.Thread(target=watch, daemon=True).start()
    assert started.wait(60), "playback did not start"
    process.send_signal(signal.SIGINT)  # when not cached, while speech is still being made
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "stopped at 0:0" in err
    assert "Traceback" not in err
