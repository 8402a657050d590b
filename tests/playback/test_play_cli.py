"""`mit-desktop play` as a process: Ctrl-C stops cleanly (the null output; what the
default output sends to a sound server is checked in tests/realtime/)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from child_signals import ctrl_c_reaches_child


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


def _run(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mit_desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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
        preexec_fn=ctrl_c_reaches_child,
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
