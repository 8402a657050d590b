"""Put the real window on each of its screens in turn, as a user would see them, for the
accessibility checks (focus, contrast, text size, the accessibility tree)."""

from __future__ import annotations

import time
from collections.abc import Iterator

from PySide6.QtWidgets import QApplication, QWidget

from mit_desktop.practice.answers import AnswerTarget

SCREENS = ("today", "library", "history", "settings", "checkin", "player", "reflection",
           "stop", "questionnaire", "questionnaire-safety", "studio", "studio-editor")


def show_screen(window, key: str) -> QWidget:  # type: ignore[no-untyped-def]
    """Show screen ``key`` with typical content; returns the page widget."""
    w = window
    if key == "history":
        _some_history(w)
        w.show_page(key)
    elif key in ("today", "library", "settings"):
        w.show_page(key)
    elif key == "checkin":
        w.checkin.show_phase("before", "Tiny practice")
        w.checkin.safety_label.setText("Stop whenever you like.")
        w.checkin.safety_label.show()
        w.checkin.go_button.setEnabled(True)
        w.show_page("checkin")
    elif key == "player":
        w.show_page("player")
        w.player.title_label.setText("Tiny practice")
        w.player.caption_label.setText("Breathe in, and notice the feet on the floor.")
        w.player.more_button.setChecked(True)
    elif key == "reflection":
        w.reflection.show_reflection(AnswerTarget(w.ctx.profile_id, "reflection-1"),
                                     "What do you notice in your body?",
                                     ("note", "rating", "body-map"))
        w.show_page("reflection")
    elif key == "questionnaire":  # the longest question of the four instruments
        w.start_questionnaire("phq9")
        w.questionnaire.begin_button.click()
        w.questionnaire.run.position = 7
        w.questionnaire._show_question()
    elif key == "questionnaire-safety":
        w.start_questionnaire("phq9")
        w.questionnaire._show_safety()
    elif key == "studio":  # "Sessions I made" with a script in it
        if not w.studio.made:
            w.studio.new_blank("Evening calm")
        w.show_page("studio")
        w.studio.show_list()
    elif key == "studio-editor":  # a script with a problem and a piece of advice
        if not w.studio.made:
            w.studio.new_blank("Evening calm")
            w.studio.show_list()
        w.show_page("studio")
        w.studio.open_chosen()
        editor = w.studio.editor
        editor.text.setPlainText(editor.saved_text.replace("[bell]\n", "[bel]\n", 1))
        editor.run_checks()
        editor.saved_text = editor.text.toPlainText()  # nothing unsaved to ask about
    elif key == "stop":
        w.stop_screen.show_for_region("US")
        w.show_page("stop")
    for _ in range(3):
        QApplication.processEvents()
    return w.current_page()


def _some_history(window) -> None:  # type: ignore[no-untyped-def]
    """Two practices of the last days, with check-ins and a note, so History shows its
    charts, texts and diary (once, in the window's own store)."""
    store, pid = window.ctx.store, window.ctx.profile_id
    if store.list_practices(pid):
        return
    now_ms = int(time.time() * 1000)
    for days_ago, session, (mood, after) in ((3, "nesting-doll", (4, 6)),
                                             (1, "eye-center", (5, 7))):
        start = now_ms - days_ago * 86_400_000
        practice = store.start_practice(pid, session, "hash", "interactive", started_ms=start)
        store.finish_practice(practice, True, 20 * 60_000, 20 * 60_000)
        store.record_check_in(practice, "before", mood=mood, stress=5)
        store.record_check_in(practice, "after", mood=after, stress=3)
        store.save_reflection(practice, "r1", prompt="What do you notice in your body?",
                              note="Warmth in the chest.", rating=6)


def walk(window) -> Iterator[tuple[str, QWidget]]:  # type: ignore[no-untyped-def]
    for key in SCREENS:
        yield key, show_screen(window, key)
