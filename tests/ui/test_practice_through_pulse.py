"""A practice in the window on the default output, in real time, through the private
PulseAudio server: what the server receives is the practice as it renders, and when the
sound output is removed mid-practice (`pactl unload-module`) the listener is told
plainly, the practice is paused at an exact, saved position, and it goes on from that
very sample on another output chosen in Settings › Sound.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from realtime.conftest import RATE, write_tone_session
from realtime.pulse import Capture, compare_with_render, find_sound, trim_silence

from mit_desktop.playback import events as ev
from mit_desktop.render.levels import to_int16

RENDER_TIMEOUT_MS = 120_000  # the first run synthesises the sentences with Piper


@pytest.fixture
def live_window(window, pulse, monkeypatch: pytest.MonkeyPatch):
    """The window on the default output (as a user has it), its notice accepted."""
    monkeypatch.delenv("MIT_AUDIO_BACKEND")
    store = window.ctx.store
    store.set_region(window.ctx.profile_id, "GB")
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    return window


def _go(window, qtbot, script: Path) -> None:
    window.start_practice(str(script))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)


def _rendered(player) -> np.ndarray:
    timeline = player.timeline
    return to_int16(player.engine.mixer(timeline).render(0, timeline.n_samples))


@pytest.mark.slow
def test_a_practice_in_the_window_is_heard_exactly_as_it_renders(
    live_window, qtbot, pulse, tiny_session: Path
) -> None:
    """Hands-free, start to end: every sentence, the reflection's silence and chime, in
    order, with no sample lost or added where the player hands one buffer to the next."""
    capture = Capture(pulse).start()
    _go(live_window, qtbot, tiny_session)
    player = live_window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.FINISHED, timeout=RENDER_TIMEOUT_MS)
    time.sleep(0.3)
    recorded = capture.stop()
    expected = _rendered(player)
    assert player.duration_ms is not None and len(expected) > 2 * RATE
    found = compare_with_render(recorded, expected)
    assert found.inserted == [], [(i.at / RATE, i.length) for i in found.inserted]
    assert found.unexplained_at is None, found.unexplained_at / RATE
    assert np.array_equal(trim_silence(recorded), trim_silence(expected))


@pytest.mark.slow
def test_an_output_removed_mid_practice_pauses_saves_says_so_and_goes_on_elsewhere(
    live_window, qtbot, pulse, private_folders: Path
) -> None:
    window = live_window
    script = write_tone_session(private_folders / "sessions" / "tone", 20, frequency=330.0)
    capture = Capture(pulse).start()
    _go(window, qtbot, script)
    player, store = window.ctx.player, window.ctx.store
    deadline = time.monotonic() + 30
    while find_sound(capture.samples(), RATE).length_ms < 2000:  # two seconds heard
        assert time.monotonic() < deadline, "no sound"
        qtbot.wait(50)

    pulse.pactl("unload-module", "module-null-sink")  # the output goes away
    qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=10_000)
    qtbot.waitUntil(lambda: not window.player.banner.isHidden(), timeout=5000)
    heard_before = capture.stop()
    kept = player.position_sample
    kept_ms = player.position_ms
    text = window.player.banner_label.text()
    minutes, seconds = divmod(kept_ms // 1000, 60)
    assert text.startswith(f"The sound device stopped playing at {minutes}:{seconds:02d}. "
                           "Playback is paused there. Press Play to go on")
    for word in ("unplugged", "PortAudio", "ALSA", "pulse", "Error", "error"):
        assert word not in text, text

    # Paused at an exact position: everything before it was heard, nothing after it.
    expected = _rendered(player)
    first = int(np.flatnonzero(expected)[0])
    heard = trim_silence(heard_before)
    assert kept - first <= len(heard) and kept - first >= len(heard) - 0.3 * RATE
    assert np.array_equal(heard[:kept - first], expected[first:kept])
    # ... and saved: the practice's position in the history is that position.
    practice_id = window.flow.practice_id
    qtbot.waitUntil(lambda: store.get_practice(practice_id).position_ms == kept_ms,
                    timeout=5000)

    # Another output, chosen in Settings › Sound; Play goes on there from that very sample.
    pulse.ensure_sink()  # the server's default output is back, but not chosen
    with pulse.extra_sink("kitchen", "Kitchen speakers"):
        sound = window.settings.sound
        sound.refresh()
        items = [sound.device.itemText(i) for i in range(sound.device.count())]
        sound.device.setCurrentIndex(items.index("Kitchen speakers"))
        chosen, default = Capture(pulse, sink="kitchen").start(), Capture(pulse).start()
        QTest.mouseClick(window.player.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=5000)
        qtbot.wait(1500)
        QTest.mouseClick(window.player.play_button, Qt.MouseButton.LeftButton)  # Pause
        qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=5000)
        stopped = player.position_sample
        time.sleep(0.2)
        there, elsewhere = chosen.stop(), default.stop()
    assert not elsewhere.any()
    assert window.player.banner.isHidden()
    # The resumed sound starts with a 10 ms fade-in and ends with a 10 ms fade-out; in
    # between it is the practice from the kept sample on, exactly.
    resumed = trim_silence(there)
    fade = player.declick
    middle = resumed[2 * fade:len(resumed) - 2 * fade]
    start = next((offset for offset in range(0, 3 * fade)
                  if np.array_equal(middle[:500], expected[kept + offset:kept + offset + 500])),
                 None)
    assert start is not None, "the resumed sound is not the practice from where it paused"
    assert 2 * fade <= start <= 2 * fade + 20  # (+ the fade's first samples, rounded to 0)
    assert np.array_equal(middle, expected[kept + start:kept + start + len(middle)])
    assert abs((kept + len(resumed)) - stopped) < 0.01 * RATE
    assert [p.id for p in store.list_practices(window.ctx.profile_id)] == [practice_id]
