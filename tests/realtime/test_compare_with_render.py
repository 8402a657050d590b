"""How a recording is compared with the render (no server needed): silences put in are
found one by one, a 4 ms one where the render has sound is a dropout, anything else is
a difference at a place."""

from __future__ import annotations

import numpy as np

from realtime.pulse import Fault, breaks_in, compare_with_render, faults_in

SOUND = np.random.default_rng(7).integers(-3000, 3000, 50_000).astype(np.int16)
SOUND[20_000:21_000] = 0  # the session's own pause (45 ms)
SOUND[[0, -1]] = 5


def _with_silence(at: int, length: int, sound: np.ndarray = SOUND) -> np.ndarray:
    return np.concatenate([sound[:at], np.zeros(length, np.int16), sound[at:]])


def test_the_render_itself_is_exact_whatever_silence_surrounds_it() -> None:
    padded = np.concatenate([np.zeros(99, np.int16), SOUND, np.zeros(7, np.int16)])
    assert compare_with_render(padded, SOUND).exact


def test_each_silence_put_in_where_there_is_sound_is_one_dropout() -> None:
    heard = _with_silence(30_000, 300, _with_silence(5_000, 100))
    found = compare_with_render(heard, SOUND)
    assert [(i.at, i.length) for i in found.dropouts] == [(5_000, 100), (30_000, 300)]
    assert found.unexplained_at is None


def test_a_silence_under_4_ms_or_inside_the_sessions_own_pause_is_no_dropout() -> None:
    short = compare_with_render(_with_silence(5_000, 80), SOUND)
    assert len(short.inserted) == 1 and short.dropouts == []
    longer_pause = compare_with_render(_with_silence(20_500, 500), SOUND)
    assert len(longer_pause.inserted) == 1 and longer_pause.dropouts == []


def test_lost_samples_are_a_difference_at_their_place() -> None:
    heard = np.concatenate([SOUND[:12_000], SOUND[12_050:]])
    found = compare_with_render(heard, SOUND)
    assert found.unexplained_at == 12_000 and not found.exact


def test_a_lost_start_is_allowed_only_when_asked() -> None:
    heard = _with_silence(10_000, 200, SOUND)[150:]
    assert compare_with_render(heard, SOUND).unexplained_at == 0
    found = compare_with_render(heard, SOUND, lost_head_ms=20)
    assert [(i.at, i.length) for i in found.dropouts] == [(9_850, 200)]


LONG = np.random.default_rng(11).integers(-3000, 3000, 400_000).astype(np.int16)
LONG[[0, -1]] = 5


def test_the_whole_walk_goes_on_past_lost_samples_to_the_end() -> None:
    # a dropout, then 30 ms of silence after which 2,000 samples are lost (a stream that
    # ran dry skips what comes late), then another dropout near the end
    heard = np.concatenate([
        LONG[:50_000], np.zeros(200, np.int16), LONG[50_000:100_000],
        np.zeros(660, np.int16), LONG[102_000:350_000], np.zeros(150, np.int16),
        LONG[350_000:],
    ])
    assert compare_with_render(heard, LONG).unexplained_at == 100_860  # where it stops
    faults = faults_in(heard, LONG)
    assert [(f.kind, f.at, f.length) for f in faults] == [
        ("dropout", 50_000, 200), ("dropout", 100_200, 660), ("difference", 100_860, 2_000),
        ("dropout", 348_860, 150)]


def test_the_whole_walk_finds_nothing_in_an_exact_recording_and_stops_where_lost() -> None:
    assert faults_in(np.concatenate([np.zeros(50, np.int16), LONG]), LONG) == []
    changed = LONG.copy()
    changed[200_000:] = -changed[200_000:]  # never agrees again
    faults = faults_in(changed, LONG)
    assert [(f.kind, f.at, f.length) for f in faults] == [("difference", 200_000, -1)]


def test_a_lost_start_does_not_shift_how_many_samples_were_lost_later() -> None:
    # paplay's new stream loses its first ms: the render's place is counted from there
    heard = np.concatenate([LONG[150:100_000], LONG[102_000:]])
    assert compare_with_render(heard, LONG, lost_head_ms=20).head_lost == 150
    faults = faults_in(heard, LONG, lost_head_ms=20)
    assert [(f.kind, f.at, f.length) for f in faults] == [("difference", 99_850, 2_000)]


def test_the_walk_agrees_again_where_the_sound_after_a_loss_begins_in_silence() -> None:
    render = LONG.copy()
    render[102_900:103_600] = 0  # the session's own pause, where the walk looks again
    heard = np.concatenate([render[:100_000], render[102_000:]])
    faults = faults_in(heard, render)
    assert [(f.kind, f.at, f.length) for f in faults] == [("difference", 100_000, 2_000)]


def test_a_dropout_and_the_samples_skipped_after_it_are_one_break() -> None:
    faults = [Fault(1_000, "dropout", 700), Fault(1_700, "difference", 180),  # one break
              Fault(1_700 + 2_205, "dropout", 100),  # 0.1 s after: another
              Fault(50_000, "difference", -1)]
    assert breaks_in(faults) == 3
    assert breaks_in([]) == 0
