"""Every bundled practice validates, renders within its length range and sounds right by numbers."""

from __future__ import annotations

import pytest

from mit_desktop.content.library import list_sessions
from mit_desktop.render.analysis import analyse
from mit_desktop.render.engine import Engine
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings

# renders the whole program with the real voice (a third of the suite's time): `make test`
# runs it, `make test-fast` leaves it out
pytestmark = pytest.mark.slow

FULL = ["stretch-breathe", "eye-center", "nesting-doll", "situation-solver", "life-globe"]
REPORTS: dict[str, object] = {}


@pytest.fixture(scope="module")
def engine(shared_cache_dir) -> Engine:
    return Engine(shared_cache_dir)


def bundled() -> dict[str, object]:
    entries, errors = list_sessions(include_user=False)
    assert errors == []
    return {e.id: e for e in entries}


def report_for(engine: Engine, session_id: str):
    if session_id not in REPORTS:
        session = parse_session(bundled()[session_id].path)
        timeline = engine.timeline(session, ListeningSettings())
        REPORTS[session_id] = (session, timeline, analyse(engine.mixer(timeline)))
    return REPORTS[session_id]


def test_the_program_has_the_six_sessions_in_order() -> None:
    assert list(bundled())[:6] == FULL + ["bam"]


@pytest.mark.parametrize("session_id", FULL + ["bam"])
def test_session_length_reflections_and_structure(engine: Engine, session_id: str) -> None:
    session, timeline, report = report_for(engine, session_id)
    # about twenty minutes; the phrase rests of the unhurried pace (issue 14) made each about
    # 1.7 min longer, and the grounding lines and spoken questions (issue 12) longer still:
    # 23 to 25.5 min at the defaults. The dose is the therapists' call (see docs/playback.md).
    low, high = (2, 4) if session_id == "bam" else (20, 26)
    assert low * 60_000 <= timeline.duration_ms <= high * 60_000
    # the library says "about N min" from the script's `minutes`: it must be what plays
    assert abs(session.minutes * 60_000 - timeline.duration_ms) <= 45_000, timeline.duration_ms
    assert len(timeline.reflections) >= (1 if session_id == "bam" else 3)
    assert session.module == session_id
    kinds = {s.kind for s in timeline.segments}
    assert {"speech", "bell", "reflection", "silence"} <= kinds
    assert timeline.segments[0].kind == "bell" or timeline.sections[0].start_sample == 0
    assert timeline.segments[-1].kind == "bell"  # ends with a bell
    assert all("{" not in r.prompt and r.prompt.strip() for r in timeline.reflections)
    assert all("{" not in c.text for c in timeline.captions)
    if session_id != "bam":
        assert len(timeline.sections) >= 3 and timeline.ambience  # sections and an ambience bed
    # an exit is offered early: within the first three minutes
    early = " ".join(c.text for c in timeline.captions if c.start_sample < 180 * timeline.sample_rate).lower()
    assert "stop at any time" in early
    if session_id != "bam":
        assert "open your eyes" in early


@pytest.mark.parametrize("session_id", FULL + ["bam"])
def test_session_sounds_right_by_numbers(engine: Engine, session_id: str) -> None:
    _session, _timeline, report = report_for(engine, session_id)
    assert report.clipped_samples == 0 and report.peak_dbfs <= -0.5
    assert report.longest_voice_dropout_ms < 1500  # no hole inside a sentence
    assert -23.0 <= report.speech_lufs <= -20.0  # narration at the same loudness in every session
    # unhurried for older listeners: about 140 words a minute over each sentence, phrase
    # pauses included, and no sentence rushed (bench_speech measures the program's fastest)
    assert 130 <= report.words_per_minute <= 150
    assert report.fastest_sentence_wpm <= 170  # issue 14: no sentence rushed
    assert report.voice_wpm > report.words_per_minute  # slowed mostly by pauses, not the voice


