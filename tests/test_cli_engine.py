"""The engine's command line: validate, timeline, render, import-recording, library, voices."""

from __future__ import annotations

import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from shared_files import real_audio

from mit_desktop.cli import main

RATE = 22_050


@pytest.fixture
def example(tmp_path: Path, format_doc_example: str) -> Path:
    path = tmp_path / "nesting-doll.session.md"
    path.write_text(format_doc_example, encoding="utf-8")
    return path


def timeline_json(path: Path, capsys, *extra: str) -> dict:
    assert main(["timeline", str(path), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2))) if len(x) else 0.0


def test_validate_ok_and_invalid_exit_codes(example: Path, tmp_path: Path, capsys) -> None:
    assert main(["validate", str(example)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "bad.session.md"
    bad.write_text('+++\nid = "b"\ntitle = "B"\n+++\n[paus 3s]\n[pause x]\n', encoding="utf-8")
    assert main(["validate", str(example), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:5:2: unknown directive 'paus'; did you mean 'pause'?" in err
    assert f"{bad}:6:8: 'x' is not a duration" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["render", "x.session.md"])  # no -o
    assert info.value.code == 2


def test_timeline_json_document(example: Path, capsys) -> None:
    doc = timeline_json(example, capsys)
    assert doc["sample_rate"] == RATE
    assert [s["title"] for s in doc["sections"]] == ["Arriving", "Your center"]
    assert {s["kind"] for s in doc["segments"]} == {"speech", "silence", "bell", "reflection"}
    assert doc["reflections"][1]["prompt"] == "What might the person you care for be feeling right now?"
    assert doc["reflections"][0]["inputs"] == ["body-map"] and doc["reflections"][0]["duration_ms"] == 40_000
    speech = [s for s in doc["segments"] if s["kind"] == "speech"]
    assert speech[0]["text"] == "Find a position that lets you be both relaxed and alert."
    assert doc["duration_ms"] == doc["segments"][-1]["end_ms"]
    interactive = timeline_json(example, capsys, "--mode", "interactive")
    assert doc["duration_ms"] - interactive["duration_ms"] == 85_000  # the two reflections


def test_render_of_the_format_example_matches_its_timeline(example: Path, tmp_path: Path, capsys) -> None:
    doc = timeline_json(example, capsys)
    out = tmp_path / "out.wav"
    assert main(["render", str(example), "-o", str(out)]) == 0
    audio, rate = sf.read(out, dtype="float32")
    assert rate == RATE
    assert len(audio) == doc["n_samples"]  # exactly the timeline's length
    speech = [s for s in doc["segments"] if s["kind"] == "speech"]
    pauses = [s for s in doc["segments"] if s["kind"] == "silence" and s["end_ms"] - s["start_ms"] >= 8000]
    def at(s):
        return audio[s["start_sample"]: s["end_sample"]]

    for seg in speech:
        assert rms(at(seg)) > 0.04, seg["text"]  # speech is audible
    for seg in pauses:
        assert rms(at(seg)) < 0.1 * 0.2  # only the quiet stream bed (15%) in pauses
    assert np.max(np.abs(audio)) < 0.99  # no clipping


def test_pauses_are_digital_silence_without_ambience(example: Path, tmp_path: Path, capsys) -> None:
    text = "\n".join(line for line in example.read_text().splitlines() if "[ambience" not in line)
    example.write_text(text + "\n", encoding="utf-8")
    doc = timeline_json(example, capsys)
    out = tmp_path / "quiet.flac"
    assert main(["render", str(example), "-o", str(out)]) == 0
    audio, _ = sf.read(out, dtype="int16")
    assert len(audio) == doc["n_samples"]
    pause = next(s for s in doc["segments"]
                 if s["kind"] == "silence" and s["end_sample"] - s["start_sample"] == 8 * RATE)
    assert not np.any(audio[pause["start_sample"]: pause["end_sample"]])
    reflection = next(s for s in doc["segments"] if s["kind"] == "reflection")
    start = reflection["start_sample"]
    assert not np.any(audio[start:start + 30 * RATE])  # silent until the soft chime near its end
    assert np.max(np.abs(audio[start + 30 * RATE: reflection["end_sample"]])) > 1000


@pytest.mark.parametrize("suffix", [".ogg", ".mp3"])
def test_lossy_outputs_are_written(example: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["render", str(example), "-o", str(out)]) == 0
    info = sf.info(out)
    assert info.samplerate == RATE and info.duration > 100


def test_unwritable_output_is_a_clear_error(example: Path, tmp_path: Path, capsys) -> None:
    assert main(["render", str(example), "-o", str(tmp_path / "no-such-folder" / "x.wav")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["render", str(example), "-o", str(tmp_path / "x.aiff")]) == 1
    assert "choose a file ending in .wav" in capsys.readouterr().err


def test_full_disk_while_rendering_leaves_no_file(example: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "full.wav"
    calls = {"n": 0}
    real_write = sf.SoundFile.write

    def write(self, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(sf.SoundFile, "write", write)
    assert main(["render", str(example), "-o", str(out)]) == 1
    assert "The disk is full" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nesting-doll.session.md"]


def test_unknown_voice_and_malformed_script(example: Path, tmp_path: Path, capsys) -> None:
    assert main(["timeline", str(example), "--voice", "nobody"]) == 1
    assert "Unknown voice 'nobody'" in capsys.readouterr().err
    latin = tmp_path / "latin.session.md"
    latin.write_bytes(b'+++\nid = "l"\ntitle = "L"\n+++\nCaf\xe9.\n')
    assert main(["render", str(latin), "-o", str(tmp_path / "l.wav")]) == 1
    assert "5:4: the file is not UTF-8 text" in capsys.readouterr().err


@pytest.mark.parametrize("name, make", [
    ("empty.wav", lambda p: shutil.copy(real_audio("test1_empty.wav"), p)),
    ("garbage.mp3", lambda p: p.write_bytes(b"\x00garbage" * 500)),
    ("zero.wav", lambda p: p.write_bytes(b"")),
    ("cut.wav", lambda p: p.write_bytes((real_audio("test1-8bit.wav")).read_bytes()[:30])),
])
def test_bad_clips_are_reported_with_the_script_line(tmp_path: Path, capsys, name, make) -> None:
    make(tmp_path / name)
    script = tmp_path / "s.session.md"
    script.write_text(f'+++\nid = "s"\ntitle = "S"\n+++\nHello.\n[clip {name}]\n', encoding="utf-8")
    assert main(["render", str(script), "-o", str(tmp_path / "o.wav")]) == 1
    err = capsys.readouterr().err
    assert f"{script}:6" in err and name in err and "Traceback" not in err
    assert not (tmp_path / "o.wav").exists()


def test_import_recording_with_audacity_labels(tmp_path: Path, capsys) -> None:
    audio = real_audio("party.mp3")
    labels = tmp_path / "labels.txt"
    labels.write_text("1.5\t1.5\tWhat do you notice?\n3.25\t4.0\tWhere is it in your body?\n", encoding="utf-8")
    out = tmp_path / "out" / "my-recording.session.md"
    out.parent.mkdir()
    assert main(["import-recording", str(audio), "--labels", str(labels), "-o", str(out)]) == 0
    assert "2 reflection points" in capsys.readouterr().out
    doc = timeline_json(out, capsys, "--mode", "interactive")
    assert [r["prompt"] for r in doc["reflections"]] == ["What do you notice?", "Where is it in your body?"]
    clips = [s for s in doc["segments"] if s["kind"] == "clip"]
    assert len(clips) == 3
    assert doc["reflections"][0]["start_sample"] == 1.5 * RATE
    assert doc["reflections"][1]["start_sample"] == 71_663  # round(3.25 s × 22,050 Hz), no grid
    assert doc["reflections"][1]["start_ms"] == 3250
    info = sf.info(audio)
    assert doc["duration_ms"] == pytest.approx(info.duration * 1000, abs=60)
    assert f"[clip {audio.resolve()} from 0:00 to 0:01.500]" in out.read_text()
    from mit_desktop.session.parser import parse_session

    # the practice's length is shown in the library: the recording plus two 30 s reflections
    assert parse_session(out).minutes == pytest.approx(info.duration / 60 + 1, abs=0.06)
    # audio beside the script is referenced relatively, so both can be moved together
    shutil.copy(audio, out.parent / "talk.mp3")
    assert main(["import-recording", str(out.parent / "talk.mp3"), "--labels", str(labels), "-o", str(out)]) == 0
    assert "[clip talk.mp3 from 3:" not in out.read_text() and "[clip talk.mp3 from 0:03.250]" in out.read_text()


def test_import_recording_rejects_bad_labels(tmp_path: Path, capsys) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("one\ttwo\tx\n9999\t9999\tlate\n", encoding="utf-8")
    out = tmp_path / "r.session.md"
    assert main(["import-recording", str(real_audio("test1.mp3")), "--labels", str(labels), "-o", str(out)]) == 1
    assert f"{labels}:1:1: the start and end times must be numbers" in capsys.readouterr().err
    assert not out.exists()


def test_library_lists_bundled_sessions_in_program_order(capsys) -> None:
    assert main(["library", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    ids = [e["id"] for e in entries]
    assert ids[:6] == ["stretch-breathe", "eye-center", "nesting-doll", "situation-solver", "life-globe", "bam"]
    assert all(Path(e["path"]).is_file() and e["title"] for e in entries)
    assert entries[2]["module"] == "nesting-doll"


def test_voices_lists_the_bundled_voice(capsys) -> None:
    assert main(["voices"]) == 0
    assert "en_US-joe-medium" in capsys.readouterr().out


def test_entry_point_prints_no_traceback_for_user_errors(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mit_desktop", "validate", str(tmp_path / "none.session.md")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "file not found" in result.stderr and "Traceback" not in result.stderr


def test_validate_strict_reports_what_does_not_protect_the_listener(tmp_path: Path, capsys) -> None:
    script = tmp_path / "short.session.md"
    script.write_text('+++\nid = "s"\ntitle = "S"\n+++\nLet your eyes close.\n[pause 330s]\n'
                      "Rest here.\n[reflect 5s note rating: Why?]\nLet your eyes open.\n",
                      encoding="utf-8")
    assert main(["validate", str(script)]) == 0  # a valid script …
    capsys.readouterr()
    assert main(["validate", "--strict", str(script)]) == 1  # … that is not a safe one
    err = capsys.readouterr().err
    assert f"{script}:8: no spoken question before the reflection 'Why?'" in err
    assert f"{script}:8: the rating does not say what it measures" in err
    assert "of eyes-closed practice" in err and "without a grounding or exit line" in err
    assert "Traceback" not in err
    fixed = tmp_path / "fixed.session.md"
    fixed.write_text('+++\nid = "f"\ntitle = "F"\n+++\nLet your eyes close.\n[pause 200s]\n'
                     "If it is too much, feel your feet on the floor.\n[pause 130s]\nWhy?\n"
                     "[reflect 5s note rating: Why? | How calm are you? | 0 not calm | 10 calm]\n"
                     "Let your eyes open.\n", encoding="utf-8")
    assert main(["validate", "--strict", str(fixed)]) == 0
    assert "strict checks passed" in capsys.readouterr().out


def test_listening_options_reach_the_settings() -> None:
    from mit_desktop.cli.common import listening_settings as _settings
    from mit_desktop.cli.main import build_parser

    args = build_parser().parse_args(["timeline", "x", "--voice-clarity", "--rate", "0.85", "--pacing", "1.5"])
    settings = _settings(args)
    assert (settings.voice_clarity, settings.rate, settings.pacing) == (True, 0.85, 1.5)
    assert _settings(build_parser().parse_args(["timeline", "x"])).voice_clarity is False
