"""Whole-take mode: long silences in a recording with known pauses become proposals."""

from __future__ import annotations

import numpy as np
import pytest
from recording.synthetic import RATE, recording

from mit_desktop.recording.silences import (
    FRAME_MS,
    REFLECTION,
    REFLECTION_AFTER_MS,
    SECTION,
    SECTION_LEAD_MS,
    envelope,
    find_silences,
    propose,
)

#: 1 s lead-in, sentences with 1 s gaps, a 3 s pause (a reflection), an 8 s pause (a new
#: section), a 1.2 s gap, a 4 s pause, then 2 s of room at the end.
PARTS = [("pause", 1000), ("voice", 4000), ("pause", 1000), ("voice", 3000),
         ("pause", 3000), ("voice", 5000), ("pause", 8000), ("voice", 2500),
         ("pause", 1200), ("voice", 3000), ("pause", 4000), ("voice", 2000), ("pause", 2000)]


def starts(parts: list[tuple[str, int]]) -> list[int]:
    return list(np.cumsum([0] + [ms for _kind, ms in parts])[:-1])


def known_pauses(min_ms: int) -> list[tuple[int, int]]:
    inner = list(zip(starts(PARTS), PARTS, strict=True))[1:-1]  # not the lead-in nor the end
    return [(int(at), int(at + ms)) for at, (kind, ms) in inner if kind == "pause" and ms >= min_ms]


def test_the_long_pauses_are_found_where_they_are() -> None:
    found = find_silences(recording(PARTS), RATE)
    assert [x for s in found for x in (s.start_ms, s.end_ms)] == pytest.approx(
        [x for pair in known_pauses(2500) for x in pair], abs=FRAME_MS)
    assert len(found) == 3


def test_the_minimum_length_is_adjustable() -> None:
    found = find_silences(recording(PARTS), RATE, min_silence_ms=900)
    assert len(found) == len(known_pauses(900)) == 5
    assert len(find_silences(recording(PARTS), RATE, min_silence_ms=5000)) == 1


def test_the_threshold_is_adjustable() -> None:
    quiet = recording(PARTS, voice_dbfs=-52.0)  # read far from the microphone
    # at the default threshold a quiet reader's voice itself is "silence": nothing found
    assert find_silences(quiet, RATE) != find_silences(recording(PARTS), RATE)
    lowered = find_silences(quiet, RATE, threshold_dbfs=-62.0)
    assert [x for s in lowered for x in (s.start_ms, s.end_ms)] == pytest.approx(
        [x for pair in known_pauses(2500) for x in pair], abs=FRAME_MS)
    # below the room's own noise nothing is silent
    assert find_silences(recording(PARTS), RATE, threshold_dbfs=-90.0) == []


def test_lead_in_and_ending_silence_propose_nothing() -> None:
    found = find_silences(recording(PARTS), RATE, min_silence_ms=900)
    assert found[0].start_ms > 1000 and found[-1].end_ms < sum(ms for _k, ms in PARTS) - 2000


def test_long_pauses_propose_sections_and_shorter_ones_reflections() -> None:
    proposals = propose(find_silences(recording(PARTS), RATE))
    assert [p.kind for p in proposals] == [REFLECTION, SECTION, REFLECTION]
    reflection, section, _ = proposals
    assert reflection.at_ms == pytest.approx(9000 + REFLECTION_AFTER_MS, abs=FRAME_MS)
    assert section.at_ms == pytest.approx(25000 - SECTION_LEAD_MS, abs=FRAME_MS)
    assert all(p.accepted for p in proposals)
    assert propose(find_silences(recording(PARTS), RATE), section_min_ms=9000)[1].kind == REFLECTION


def test_envelope_has_one_peak_per_column() -> None:
    audio = np.zeros(1000, dtype=np.float32)
    audio[10] = 0.5
    audio[990] = -0.8
    outline = envelope(audio, 10)
    assert outline.tolist() == pytest.approx([0.5] + [0.0] * 8 + [0.8])
    assert len(envelope(audio, 3000)) == 3000


def test_a_take_summarized_from_its_file_gives_the_same_pauses_and_outline(tmp_path) -> None:
    import soundfile as sf

    from mit_desktop.recording.silences import OUTLINE_COLUMNS, silences_in, summarize_take

    audio = recording(PARTS)
    path = tmp_path / "take.wav"
    sf.write(str(path), audio, RATE, subtype="FLOAT")
    summary = summarize_take(path)
    assert summary.duration_ms == len(audio) * 1000 // RATE
    assert silences_in(summary.levels_dbfs) == find_silences(audio, RATE)
    assert summary.outline == pytest.approx(envelope(audio, OUTLINE_COLUMNS), abs=1e-6)
