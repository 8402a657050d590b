"""`mit-desktop validate` and `import-recording` on damaged recordings and odd files (issue 11).

`validate` decodes every clip (into the cache render uses), so what it passes plays; what it
refuses it names in plain words at the script's line, without ffmpeg's or libsndfile's text,
and the audio libraries' own warnings go to the log, not the terminal.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.cli import main

INTERNALS = re.compile(r"Error opening|Invalid argument|Invalid data|NONE audio|PCM_S16LE|"
                       r"Error :|lost sync|Errno|Traceback|libmpg123|Illegal Audio")


def wav_bytes(rate: int = 8000, channels: int = 1, bits: int = 16, fmt: int = 1) -> bytes:
    block = channels * bits // 8
    payload = bytes((i * 37) & 0xFF for i in range(800 * max(block, 1)))
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels, rate & 0xFFFFFFFF,
                            (rate * max(block, 1)) & 0xFFFFFFFF, block, bits)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk
            + b"data" + struct.pack("<I", len(payload)) + payload)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tone(seconds: float = 2.0, rate: int = 16_000) -> np.ndarray:
    return (0.3 * np.sin(np.arange(int(seconds * rate)) * 2 * np.pi * 440 / rate)).astype(np.float32)


def encoded(tmp_path: Path, fmt: str, ext: str) -> bytes:
    path = tmp_path / f"whole.{ext}"
    sf.write(str(path), tone(), 16_000, format=fmt)
    return path.read_bytes()


def script_with_clip(tmp_path: Path, name: str) -> Path:
    script = tmp_path / "s.session.md"
    script.write_text(f'+++\nid = "s"\ntitle = "S"\n+++\nHello.\n[clip {name}]\n', encoding="utf-8")
    return script


DAMAGED = {
    "truncated.flac": lambda tmp: encoded(tmp, "FLAC", "flac")[: len(encoded(tmp, "FLAC", "flac")) // 2],
    "truncated.mp3": lambda tmp: encoded(tmp, "MP3", "mp3")[: len(encoded(tmp, "MP3", "mp3")) // 3],
    "channels0.wav": lambda tmp: wav_bytes(channels=0),
    "bits0.wav": lambda tmp: wav_bytes(bits=0),
    "unknown-format.wav": lambda tmp: wav_bytes(fmt=0x1234),
    "rate-2e31.wav": lambda tmp: wav_bytes(rate=2**31),
    "rate-1.wav": lambda tmp: wav_bytes(rate=1),
    "channels1000.wav": lambda tmp: wav_bytes(channels=1000),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_validate_refuses_a_clip_that_render_cannot_play(tmp_path: Path, capsys, name: str) -> None:
    # was: validate said "ok" for each of these, then render refused them
    (tmp_path / name).write_bytes(DAMAGED[name](tmp_path))
    script = script_with_clip(tmp_path, name)
    assert main(["validate", str(script)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{script}:6: Cannot play '{name}': ") and "\n" not in err, err
    assert not INTERNALS.search(err), err
    assert main(["render", str(script), "-o", str(tmp_path / "o.wav")]) == 1
    capsys.readouterr()


def test_validate_passes_good_clips_and_render_plays_them(tmp_path: Path, capsys) -> None:
    sf.write(str(tmp_path / "good.flac"), tone(), 16_000, format="FLAC")
    script = script_with_clip(tmp_path, "good.flac")
    assert main(["validate", str(script)]) == 0
    assert "ok" in capsys.readouterr().out


@pytest.mark.parametrize("kind, words", [("fifo", "a named pipe (FIFO)"), ("device", "a device"),
                                         ("folder", "a folder")])
def test_a_clip_that_is_not_a_file_is_named_as_what_it_is(tmp_path: Path, capsys, kind: str,
                                                          words: str) -> None:
    # was: "clip file not found" (folder, FIFO, device alike)
    clip = tmp_path / "talk.wav"
    {"fifo": os.mkfifo, "folder": os.mkdir,
     "device": lambda p: os.symlink("/dev/zero", p)}[kind](clip)
    script = script_with_clip(tmp_path, "talk.wav")
    assert main(["validate", str(script)]) == 1
    err = capsys.readouterr().err
    assert f"{script}:6:7: the clip talk.wav is {words}, not a recording" in err
    assert "not found" not in err


def test_a_broken_recording_is_blamed_not_its_labels(tmp_path: Path, capsys) -> None:
    # was: "label at 1.0 s is past the end of the recording (0.0 s)"
    audio = tmp_path / "talk.mp3"
    audio.write_bytes(encoded(tmp_path, "MP3", "mp3")[:200])
    labels = tmp_path / "labels.txt"
    labels.write_text("1.0\t1.0\tWhat do you notice?\n", encoding="utf-8")
    out = tmp_path / "talk.session.md"
    assert main(["import-recording", str(audio), "--labels", str(labels), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Cannot play 'talk.mp3'" in err and "label" not in err, err
    assert not INTERNALS.search(err), err
    assert not out.exists()


@pytest.mark.parametrize("value, words", [
    ("inf", "must be numbers of seconds"), ("nan", "must be numbers of seconds"),
    ("1e400", "must be numbers of seconds"), ("9" * 5000, "must be numbers of seconds"),
    ("86401", "must be seconds from 0 to 86,400 (24 hours)")])
def test_label_times_that_are_not_times_in_a_recording_are_refused(
        tmp_path: Path, capsys, value: str, words: str) -> None:
    sf.write(str(tmp_path / "talk.wav"), tone(), 16_000)
    labels = tmp_path / "labels.txt"
    labels.write_text(f"{value}\t{value}\tWhat?\n", encoding="utf-8")
    out = tmp_path / "talk.session.md"
    assert main(["import-recording", str(tmp_path / "talk.wav"), "--labels", str(labels),
                 "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mit-desktop: {labels}:1:1: the start and end times {words}"), err


def test_a_fault_while_checking_is_one_line_at_the_file_not_a_traceback(
        tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    import mit_desktop.session.parser as parser

    def broken(path: Path) -> None:
        raise KeyError("a fault of ours")

    monkeypatch.setattr(parser, "parse_session", broken)
    script = script_with_clip(tmp_path, "x.wav")
    assert main(["validate", str(script)]) == 1
    err = capsys.readouterr().err
    assert err == (f"{script}:1: this file could not be checked because of a fault in MIT "
                   "Desktop, not in your script; please report it (run with -v to see the "
                   "details)\n")


def test_audio_library_warnings_stay_off_the_terminal(tmp_path: Path) -> None:
    # was: libmpg123's "Note: Illegal Audio-MPEG-Header ..." lines among validate's output
    data = bytearray(encoded(tmp_path, "MP3", "mp3"))
    data[len(data) // 3: len(data) // 3 + 400] = bytes(400)
    (tmp_path / "talk.mp3").write_bytes(bytes(data))
    script = script_with_clip(tmp_path, "talk.mp3")
    env = {k: v for k, v in os.environ.items() if k != "MIT_DESKTOP_KEEP_STDERR"}
    result = subprocess.run([sys.executable, "-m", "mit_desktop", "validate", str(script)],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert not re.search(r"Note:|Warning:|libmpg123|\[src/", result.stderr), result.stderr
    # and the same run with the raw output kept shows that there was something to keep off
    env["MIT_DESKTOP_KEEP_STDERR"] = "1"
    raw = subprocess.run([sys.executable, "-m", "mit_desktop", "validate", str(script)],
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert re.search(r"Note:|Warning:|libmpg123|\[src/", raw.stderr), raw.stderr


def test_with_its_recordings_a_session_may_last_at_most_four_hours(tmp_path: Path, capsys) -> None:
    # the parser cannot know a recording's length; validate decodes it and adds it up
    sf.write(str(tmp_path / "talk.flac"), tone(2.1), 16_000, format="FLAC")
    script = tmp_path / "s.session.md"
    body = "[pause 60m]\n" * 3 + "[pause 59m]\n" + "[clip talk.flac]\n" * 28
    script.write_text('+++\nid = "s"\ntitle = "S"\n+++\n' + body, encoding="utf-8")
    assert main(["validate", str(script)]) == 0  # 3 h 59 min + 58.8 s
    capsys.readouterr()
    script.write_text('+++\nid = "s"\ntitle = "S"\n+++\n' + body + "[clip talk.flac]\n" * 5,
                      encoding="utf-8")
    assert main(["validate", str(script)]) == 1  # the 29th clip (line 37) passes 4 hours
    assert capsys.readouterr().err == (
        f"{script}:37: with its recordings, by this line the session lasts more than 4 hours; "
        "a session may last at most 4 hours\n")


def test_a_session_name_too_long_for_a_path_is_explained_at_line_1(capsys) -> None:
    # was: "mit-desktop: [Errno 36] File name too long: 'xxxx…'" from Path.exists()
    name = "x" * 5000
    assert main(["timeline", name]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mit-desktop: {name}:1: cannot read the file: the path (or a folder or "
                          "file name in it) is too long for this computer"), err[-300:]
    assert not INTERNALS.search(err)


def test_a_recording_over_8_gb_is_refused_before_it_is_read(tmp_path: Path, capsys) -> None:
    # was: hashed and probed byte by byte first (/proc/kcore, 128 TB, never ended)
    big = tmp_path / "huge.wav"
    with big.open("wb") as fh:  # sparse: takes no room on disk
        fh.truncate(9_000_000_000)
    script = script_with_clip(tmp_path, "huge.wav")
    assert main(["validate", str(script)]) == 1
    assert capsys.readouterr().err == (
        f"{script}:6: Cannot play 'huge.wav': the file is 9.0 GB; a recording may be at most "
        "8 GB. Split it into shorter recordings, or save it in a compressed format (FLAC, MP3, "
        "OGG).\n")
