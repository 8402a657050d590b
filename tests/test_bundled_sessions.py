"""Every bundled practice validates, renders within its length range and sounds right by numbers."""

from __future__ import annotations

import pytest

from mit_desktop.library import list_sessions
from mit_desktop.render.analysis import analyse
from mit_desktop.render.engine import Engine
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings

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
    low, high = (2, 4) if session_id == "bam" else (15, 25)
    assert low * 60_000 <= timeline.duration_ms <= high * 60_000
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
    assert 120 <= report.words_per_minute <= 190  # unhurried


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
