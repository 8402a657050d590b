"""The paragraph and section previews rendered with the real Piper voice: each is the audio
of that part of the session itself (same length, same samples as the whole session has
there, starting at the chosen part), not silent, and a [pause 2s] in a section is heard
as 2 s of silence. (A paragraph cannot hold a pause: a directive is a line of its own, so
it ends the paragraph before it; the section preview is where a pause is heard.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mit_desktop.authoring.preview import PARAGRAPH, SECTION, preview_session
from mit_desktop.render import levels
from mit_desktop.render.engine import Engine
from mit_desktop.render.loudness import loudness_lufs
from mit_desktop.session.parser import parse_text
from mit_desktop.session.timeline import HANDS_FREE, ListeningSettings, Segment, Timeline

HEAD = '+++\nid = "p"\ntitle = "P"\n+++\n'
SCRIPT = HEAD + """
# Arriving

Breathe in slowly.
Let it go.

Notice the room.

# Resting

Rest here.
[pause 2s]
Come back now.
"""
#: script lines (1-based): the first paragraph, the section "# Resting" and its pause
FIRST_PARAGRAPH_LINE = 8
RESTING_LINE = 13
SETTINGS = ListeningSettings(mode=HANDS_FREE, ambience="off")
RATE = 22_050


def rendered(engine: Engine, timeline: Timeline) -> np.ndarray:
    return engine.mixer(timeline).render(0, timeline.n_samples)


def speech(timeline: Timeline) -> list[Segment]:
    return [s for s in timeline.segments if s.kind == "speech"]


def span(timeline: Timeline, first_text: str, next_text: str | None) -> tuple[int, int]:
    """Samples of `timeline` from the sentence `first_text` to the sentence `next_text`
    (None: to the end)."""
    spoken = speech(timeline)
    start = next(s.start_sample for s in spoken if s.text == first_text)
    end = timeline.n_samples if next_text is None else \
        next(s.start_sample for s in spoken if s.text == next_text)
    return start, end


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Engine, Timeline, np.ndarray]:
    """The whole session, rendered once (speech in a cache of this module's own)."""
    folder = tmp_path_factory.mktemp("script")
    path = folder / "p.session.md"
    path.write_text(SCRIPT, encoding="utf-8")
    engine = Engine()
    timeline = engine.timeline(parse_text(SCRIPT, path), SETTINGS)
    return path, engine, timeline, rendered(engine, timeline)


def test_a_paragraph_preview_is_that_paragraph_as_the_session_plays_it(whole) -> None:
    path, engine, session_timeline, session_audio = whole
    preview = engine.timeline(preview_session(SCRIPT, path, FIRST_PARAGRAPH_LINE + 1, 3,
                                              PARAGRAPH), SETTINGS)
    audio = rendered(engine, preview)
    assert len(audio) == preview.n_samples
    assert [s.text for s in speech(preview)] == ["Breathe in slowly.", "Let it go."]
    assert speech(preview)[0].start_sample == 0  # it starts at the chosen paragraph

    # the same length as the paragraph takes in the session, up to the next paragraph
    start, end = span(session_timeline, "Breathe in slowly.", "Notice the room.")
    assert preview.n_samples == end - start
    # and the very samples the session plays there
    assert np.array_equal(audio, session_audio[start:end])

    # not silent: the voice at its level
    spoken = audio[:speech(preview)[-1].end_sample]
    assert loudness_lufs(spoken, RATE) == pytest.approx(levels.VOICE_LUFS, abs=1.0)

    # as long as the paragraph's text rendered alone, to a few ms
    alone = engine.timeline(parse_text(HEAD + "\nBreathe in slowly.\nLet it go.\n",
                                       path.with_name("alone.session.md")), SETTINGS)
    assert abs(preview.n_samples - alone.n_samples) <= 3 * RATE // 1000
    assert np.array_equal(audio[:alone.n_samples], rendered(engine, alone)[:len(audio)])


def test_a_section_preview_is_that_section_and_holds_its_pause(whole) -> None:
    path, engine, session_timeline, session_audio = whole
    preview = engine.timeline(preview_session(SCRIPT, path, RESTING_LINE + 4, 0, SECTION),
                              SETTINGS)
    audio = rendered(engine, preview)
    assert len(audio) == preview.n_samples
    assert [s.text for s in speech(preview)] == ["Rest here.", "Come back now."]
    assert [s.title for s in preview.sections] == ["Resting"]

    # it begins where the section begins in the session, and lasts as long as the rest of it
    section = next(s for s in session_timeline.sections if s.title == "Resting")
    start = section.start_sample
    assert preview.n_samples == session_timeline.n_samples - start
    rest = next(s for s in speech(session_timeline) if s.text == "Rest here.")
    assert speech(preview)[0].start_sample == rest.start_sample - start  # in the same place
    assert np.array_equal(audio, session_audio[start:])
    assert loudness_lufs(audio, RATE) > levels.VOICE_LUFS - 10  # not silent

    # the [pause 2s]: 2 s of silence between the two sentences, in the rendered audio
    pause = next(s for s in preview.segments if s.kind == "silence" and s.n_samples == 2 * RATE)
    first, second = speech(preview)
    assert first.end_sample <= pause.start_sample and pause.end_sample <= second.start_sample
    assert not np.any(audio[pause.start_sample:pause.end_sample])
    quiet = audio[first.start_sample + first.audio_samples:second.start_sample]
    assert len(quiet) >= 2 * RATE and not np.any(quiet)
    assert np.max(np.abs(audio[second.start_sample:second.start_sample + second.audio_samples])) \
        > 0.05
