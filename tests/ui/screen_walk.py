"""Put the real window on each of its screens in turn, as a user would see them, for the
accessibility checks (focus, contrast, text size, the accessibility tree). The studio's
two recorders are windows of their own, opened from Sessions I made as a therapist opens
them: their screens are the dialogs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from mit_desktop.practice.answers import AnswerTarget

SCREENS = ("today", "library", "history", "settings", "checkin", "player", "reflection",
           "stop", "questionnaire", "questionnaire-safety", "studio", "studio-editor",
           "studio-record-paragraphs", "studio-record-whole")
MIC = "Built-in Audio Analog Stereo (the system's choice)"  # a typical microphone's name


def show_screen(window, key: str) -> QWidget:  # type: ignore[no-untyped-def]
    """Show screen ``key`` with typical content; returns the page widget (a recorder:
    its dialog)."""
    w = window
    recorder = getattr(w.studio, "recorder_dialog", None)
    if recorder is not None and recorder.isVisible():
        recorder.reject()
    if key in ("studio-record-paragraphs", "studio-record-whole"):
        return _recorder(w, key)
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


def _recorder(window, key: str) -> QWidget:  # type: ignore[no-untyped-def]
    """A recorder as Sessions I made opens it, with a microphone chosen and a take made:
    the paragraph recorder with a take of the first paragraph, the whole-take recorder with
    the proposals of a take with known pauses (tests/recording/synthetic.py)."""
    import soundfile as sf
    from recording.synthetic import RATE, recording
    from recording.test_record_silences import PARTS

    from mit_desktop.recording.capture import TakeResult

    studio = window.studio
    if not studio.made:
        studio.new_blank("Evening calm")
    window.show_page("studio")
    studio.show_list()
    studio.list.sessions.setCurrentRow(0)
    if key == "studio-record-paragraphs":
        studio.record_chosen()
    else:
        studio.record_whole()
    dialog = studio.recorder_dialog
    dialog.devices.combo.clear()
    dialog.devices.combo.addItem(MIC, "source:mic")
    if key == "studio-record-paragraphs":
        take = dialog.folder.new_take_path(dialog.current().key)
        parts = [("pause", 300), ("voice", 1500), ("pause", 300)]
    else:
        take = dialog.folder / "recordings" / "my-recorded-practice.wav"
        take.parent.mkdir(parents=True, exist_ok=True)
        dialog.audio, dialog.script = take, Path(dialog.folder) / "my-recorded-practice.session.md"
        parts = PARTS
    audio = recording(parts)
    sf.write(str(take), audio, RATE, subtype="PCM_16")
    dialog.bridge.stopped.emit(TakeResult(take, len(audio), RATE, -10.0, 0))
    for _ in range(3):
        QApplication.processEvents()
    if key == "studio-record-whole":  # scrolled to the proposals, as a therapist goes on
        from PySide6.QtWidgets import QScrollArea

        bar = dialog.findChild(QScrollArea).verticalScrollBar()
        bar.setValue(bar.maximum())
        QApplication.processEvents()
    return dialog


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
