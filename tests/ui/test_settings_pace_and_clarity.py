"""Speaking speed, pauses and Voice clarity: shown in plain words, kept, and reaching the practice."""

from __future__ import annotations

from mit_desktop.ui.state import ListeningPrefs, load_state


def test_pace_note_follows_speed_and_pauses(window) -> None:
    settings = window.settings
    window.show_page("settings")
    settings.rate.setCurrentIndex(settings.rate.findData(0.75))
    settings.pacing.setCurrentIndex(settings.pacing.findData(1.0))  # the usual choices
    assert "about 140 words a minute" in settings.pace_note.text()
    settings.pacing.setCurrentIndex(settings.pacing.findData(2.0))
    assert "about 110 words a minute" in settings.pace_note.text()
    assert window.flow.settings("hands-free").pacing == 2.0
    settings.rate.setCurrentIndex(settings.rate.findData(1.0))
    assert window.flow.settings("hands-free").rate == 1.0
    assert "about 150 words a minute" in settings.pace_note.text()
    saved = load_state().prefs(window.ctx.profile_id)
    assert (saved.rate, saved.pacing) == (1.0, 2.0)


def test_voice_clarity_reaches_the_practice_and_is_kept(window) -> None:
    settings = window.settings
    window.show_page("settings")
    assert window.flow.settings("hands-free").voice_clarity is False
    settings.clarity.setChecked(True)
    assert window.flow.settings("hands-free").voice_clarity is True
    assert load_state().prefs(window.ctx.profile_id).voice_clarity is True
    assert settings.clarity.accessibleName() == "Voice clarity (for hearing aids)"
    settings.clarity.setChecked(False)
    assert load_state().prefs(window.ctx.profile_id).voice_clarity is False


def test_a_saved_clarity_that_is_not_true_or_false_is_off() -> None:
    assert ListeningPrefs.from_json({"voice_clarity": "yes"}).voice_clarity is False
    assert ListeningPrefs.from_json({"voice_clarity": True}).voice_clarity is True
