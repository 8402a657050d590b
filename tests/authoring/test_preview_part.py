"""The sentence, paragraph or section under the editor's cursor, as a session to hear."""

from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop.authoring.preview import (
    PARAGRAPH,
    SECTION,
    SENTENCE,
    NothingToPlay,
    preview_part,
    preview_session,
)
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Bell, Paragraph, Pause

SCRIPT = """+++
id = "s"
title = "S"
voice = "en_US-lessac-medium"
[variables]
who = "your friend"
+++

# One

[bell]
First sentence here. Second one
goes on. Third.
[pause 2s]

## One inside

Inner words.

# Two

Other words for {who}.
"""
PATH = Path("/tmp/folder/s.session.md")


def test_the_sentence_under_the_cursor_even_across_lines() -> None:
    assert preview_part(SCRIPT, 12, 3, SENTENCE).body == "First sentence here."
    assert preview_part(SCRIPT, 12, 25, SENTENCE).body == "Second one goes on."
    assert preview_part(SCRIPT, 13, 2, SENTENCE).body == "Second one goes on."
    assert preview_part(SCRIPT, 13, 10, SENTENCE).body == "Third."


def test_the_paragraph_and_the_section() -> None:
    part = preview_part(SCRIPT, 13, 0, PARAGRAPH)
    assert (part.first_line, part.last_line) == (12, 13)
    part = preview_part(SCRIPT, 12, 0, SECTION)
    assert (part.first_line, part.last_line) == (9, 19)  # "# One" with its "##" inside
    part = preview_part(SCRIPT, 18, 0, SECTION)
    assert (part.first_line, part.last_line) == (16, 19)
    assert preview_part(SCRIPT, 11, 0, SENTENCE).body == "[bell]"  # a cue alone


def test_nothing_to_hear_is_said_in_words() -> None:
    with pytest.raises(NothingToPlay, match="header"):
        preview_part(SCRIPT, 2, 0, SENTENCE)
    with pytest.raises(NothingToPlay, match="empty line"):
        preview_part(SCRIPT, 10, 0, SENTENCE)


def test_the_part_is_a_session_with_the_scripts_voice_and_variables() -> None:
    session = preview_session(SCRIPT, PATH, 22, 0, SENTENCE)
    assert session.voice == "en_US-lessac-medium"
    assert dict(session.variables) == {"who": "your friend"}
    assert session.path.parent == PATH.parent  # recordings resolve beside the script
    assert [type(c) for c in session.cues] == [Paragraph]
    cues = preview_session(SCRIPT, PATH, 12, 0, SECTION).cues
    assert [type(c).__name__ for c in cues] == \
        ["Heading", "Bell", "Paragraph", "Pause", "Heading", "Paragraph"]
    assert isinstance(cues[1], Bell) and isinstance(cues[3], Pause)


def test_a_broken_header_still_plays_and_a_broken_part_names_its_line() -> None:
    broken_head = SCRIPT.replace('title = "S"\n', "")
    assert preview_session(broken_head, PATH, 11, 0, SENTENCE).title == "Preview"
    broken_part = SCRIPT.replace("[pause 2s]", "[pause two]")
    with pytest.raises(SessionError) as caught:
        preview_session(broken_part, PATH, 14, 0, SECTION)
    assert caught.value.problems[0].line == 14
