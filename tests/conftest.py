"""Shared test set-up: no test touches the real user folders; Qt runs headless."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shared_files import format_doc


@pytest.fixture(scope="session")
def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole run, so real Piper speech is synthesised once per sentence."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, shared_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(data))
    monkeypatch.setenv("MIT_DESKTOP_CACHE_DIR", str(shared_cache_dir))
    monkeypatch.setenv("MIT_AUDIO_BACKEND", os.environ.get("MIT_AUDIO_BACKEND_FOR_TESTS", "null"))
    # no practice is prepared ahead in a worker process unless a test is about that
    monkeypatch.setenv("MIT_DESKTOP_PREPARE_AHEAD", "0")
    return data


@pytest.fixture(scope="session")
def format_doc_example() -> str:
    """The example script from the format document, as therapists will read it."""
    text = format_doc().read_text(encoding="utf-8")
    match = re.search(r"```\n(\+\+\+\n.*?)```", text, re.S)
    assert match, "the format document's example was not found"
    return match.group(1)


@pytest.fixture(autouse=True)
def _keep_native_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest captures descriptor 2 itself; the audio output must not take it over."""
    monkeypatch.setenv("MIT_DESKTOP_KEEP_STDERR", "1")


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory):
    """One private PulseAudio server with a null sink `cap` (22,050 Hz) for the test session.

    Never skipped: if it cannot start, every test that needs it fails and says why.
    Its address is put in this process's environment (PULSE_SERVER), so the `stream`
    output and child processes play to it (ALSA's default device goes to the server
    whenever one answers: libasound2-plugins).
    """
    from realtime.pulse import PulseServer, PulseUnavailable

    server = PulseServer(tmp_path_factory.mktemp("pulse"), rate=22_050)
    try:
        server.start()
    except PulseUnavailable as exc:
        pytest.fail(f"the private PulseAudio server for the real-time tests did not start: {exc}",
                    pytrace=False)
    saved = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
    yield server
    server.stop()
    if saved is None:
        os.environ.pop("PULSE_SERVER", None)
    else:
        os.environ["PULSE_SERVER"] = saved


@pytest.fixture
def pulse(pulse_server):
    """The session's PulseAudio server, running, with its sink loaded, awake and the default."""
    from realtime.pulse import PulseUnavailable

    if not pulse_server.alive():
        try:
            pulse_server.start()
        except PulseUnavailable as exc:
            pytest.fail(f"the private PulseAudio server did not restart: {exc}", pytrace=False)
    pulse_server.ensure_sink()
    return pulse_server


@pytest.fixture
def full_disk(tmp_path: Path):
    """A real, tiny file system (a 2 MiB tmpfs; needs root), unmounted afterwards."""
    import subprocess

    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a small disk for this test: {mounted.stderr}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)

