"""The timeline as played has a ceiling (16 hours with the slowest pacing), so no script,
however its recordings and pacing combine, can make render write without end (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import RATE, FakeSources

from mit_desktop.session.limits import MAX_TIMELINE_MS
from mit_desktop.session.parser import parse_text
from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder, TimelineError

HEAD = '+++\nid = "t"\ntitle = "T"\n+++\n'


def test_four_hours_of_pauses_at_the_slowest_pacing_just_fit(tmp_path: Path) -> None:
    session = parse_text(HEAD + "[pause 60m]\n" * 4, tmp_path / "s.session.md")
    sources = FakeSources()
    timeline = TimelineBuilder(session, ListeningSettings(pacing=4.0), sources, sources,
                               sources).build()
    assert timeline.n_samples == MAX_TIMELINE_MS * RATE // 1000


def test_a_recording_past_the_ceiling_is_refused_at_its_line(tmp_path: Path) -> None:
    # was: no ceiling at all ([pause 999999999999m] rendered 5.8 GB in 60 s)
    (tmp_path / "talk.wav").write_bytes(b"RIFF")
    session = parse_text(HEAD + "[pause 60m]\n" * 4 + "[clip talk.wav]\n", tmp_path / "s.session.md")
    sources = FakeSources(clip_lengths={(tmp_path / "talk.wav").resolve(): 10 * RATE})
    with pytest.raises(TimelineError) as info:
        TimelineBuilder(session, ListeningSettings(pacing=4.0), sources, sources, sources).build()
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 's.session.md'}:9: by this line the session would last more than 16 hours "
        "as played; a session may last at most 16 hours even at the slowest pacing (shorten its "
        "pauses, reflections or recordings)"]
