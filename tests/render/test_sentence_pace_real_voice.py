"""No sentence of the bundled program is rushed at the default: the real Piper voice, measured
by `analyze` itself (issue 14: no sentence above 170 words a minute).

The sample is the program's sentences that came out fastest (short sentences of short words,
the ones the pacer has to work hardest on); tests/test_bundled_sessions.py checks every
sentence of every bundled session the same way when the whole suite runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop.content.library import list_sessions
from mit_desktop.render.analysis import analyse
from mit_desktop.render.engine import Engine
from mit_desktop.render.pacing import voiced_span_samples
from mit_desktop.session.model import Paragraph
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.text import split_sentences, substitute
from mit_desktop.session.timeline import ListeningSettings

pytestmark = pytest.mark.slow  # synthesises a few dozen phrases with the real voice

#: the fastest sentences of the program at the default, before issue 14 was finished
FASTEST = [
    "You might see the two of you in it.",
    "There is no wrong answer.",
    "Thank you for practicing.",
    "You can do all of it sitting in a chair.",
    "That is a complete practice too.",
    "It may have changed, or it may be the same.",
    "All of that can be held in the circle too.",
    "You do not need to follow it.",
]
LIMIT_WPM = 170.0


def program_sentences() -> set[str]:
    sentences: set[str] = set()
    entries, _errors = list_sessions(include_user=False)
    for entry in entries:
        session = parse_session(entry.path)
        for cue in session.cues:
            if isinstance(cue, Paragraph):
                sentences.update(split_sentences(substitute(cue.text, session.variables)))
    return sentences


def test_the_sample_is_the_programs_own_sentences() -> None:
    assert set(FASTEST) <= program_sentences()


def test_no_sentence_of_the_sample_is_faster_than_170_words_a_minute(shared_cache_dir: Path) -> None:
    engine = Engine(shared_cache_dir)
    paragraphs = "\n\n".join(FASTEST)
    session = parse_text(f'+++\nid = "pace"\ntitle = "Pace"\n+++\n\n{paragraphs}\n', Path("pace.session.md"))
    timeline = engine.timeline(session, ListeningSettings())
    mixer = engine.mixer(timeline)
    assert [c.text for c in timeline.captions] == FASTEST
    report = analyse(mixer)
    assert report.fastest_sentence_wpm <= LIMIT_WPM, report
    # and each on its own (analyse's measure), so a failure names the sentence
    for caption in timeline.captions:
        voice = mixer.render_stems(caption.start_sample, caption.audio_samples)["voice"]
        wpm = len(caption.text.split()) * 60 * timeline.sample_rate / voiced_span_samples(voice, timeline.sample_rate)
        assert wpm <= LIMIT_WPM, (caption.text, round(wpm, 1))
