"""Settings › Sound with the real audio library: the devices it sees, the choice kept, a test
sound heard by the private PulseAudio server, and plain words when there is no device."""

from __future__ import annotations

import numpy as np
import pytest

from mit_desktop.ui.state import load_state


@pytest.fixture
def sound_window(window, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MIT_AUDIO_BACKEND")  # the default output, as a user has it
    window.show_page("settings")
    return window


def _items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_sound_servers_outputs_are_listed_by_their_descriptions_and_the_choice_is_kept(
    pulse, sound_window
) -> None:
    """Not ALSA's "pulse" and "default": the server's own names for its outputs."""
    sound = sound_window.settings.sound
    sound.refresh()
    items = _items(sound.device)
    assert items == ["System default", "Null Output"]  # the private server's one sink
    assert sound.device.itemData(0) is None and sound.device.itemData(1) == "sink:cap"
    assert sound.status.text() == "1 sound device(s) found."
    sound.device.setCurrentIndex(1)
    assert sound_window.ctx.state.output_device == "sink:cap"
    assert load_state().output_device == "sink:cap"  # remembered on disk
    assert "Practices will play on Null Output." == sound.status.text()
    sound.refresh()  # shown again: the choice is still selected
    assert sound.device.currentText() == "Null Output"


def test_the_test_sound_is_heard_on_the_chosen_output_and_not_on_the_default(
    pulse, sound_window
) -> None:
    from realtime.pulse import Capture, find_sound

    sound = sound_window.settings.sound
    with pulse.extra_sink("kitchen", "Kitchen speakers"):
        sound.refresh()
        items = _items(sound.device)
        assert items == ["System default", "Null Output", "Kitchen speakers"]
        sound.device.setCurrentIndex(items.index("Kitchen speakers"))
        assert sound_window.ctx.state.output_device == "sink:kitchen"
        chosen, default = Capture(pulse, sink="kitchen").start(), Capture(pulse).start()
        sound.test_button.click()  # the worker runs synchronously in GUI tests
        heard, elsewhere = chosen.stop(), default.stop()
    assert sound.test_button.isEnabled()
    assert sound.status.text().startswith(
        "A test sound was played on Kitchen speakers: two soft chimes.")
    found = find_sound(heard, pulse.rate, min_gap_ms=50)
    assert found.first_ms is not None and 1200 <= found.length_ms <= 2200
    assert np.abs(heard).max() > 3000
    assert not elsewhere.any()  # nothing went to the server's default output
    sound.refresh()  # that output is gone now: the choice is kept, and said to be missing
    assert sound.device.currentText() == "kitchen (not found now)"


def test_no_device_at_all_is_said_plainly_with_where_to_choose(
    sound_window, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/no-server")  # nothing answers
    sound = sound_window.settings.sound
    sound.refresh()
    assert _items(sound.device) == ["System default"]
    no_device = ("No sound device was found on this computer. Connect speakers or headphones, "
                 "then press Find devices again.")
    assert sound.status.text() == no_device
    sound.test_button.click()
    assert sound.status.text() == no_device
    assert "unplugged" not in sound.status.text()
