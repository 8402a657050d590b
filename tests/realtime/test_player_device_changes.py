"""The player on the default output, in real time: pause and resume, and the device
going away mid-practice (the sink removed, the sink suspended, the sound server
restarted). The player pauses, keeps its position, says so in plain words, and
Play goes on from that very sample; the practice history keeps one practice.

Declick fades are off (`declick_ms=0`), so what the server received can be
compared with the render sample for sample.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pytest

from mit_desktop.history.store import HistoryStore
from mit_desktop.playback import events as ev
from mit_desktop.playback.output import STOPPED, create_backend
from mit_desktop.playback.player import Player
from mit_desktop.practice.recorder import PracticeRecorder, choose_profile
from mit_desktop.render.engine import Engine
from mit_desktop.render.levels import to_int16
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings
from realtime.conftest import RATE, write_tone_session
from realtime.pulse import Capture, PulseServer, trim_silence


class Practice:
    """A player on the default output playing a 20 s tone, recorded in a real history."""

    def __init__(self, folder: Path) -> None:
        script = write_tone_session(folder / "tone", 20, frequency=330.0)
        self.session = parse_session(script)
        self.settings = ListeningSettings()
        self.engine = Engine()
        timeline = self.engine.timeline(self.session, self.settings)
        self.expected = to_int16(self.engine.mixer(timeline).render(0, timeline.n_samples))
        self.first = int(np.flatnonzero(self.expected)[0])
        self.player = Player(self.engine, create_backend("stream"), declick_ms=0, fallback="pause")
        self.errors: list[ev.PlayerError] = []
        self.player.events.error.connect(self.errors.append)
        self.store = HistoryStore.open(folder / "data" / "history.sqlite3", tz=dt.UTC)
        self.profile = choose_profile(self.store)
        self.recorder = PracticeRecorder(self.player, self.store, self.profile.id)
        self.recorder.open(self.session, self.settings)
        assert self.player.wait_rendered(60)
        time.sleep(0.5)  # the device opens while the session waits for Play

    def play_for(self, seconds: float) -> None:
        self.player.play()
        assert self.player.wait_state((ev.PLAYING,), 5)
        time.sleep(seconds)

    def heard_matches(self, heard: np.ndarray, start: int, end: int) -> None:
        """`heard` is exactly the session from sample `start` to `end`, give or take the
        zero samples at either end (a capture is trimmed to its first and last sound)."""
        expected = trim_silence(self.expected[start:end])
        heard = trim_silence(heard)
        assert abs(len(heard) - len(expected)) < 50, (len(heard) - len(expected)) / RATE
        n = min(len(heard), len(expected))
        assert np.array_equal(heard[:n], expected[:n])

    def close(self) -> None:
        self.player.close()
        self.recorder.close()
        self.store.close()


@pytest.fixture
def practice(pulse, tmp_path: Path):
    made = Practice(tmp_path)
    yield made
    made.close()


@pytest.mark.slow
def test_pause_stops_the_sound_and_resume_goes_on_from_the_very_sample(
    pulse: PulseServer, practice: Practice
) -> None:
    player = practice.player
    capture = Capture(pulse).start()
    practice.play_for(1.5)
    player.pause()
    assert player.wait_state((ev.PAUSED,), 5)
    paused_seen = time.monotonic()
    paused_at = player.position_sample
    time.sleep(1.0)
    quiet_s = time.monotonic() - paused_seen  # from "paused" to Play pressed again
    practice.play_for(1.0)
    player.stop()
    assert player.wait_state((ev.STOPPED,), 5)
    stopped_at = player.position_sample
    time.sleep(0.2)
    heard = trim_silence(capture.stop())
    before = paused_at - practice.first
    practice.heard_matches(heard[:before], 0, paused_at)
    after = trim_silence(heard[before:])
    practice.heard_matches(after, paused_at, stopped_at)
    # The sound had stopped when the player said "paused": the silence lasts at least
    # from then to Play (plus the time resumed sound takes to arrive). Measured in
    # samples, not by when the recorder's chunks arrived (a busy machine delays those).
    assert len(heard) - before - len(after) >= quiet_s * RATE
    assert practice.errors == []


def _lose(pulse: PulseServer, how: str) -> None:
    if how == "sink-removed":
        pulse.pactl("unload-module", "module-null-sink")
    elif how == "sink-suspended":
        pulse.pactl("suspend-sink", "cap", "1")
    else:
        pulse.kill()


def _restore(pulse: PulseServer, how: str) -> None:
    if how == "server-restarted":
        pulse.start()
    pulse.ensure_sink()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sink-removed", "sink-suspended", "server-restarted"])
def test_a_device_lost_mid_practice_pauses_keeps_the_position_and_play_goes_on(
    pulse: PulseServer, practice: Practice, how: str
) -> None:
    player = practice.player
    capture = Capture(pulse).start()
    practice.play_for(2.0)
    _lose(pulse, how)
    assert player.wait_state((ev.PAUSED,), 10), player.state
    (error,) = practice.errors
    assert error.kind == "device" and error.device_state == STOPPED
    assert error.message.startswith("The sound device stopped playing at 0:0")
    assert "Press Play to try again" in error.message and "unplugged" not in error.message
    kept = player.position_sample
    assert error.position_ms == kept * 1000 // RATE
    heard_before = trim_silence(capture.stop())
    # Nothing that was not heard counts as heard (at most a moment is heard twice).
    assert kept - practice.first <= len(heard_before)
    assert kept - practice.first >= len(heard_before) - 0.3 * RATE
    practice.heard_matches(heard_before[:kept - practice.first], 0, kept)

    _restore(pulse, how)
    time.sleep(0.3)
    capture = Capture(pulse).start()
    practice.play_for(1.5)  # Play: on the same device again, from the kept sample
    player.stop()
    assert player.wait_state((ev.STOPPED,), 5)
    stopped_at = player.position_sample
    time.sleep(0.2)
    practice.heard_matches(trim_silence(capture.stop()), kept, stopped_at)
    assert len(practice.errors) == 1

    assert practice.recorder.flush()
    [recorded] = practice.store.list_practices(practice.profile.id)
    assert recorded.position_ms == stopped_at * 1000 // RATE
    heard_ms = (stopped_at - practice.first) * 1000 // RATE
    assert recorded.listened_ms >= heard_ms - 500