def test_loudness_is_consistent_between_sessions(engine: Engine) -> None:
    levels = [report_for(engine, sid)[2].speech_lufs for sid in FULL + ["bam"]]
    assert max(levels) - min(levels) <= 1.0


def test_loved_one_is_personalised(engine: Engine) -> None:
    session = parse_session(bundled()["nesting-doll"].path)
    assert session.variables["loved_one"] == "the person you care for"
    from mit_desktop.session.timeline import TimelineBuilder

    builder = TimelineBuilder(session, ListeningSettings(variables={"loved_one": "Margaret"}),
                              engine, engine, engine)
    from mit_desktop.session.model import Paragraph
    from mit_desktop.session.text import substitute

    texts = [substitute(c.text, builder.variables) for c in session.cues if isinstance(c, Paragraph)]
    assert any("Margaret" in t for t in texts) and not any("{loved_one}" in t for t in texts)


@pytest.mark.parametrize("session_id", FULL + ["bam"])
def test_session_passes_the_strict_checks(engine: Engine, session_id: str) -> None:
    """Grounding in every eyes-closed stretch, a spoken question before every reflection,
    ratings that say what they measure, no sentence over 22 words (validate --strict)."""
    from mit_desktop.session.strict import (
        MAX_EYES_CLOSED_MS,
        eyes_closed_stretches,
        strict_problems,
    )

    session, timeline, _report = report_for(engine, session_id)
    assert [p.message for p in strict_problems(session, timeline)] == []
    # with a margin: a slower voice or pace must not push a stretch over the limit at once
    assert all(s.length_ms <= MAX_EYES_CLOSED_MS - 45_000
               for s in eyes_closed_stretches(session, timeline))


def _spoken(session_id: str) -> str:
    from mit_desktop.session.model import Paragraph

    session = parse_session(bundled()[session_id].path)
    return " ".join(c.text for c in session.cues if isinstance(c, Paragraph))


@pytest.mark.parametrize("session_id", ["nesting-doll", "situation-solver", "life-globe"])
def test_a_loved_one_who_hurt_or_is_gone_has_its_own_option(session_id: str) -> None:
    text = _spoken(session_id)
    assert "has hurt or frightened you, or has died or moved into care" in text
    assert "someone else" in text and "talk it over with your clinician" in text
    safety = parse_session(bundled()[session_id].path).safety
    assert "hurt or frightened" in safety and "clinician" in safety


def test_life_globe_names_grief_before_loss_and_looks_back_from_the_universe() -> None:
    text = _spoken("life-globe")
    grief = text.index("Thinking of family can bring grief.")
    assert grief < text.index("Some may no longer be living.")
    assert text.index("This next thought may touch your own losses.") < text.index(
        "someone is saying goodbye")
    universe = text[text.index("let the circle widen as far as it can go"):]
    assert "look back at the earth, and at your own life" in universe
    assert "You and {loved_one}" in universe
    community = text[text.index("hold your community"):text.index("hold the whole earth")]
    assert "What might they be thinking and feeling today?" in community


def test_bam_is_seated_or_eyes_open_and_motivation_is_an_intention() -> None:
    text = _spoken("bam")
    assert "If you are standing, keep your eyes open" in text
    assert "standing, with your eyes open or closed" not in text
    assert "the intention behind what you do next" in text


def test_fidelity_additions_are_spoken() -> None:
    eye, doll, solver = _spoken("eye-center"), _spoken("nesting-doll"), _spoken("situation-solver")
    assert "what it makes you want to do" in eye
    assert "what you are thinking" in doll and "what this feeling makes you want to do" in doll
    assert "we can call your felt sense" in doll and "Nested simply means held inside" in doll
    assert "How did your feelings show, in what you said or did?" in solver
    assert "What might have led them to act as they did?" in solver
    assert "how might you have looked or sounded to them" in solver
    assert "Acting from a value simply means" in solver
