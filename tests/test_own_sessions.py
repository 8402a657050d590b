"""The user's own sessions are renamed, given other reflection inputs and deleted, safely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.content.own_sessions import (
    OwnSessionError,
    delete_session,
    rename_session,
    set_reflection_inputs,
)
from mit_desktop.session.parser import parse_session

SCRIPT = ('+++\nid = "talk"\ntitle = "Talk"\nmodule = "recording"\n+++\n\n# Talk\n\n'
          "[clip recordings/talk.wav to 0:01]\n[reflect 30s note: What do you notice?]\n\n"
          "[clip recordings/talk.wav from 0:01]\n[reflect rating: How calm | How calm? | 0 not | 10 very]\n")


@pytest.fixture
def own(tmp_path: Path) -> Path:
    (tmp_path / "recordings").mkdir()
    sf.write(tmp_path / "recordings" / "talk.wav", np.zeros(44_100, dtype=np.int16), 22_050)
    path = tmp_path / "talk.session.md"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_rename_keeps_the_id_and_takes_any_characters(own: Path) -> None:
    rename_session(own, '  Anna\'s "evening"  talk ')
    session = parse_session(own)
    assert session.title == 'Anna\'s "evening" talk' and session.id == "talk"
    with pytest.raises(OwnSessionError, match="type a name"):
        rename_session(own, "   ")


def test_every_reflection_gets_the_chosen_inputs_and_keeps_length_and_prompt(own: Path) -> None:
    assert set_reflection_inputs(own, ("rating", "body-map")) == 2
    first, second = parse_session(own).reflections
    assert first.inputs == ("body-map", "rating") and first.duration_ms == 30_000
    assert first.prompt == "What do you notice?"
    assert second.inputs == ("body-map", "rating") and second.scale is not None
    assert set_reflection_inputs(own, ()) == 2
    reflections = parse_session(own).reflections
    assert all(r.inputs == () for r in reflections) and reflections[1].scale is None
    assert reflections[1].prompt == "How calm" and reflections[1].duration_ms == 30_000


def test_delete_removes_the_script_and_its_own_recording_only_when_unused(own: Path) -> None:
    twin = own.with_name("twin.session.md")
    twin.write_text(SCRIPT.replace('id = "talk"', 'id = "twin"'), encoding="utf-8")
    recording = own.parent / "recordings" / "talk.wav"
    assert delete_session(own, own.parent) == [own]
    assert recording.exists()  # the twin still plays it
    assert delete_session(twin, own.parent) == [twin, recording]
    assert not recording.exists()
