"""What this practice trains, before the first practice of each module and in Help; the
"What is mentalizing?" page."""

from __future__ import annotations

from mit_desktop.content.module_training import load_module_training


def _ready(window, qtbot, store, ref: str) -> None:
    store.set_region(window.ctx.profile_id, "AU")
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(ref)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)


def test_the_first_practice_of_a_module_says_what_it_trains(window, qtbot, store) -> None:
    trains = load_module_training()["situation-solver"].trains
    _ready(window, qtbot, store, "situation-solver")
    qtbot.waitUntil(lambda: window.checkin.trains_label.isVisible(), timeout=5000)
    assert window.checkin.trains_label.text() == trains
    assert window.checkin.trains_heading.text() == "What this practice trains"
    window.pages.cancel_start()
    practice = store.start_practice(window.ctx.profile_id, "situation-solver", "h",
                                    "hands-free")
    store.finish_practice(practice, False, 60_000, 60_000)
    window.start_practice("situation-solver")
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    qtbot.wait(50)
    assert not window.checkin.trains_label.isVisible()  # heard before: not again


def test_help_has_what_is_mentalizing_and_what_each_practice_trains(window, qtbot) -> None:
    window.show_help()
    dialog = window.help_dialog
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[0] == "Help now"  # still first: it may be opened in a hurry
    assert "What is mentalizing?" in titles and "The practices" in titles
    dialog.show_page("practices")
    page = dialog.tabs.currentWidget()
    from PySide6.QtWidgets import QLabel

    texts = [w.text() for w in page.findChildren(QLabel)]
    for module in load_module_training().values():
        assert module.title in texts and module.trains in texts
    dialog.show_page("mentalizing")
    texts = [w.text() for w in dialog.tabs.currentWidget().findChildren(QLabel)]
    assert any("Towards the other person" in t for t in texts)
    dialog.accept()
