"""Whole-take mode writes the session an Audacity label import of the same recording would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import soundfile as sf
from recording.synthetic import RATE, recording
from recording.test_record_silences import PARTS

from mit_desktop.cli.main import main
from mit_desktop.recording.silences import SECTION, find_silences, propose
from mit_desktop.recording.trim import TakeProblem
from mit_desktop.recording.whole_take import labels_path, labels_text, write_whole_take_session
from mit_desktop.session.model import Clip, Heading, Reflect
from mit_desktop.session.parser import parse_session


@pytest.fixture
def take(tmp_path: Path) -> Path:
    path = tmp_path / "recordings" / "my-practice.wav"
    path.parent.mkdir()
    sf.write(str(path), recording(PARTS), RATE, subtype="PCM_16")
    return path


def proposals_for(take: Path):
    data, rate = sf.read(str(take), dtype="float32")
    return propose(find_silences(data, rate))


def test_the_session_is_the_file_a_label_import_writes(take: Path, tmp_path: Path) -> None:
    out = tmp_path / "my-practice.session.md"
    session = write_whole_take_session(take, proposals_for(take), out)
    ours = out.read_text(encoding="utf-8")
    assert main(["import-recording", str(take), "--labels", str(labels_path(take)),
                 "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == ours
    kinds = [type(cue).__name__ for cue in session.cues if not isinstance(cue, Clip)]
    assert kinds == ["Heading", "Reflect", "Heading", "Reflect"]
    assert [h.title for h in session.headings] == ["My Practice", "Part 2"]


def test_accepted_moved_and_removed_points_are_what_is_written(take: Path,
                                                             tmp_path: Path) -> None:
    first, section, last = proposals_for(take)
    chosen = [first.moved(9500), section, replace(last, accepted=False)]
    session = write_whole_take_session(take, chosen, tmp_path / "p.session.md")
    labels = labels_path(take).read_text(encoding="utf-8").splitlines()
    assert labels == ["9.500000\t9.500000\t", f"{section.at_ms / 1000:.6f}\t"
                      f"{section.at_ms / 1000:.6f}\t#"]
    assert len(session.reflections) == 1
    clips = [cue for cue in session.cues if isinstance(cue, Clip)]
    assert clips[0].to_us == 9_500_000 and clips[1].from_us == 9_500_000
    assert clips[1].to_us == section.at_ms * 1000
    assert [type(c) for c in session.cues[:3]] == [Heading, Clip, Reflect]


def test_nothing_accepted_is_refused_with_nothing_written(take: Path, tmp_path: Path) -> None:
    proposals = [replace(p, accepted=False) for p in proposals_for(take)]
    with pytest.raises(TakeProblem, match="at least one"):
        write_whole_take_session(take, proposals, tmp_path / "p.session.md")
    assert not (tmp_path / "p.session.md").exists()


def test_label_text_marks_sections_with_a_hash() -> None:
    from mit_desktop.recording.silences import Proposal

    text = labels_text([Proposal(2500, SECTION), Proposal(1000, "reflection")])
    assert text == "1.000000\t1.000000\t\n2.500000\t2.500000\t#\n"


def test_a_hash_label_in_an_audacity_file_starts_a_named_section(take: Path,
                                                                 tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text("4.0\t4.0\t# Your center\n9.3\t9.3\tWhat do you notice?\n",
                      encoding="utf-8")
    out = tmp_path / "named.session.md"
    assert main(["import-recording", str(take), "--labels", str(labels), "-o", str(out)]) == 0
    session = parse_session(out)
    assert [h.title for h in session.headings][1:] == ["Your center"]
    assert [r.prompt for r in session.reflections] == ["What do you notice?"]


def test_a_new_whole_take_never_takes_an_existing_name(private_folders: Path,
                                                       tmp_path: Path) -> None:
    from mit_desktop.content.library import user_sessions_dir
    from mit_desktop.recording.whole_take import whole_take_paths

    audio, script = whole_take_paths("Evening Practice!")
    assert script == user_sessions_dir() / "evening-practice.session.md"
    assert audio == user_sessions_dir() / "recordings" / "evening-practice.wav"
    script.write_text("taken", encoding="utf-8")
    assert whole_take_paths("Evening Practice!")[1].name == "evening-practice-2.session.md"
    mine = tmp_path / "made" / "profile-1"
    audio, script = whole_take_paths("", mine)
    assert (audio.parent, script.parent) == (mine / "recordings", mine)
    assert script.name == "my-recording.session.md"


def test_the_pauses_command_writes_the_label_file_the_import_reads(take: Path, tmp_path: Path,
                                                                    capsys) -> None:
    labels = tmp_path / "points.txt"
    assert main(["pauses", str(take), "-o", str(labels)]) == 0
    printed = capsys.readouterr().out
    assert "reflection point" in printed and "section start" in printed
    assert labels.read_text(encoding="utf-8") == labels_text(proposals_for(take))
    assert main(["pauses", str(take), "--min-pause", "60"]) == 1
    assert "no pause long enough" in capsys.readouterr().err
