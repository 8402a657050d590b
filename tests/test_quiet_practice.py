from __future__ import annotations

import json

import numpy as np
import pytest

from mit_desktop.cli import main
from mit_desktop.content.quiet import QuietSettings, quiet_session
from mit_desktop.render.bells import bell_ring_ms
from mit_desktop.render.engine import Engine
from mit_desktop.session.timeline import ListeningSettings

RATE = 22_050


def test_bells_fall_on_their_marks_and_the_length_is_exact(tmp_path) -> None:
    engine = Engine(tmp_path)
    timeline = engine.timeline(quiet_session(QuietSettings(minutes=10, interval_ms=150_000)), ListeningSettings())
    bells = [s for s in timeline.segments if s.kind == "bell"]
    assert [timeline.ms(b.start_sample) for b in bells] == [0, 150_000, 300_000, 450_000, 600_000]
    assert [b.sound for b in bells] == ["bowl", "chime", "chime", "chime", "bowl"]
    assert bells[-1].strikes == 3
    assert not timeline.captions and not timeline.reflections
    end_bell_ms = 2 * 5000 + bell_ring_ms("bowl")
    assert timeline.duration_ms == 600_000 + end_bell_ms


def test_ambience_plays_under_the_silence(tmp_path) -> None:
    engine = Engine(tmp_path)
    timeline = engine.timeline(quiet_session(QuietSettings(minutes=1, ambience="ocean")), ListeningSettings())
    audio = engine.mixer(timeline).render(20 * RATE, 10 * RATE)
    assert 0.005 < float(np.sqrt(np.mean(audio**2))) < 0.05


@pytest.mark.parametrize("kwargs, message", [
    ({"minutes": 0}, "1 to 180 minutes"),
    ({"minutes": 5, "interval_ms": 10_000}, "at least 30 seconds"),
    ({"minutes": 5, "interval_ms": 300_000}, "shorter than the practice"),
    ({"ambience": "waterfall"}, "unknown ambience"),
])
def test_bad_settings_are_explained(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        QuietSettings(**kwargs)


def test_quiet_from_the_command_line(capsys) -> None:
    assert main(["timeline", "quiet", "--minutes", "10", "--interval", "5m", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    starts = [s["start_ms"] for s in doc["segments"] if s["kind"] == "bell"]
    assert starts == [0, 300_000, 600_000]
    assert main(["timeline", "quiet", "--minutes", "10", "--interval", "20m"]) == 1
    assert "shorter than the practice" in capsys.readouterr().err


def test_quiet_plays_from_the_command_line(tmp_path, capsys) -> None:
    out = tmp_path / "played.raw"
    assert main(["play", "quiet", "--minutes", "1", "--interval", "30s", "--backend", f"file:{out}",
                 "--no-history"]) == 0
    played = np.frombuffer(out.read_bytes(), dtype="<i2")
    end_bell_ms = 2 * 5000 + bell_ring_ms("bowl")
    assert len(played) == (60_000 + end_bell_ms) * RATE // 1000
    interval_bell = played[30 * RATE: 30 * RATE + RATE]
    assert np.max(np.abs(interval_bell)) > 3000  # the chime at 0:30
    assert not np.any(played[15 * RATE: 25 * RATE])  # silence between bells (no ambience)
    assert "Quiet practice, 1 minute " in capsys.readouterr().out
