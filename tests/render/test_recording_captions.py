"""A recording's captions come from a subtitle file beside it, placed where each part of the
recording plays, so the captions window is not blank (issue 15)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.playback.moments import Moments
from mit_desktop.render.engine import Engine
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import INTERACTIVE, ListeningSettings
from mit_desktop.session.transcript import parse_transcript

RATE = 22_050

SRT = """1
00:00:00,500 --> 00:00:01,500
Let your shoulders <i>drop</i>.

2
00:00:02,000 --> 00:00:03,250
Notice the breath,
without changing it.

3
00:00:04,000 --> 00:00:04,500

"""

VTT = """WEBVTT

NOTE made by hand

00:00.500 --> 00:01.500
Let your shoulders drop.
"""


def test_subrip_and_webvtt_cues_are_read() -> None:
    cues = parse_transcript(SRT)
    assert [(c.start_us, c.end_us, c.text) for c in cues] == [
        (500_000, 1_500_000, "Let your shoulders drop."),
        (2_000_000, 3_250_000, "Notice the breath, without changing it.")]
    assert [(c.start_us, c.text) for c in parse_transcript(VTT)] == [
        (500_000, "Let your shoulders drop.")]


def test_captions_follow_the_recording_across_clips_and_reflections(tmp_path: Path) -> None:
    sf.write(tmp_path / "talk.wav", np.zeros(4 * RATE, dtype=np.int16), RATE)
    (tmp_path / "talk.srt").write_text(SRT, encoding="utf-8")
    script = tmp_path / "talk.session.md"
    script.write_text('+++\nid = "talk"\ntitle = "Talk"\n+++\n'
                      "[clip talk.wav to 0:01]\n[reflect 2s: How?]\n[clip talk.wav from 0:01]\n",
                      encoding="utf-8")
    timeline = Engine().timeline(parse_session(script), ListeningSettings(ambience="off"))
    captions = [(c.start_sample, c.audio_samples, c.text) for c in timeline.captions]
    # cue 1 (0.5-1.5 s) is cut by the reflection at 1 s; after it the recording goes on
    assert captions == [
        (RATE // 2, RATE // 2, "Let your shoulders drop."),
        (RATE + 2 * RATE, RATE // 2, "Let your shoulders drop."),
        (2 * RATE + 2 * RATE, 71_663 - 2 * RATE, "Notice the breath, without changing it.")]
    moments = Moments()
    moments.use(timeline)
    shown = moments.advance(3 * RATE + 10, at_stop=False, hands_free=False).caption
    assert shown is not None and shown.text == "Let your shoulders drop."
    assert timeline.to_json()["recording_captions"][2]["text"].startswith("Notice the breath")


def test_without_a_transcript_nothing_changes(tmp_path: Path) -> None:
    sf.write(tmp_path / "talk.wav", np.zeros(RATE, dtype=np.int16), RATE)
    script = tmp_path / "talk.session.md"
    script.write_text('+++\nid = "talk"\ntitle = "Talk"\n+++\n[clip talk.wav]\n', encoding="utf-8")
    timeline = Engine().timeline(parse_session(script), ListeningSettings(mode=INTERACTIVE))
    assert timeline.captions == () and timeline.clip_captions == ()


def test_a_plain_text_transcript_gives_one_paragraph_per_part(tmp_path: Path) -> None:
    sf.write(tmp_path / "talk.wav", np.zeros(4 * RATE, dtype=np.int16), RATE)
    (tmp_path / "talk.txt").write_text("Let your shoulders drop.\n\nNotice the breath,\n"
                                       "without changing it.\n", encoding="utf-8")
    script = tmp_path / "talk.session.md"
    script.write_text('+++\nid = "talk"\ntitle = "Talk"\n+++\n'
                      "[clip talk.wav to 0:01]\n[reflect 2s: How?]\n[clip talk.wav from 0:01]\n",
                      encoding="utf-8")
    timeline = Engine().timeline(parse_session(script), ListeningSettings(ambience="off"))
    assert [(c.start_sample, c.audio_samples, c.text) for c in timeline.captions] == [
        (0, RATE, "Let your shoulders drop."),
        (3 * RATE, 3 * RATE, "Notice the breath, without changing it.")]
    (tmp_path / "talk.txt").write_text("Only one paragraph for two parts.\n", encoding="utf-8")
    again = Engine().timeline(parse_session(script), ListeningSettings(ambience="off"))
    assert again.captions == ()  # captions that would drift are not made
