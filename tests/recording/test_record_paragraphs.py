"""Paragraph by paragraph: the script's paragraphs, takes kept, and the script given clips."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from recording.arriving_script import SCRIPT
from recording.synthetic import RATE, recording

from mit_desktop.recording.paragraphs import (
    RECORDED_MARK,
    TakeFolder,
    apply_takes,
    keep_take,
    script_paragraphs,
)
from mit_desktop.recording.trim import TakeProblem
from mit_desktop.session.model import Clip, Heading, Paragraph, Pause, Reflect
from mit_desktop.session.parser import parse_session


def test_paragraphs_are_listed_with_their_text_and_lines(script: Path) -> None:
    paragraphs = script_paragraphs(script)
    assert [(p.number, p.first_line, p.last_line) for p in paragraphs] == [
        (1, 11, 13), (2, 16, 16), (3, 19, 19)]
    assert paragraphs[0].text == "Find a position that lets you be both relaxed and alert. " \
                                 "Let your eyes close."
    assert paragraphs[1].text == "Now picture your mother sitting in front of you."


def test_takes_are_numbered_per_paragraph_in_the_scripts_folder(script: Path) -> None:
    folder = TakeFolder(script)
    assert folder.folder == script.parent / "recordings" / "my-arriving"
    second_paragraph = script_paragraphs(script)[1]
    assert second_paragraph.key.startswith("now-picture-your-mother-")
    first = folder.new_take_path(second_paragraph.key)
    sf.write(str(first), recording([("voice", 500)]), RATE)
    second = folder.new_take_path(second_paragraph.key)
    assert (first.name, second.name) == (f"{second_paragraph.key}-t1.wav",
                                         f"{second_paragraph.key}-t2.wav")
    sf.write(str(second), recording([("voice", 500)]), RATE)
    assert folder.takes(second_paragraph.key) == [first, second]
    assert folder.takes(script_paragraphs(script)[0].key) == []


def test_kept_takes_become_clips_in_place_of_their_paragraphs(script: Path) -> None:
    folder = TakeFolder(script)
    paragraphs = script_paragraphs(script)
    clips = {}
    for number in (1, 3):
        take = folder.new_take_path(paragraphs[number - 1].key)
        sf.write(str(take), recording([("pause", 800), ("voice", 1500), ("pause", 900)]), RATE)
        clips[number] = keep_take(folder, paragraphs[number - 1], take).path
    assert apply_takes(script, clips) == 2
    session = parse_session(script)
    assert [type(c) for c in session.cues] == [Heading, type(session.cues[1]), Clip, Pause,
                                               Paragraph, Reflect, Clip, Pause]
    assert session.clips[0].path == clips[1].resolve()
    text = script.read_text(encoding="utf-8")
    assert RECORDED_MARK + "Find a position that lets you be both relaxed and alert." in text
    assert "// a note to myself" in text
    assert f"[clip recordings/my-arriving/{paragraphs[0].key}.wav]" in text
    assert clips[1].with_suffix(".txt").read_text(encoding="utf-8").startswith("Find a position")
    assert "Now picture {loved_one}" in text  # the paragraph not recorded stays as it was
    # the one left to read keeps its takes' names although it is now paragraph 1
    left = script_paragraphs(script)
    assert [p.key for p in left] == [paragraphs[1].key]


def test_a_take_of_nothing_leaves_the_script_as_it_was(script: Path) -> None:
    folder = TakeFolder(script)
    take = folder.new_take_path(script_paragraphs(script)[0].key)
    sf.write(str(take), recording([("pause", 2000)]), RATE)
    with pytest.raises(TakeProblem):
        keep_take(folder, script_paragraphs(script)[0], take)
    assert script.read_text(encoding="utf-8") == SCRIPT
