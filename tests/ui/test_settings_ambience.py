"""The listener's background-sound choice is kept and reaches the practice."""

from __future__ import annotations

from mit_desktop.ui.state import ListeningPrefs, load_state


def test_background_sound_choice_reaches_the_practice_and_is_kept(window) -> None:
    settings = window.settings
    window.show_page("settings")
    assert window.flow.settings("hands-free").ambience is None  # as each session has it
    settings.ambience.setCurrentIndex(settings.ambience.findData("rain"))
    assert window.ctx.prefs.ambience == "rain"
    assert window.flow.settings("hands-free").ambience == "rain"
    saved = load_state().prefs(window.ctx.profile_id)
    assert saved.ambience == "rain"
    settings.ambience.setCurrentIndex(settings.ambience.findData("off"))
    assert window.flow.settings("interactive").ambience == "off"
    assert settings.ambience.accessibleName() == "Background sound"


def test_an_unknown_saved_background_falls_back_to_the_sessions_own() -> None:
    assert ListeningPrefs.from_json({"ambience": "waterfall"}).ambience is None
    assert ListeningPrefs.from_json({"ambience": "ocean"}).ambience == "ocean"
