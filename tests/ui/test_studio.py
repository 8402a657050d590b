""""Sessions I made" and the script editor: new, open, duplicate, delete (asked first); live
checks with the CLI's own messages, underlined and listed, advice apart; the timeline strip;
a preview of the part under the cursor rendered off the GUI thread; atomic save; drafts that
survive a kill; and a question before closing with unsaved changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mit_desktop.authoring import drafts, my_sessions
from mit_desktop.authoring.checks import ADVICE, ERROR
from mit_desktop.authoring.preview import SENTENCE
from mit_desktop.cli import main
from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


@pytest.fixture(autouse=True)
def no_one_answers(monkeypatch):  # type: ignore[no-untyped-def]
    """A question no test answers is answered "discard" (or "no"): closing the window at the
    end of a test must not wait for an answer no one gives."""
    from mit_desktop.ui.studio.editor import ScriptEditor

    monkeypatch.setattr(ScriptEditor, "ask", lambda self, title, text, choices:
                        "discard" if "discard" in choices else "no")


def open_new(window, title: str = "Evening calm") -> Path:  # type: ignore[no-untyped-def]
    window.show_page("studio")
    window.studio.new_blank(title)
    editor = window.studio.editor
    assert window.studio.pages.currentWidget() is editor
    return editor.path


def set_text(editor, text: str) -> None:  # type: ignore[no-untyped-def]
    editor.text.setPlainText(text)
    editor.run_checks()  # at once (the timer waits until typing stops)


def listed(editor) -> list[str]:  # type: ignore[no-untyped-def]
    items = [editor.problems.item(i) for i in range(editor.problems.count())]
    return [i.text() for i in items if i.flags() & Qt.ItemFlag.ItemIsEnabled]


def test_the_list_opens_new_scripts_and_deletes_only_when_confirmed(window, qtbot,
                                                                    monkeypatch) -> None:
    path = open_new(window)
    assert path.parent == my_sessions.made_dir(window.ctx.profile_id)
    assert "Evening calm" in window.studio.editor.text.toPlainText()
    window.studio.editor.back_button.click()
    window.studio.new_from_template("nesting-doll")
    window.studio.show_list()
    names = [window.studio.list.sessions.item(i).text()
             for i in range(window.studio.list.sessions.count())]
    assert names == ["Evening calm", "My Nesting Doll"]
    assert "back up or copy" in window.studio.list.folder_label.text()
    window.studio.list.sessions.setCurrentRow(0)
    window.studio.duplicate_chosen()
    window.studio.editor.back_button.click()
    assert window.studio.list.sessions.count() == 3
    window.studio.list.sessions.setCurrentRow(0)
    asked: list[str] = []
    monkeypatch.setattr(window.studio, "confirm", lambda title, text: asked.append(text) or False)
    window.studio.list.delete_button.click()
    assert asked and path.exists()  # asked, and "No" keeps it
    monkeypatch.setattr(window.studio, "confirm", lambda title, text: True)
    window.studio.list.sessions.setCurrentRow(
        next(i for i in range(3) if window.studio.list.sessions.item(i).data(Qt.ItemDataRole.UserRole)
             == str(path)))
    window.studio.list.delete_button.click()
    assert not path.exists()
    assert window.studio.list.sessions.count() == 2


BROKEN = '''+++
id = "evening-calm"
title = "Evening calm"
+++

# Arriving

[bel]
Hello {friend}.
[pause 5 seconds]
'''


def test_live_checks_show_the_clis_messages_underlined_and_clickable(window, qtbot,
                                                                     capsys) -> None:
    path = open_new(window)
    editor = window.studio.editor
    set_text(editor, BROKEN)
    path.write_text(BROKEN, encoding="utf-8")  # what the CLI says about the same text
    assert main(["validate", str(path)]) == 1
    cli = capsys.readouterr().err.strip().splitlines()
    assert len(cli) == 3
    assert listed(editor) == cli
    assert "did you mean 'bell'?" in cli[0]
    underlined = editor.text.extraSelections()
    assert len(underlined) == 3
    assert underlined[0].cursor.selectedText() == "bel"  # the word the column points at
    assert underlined[0].format.underlineStyle().name == "WaveUnderline"
    third = next(editor.problems.item(i) for i in range(editor.problems.count())
                 if editor.problems.item(i).text() == cli[2])
    editor.problems.setCurrentItem(third)
    editor.problems.itemActivated.emit(third)
    cursor = editor.text.textCursor()
    assert cursor.blockNumber() + 1 == 10 and editor.text.hasFocus()
    assert editor.result.errors[0].kind == ERROR
    assert "once the problems are fixed" in editor.strip_label.text()


def test_advice_is_listed_apart_and_the_strip_follows_the_text(window, qtbot) -> None:
    open_new(window)
    editor = window.studio.editor
    long = " ".join(["word"] * 25) + "."
    set_text(editor, BROKEN.replace("[bel]", "[bell 2]").replace("Hello {friend}.", long)
             .replace("[pause 5 seconds]", "[pause 5s]\n[reflect 30s note: What now?]"))
    assert editor.result.errors == ()
    kinds = [f.kind for f in editor.result.advice]
    assert kinds and set(kinds) == {ADVICE}
    rows = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert rows[0].startswith("Advice from the safety checks")
    assert any("has 25 words" in r for r in rows)
    strip = editor.strip.strip
    assert [i.kind for i in strip.items if i.kind != "gap"] == \
        ["bell", "speech", "pause", "reflection"]
    assert "About 1:02 in all" in editor.strip_label.text()  # 13 + 10.7 + 3.5 + 5 + 30 s
    editor.go_to(9, None)  # the cursor on the sentence outlines it on the strip
    assert [i.kind for i in editor.strip.current] == ["speech"]
    editor.strip.setFocus()
    QTest.keyClick(editor.strip, Qt.Key.Key_Right)
    QTest.keyClick(editor.strip, Qt.Key.Key_Right)
    assert editor.strip_label.text().startswith("sentence at 0:13")
    QTest.keyClick(editor.strip, Qt.Key.Key_Return)
    assert editor.text.textCursor().blockNumber() + 1 == 9


def test_save_is_atomic_and_a_failed_save_keeps_text_and_draft(window, qtbot,
                                                               monkeypatch) -> None:
    path = open_new(window)
    editor = window.studio.editor
    messages: list[str] = []
    window.studio.message.connect(messages.append)
    editor.text.moveCursor(QTextCursor.MoveOperation.End)
    editor.text.insertPlainText("Breathe.\n")
    assert editor.dirty and "not saved" in editor.title_label.text()
    editor.keep_draft()
    assert editor.save()
    assert path.read_text().endswith("Breathe.\n") and not editor.dirty
    assert drafts.load_draft(window.ctx.profile_id, path) is None
    editor.text.insertPlainText("More.\n")
    editor.keep_draft()

    def crash(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    assert not editor.save()
    assert "could not be saved" in messages[-1]
    assert path.read_text().endswith("Breathe.\n")  # the old file, whole
    assert editor.dirty and drafts.load_draft(window.ctx.profile_id, path).text.endswith("More.\n")


def test_a_draft_survives_a_kill_and_is_offered_back(window, qtbot, store, monkeypatch) -> None:
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state

    path = open_new(window)
    editor = window.studio.editor
    editor.text.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(editor.text, "Words not saved.")
    qtbot.waitUntil(lambda: drafts.load_draft(window.ctx.profile_id, path) is not None,
                    timeout=5000)  # kept shortly after typing stops, without saving
    assert "Words not saved." not in path.read_text()
    # killed: nothing more runs in the first window; the program starts again
    ctx = AppContext(store, load_state())
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    asked: list[str] = []
    monkeypatch.setattr(type(again.studio.editor), "ask",
                        lambda self, title, text, choices: asked.append(title) or "yes")
    again.show_page("studio")
    names = [again.studio.list.sessions.item(i).text()
             for i in range(again.studio.list.sessions.count())]
    assert names == ["Evening calm – unsaved changes kept"]
    again.studio.open_chosen()
    assert asked == ["Unsaved changes were kept"]
    assert again.studio.editor.text.toPlainText().endswith("Words not saved.\n") or \
        again.studio.editor.text.toPlainText().endswith("Words not saved.")
    assert again.studio.editor.dirty
    again.studio.editor.saved_text = again.studio.editor.text.toPlainText()
    again.flow.shutdown()
    ctx.close()


def test_closing_with_unsaved_changes_asks_and_cancel_stays(window, qtbot, monkeypatch) -> None:
    path = open_new(window)
    editor = window.studio.editor
    editor.text.moveCursor(QTextCursor.MoveOperation.End)
    editor.text.insertPlainText("// a note\n")
    answers = iter(["cancel", "save"])
    monkeypatch.setattr(type(editor), "ask", lambda self, t, x, c: next(answers))
    window.close()
    assert window.isVisible()  # Cancel: still open, text still there
    assert "// a note" in editor.text.toPlainText()
    window.close()
    assert not window.isVisible()
    assert "// a note" in path.read_text()


def test_the_sentence_under_the_cursor_is_rendered_and_played(window, qtbot) -> None:
    open_new(window)
    editor = window.studio.editor
    set_text(editor, '+++\nid = "p"\ntitle = "P"\n+++\n\nFirst one here. Second one.\n')
    editor.go_to(6, 18)  # in "Second one."
    editor.preview(SENTENCE)
    player = editor._preview_player
    assert player is not window.ctx._player  # not the practice's player: nothing in history
    assert player.wait_rendered(RENDER_TIMEOUT_MS / 1000)
    spoken = [s.text for s in player.timeline.segments if s.kind == "speech"]
    assert spoken == ["Second one."]
    qtbot.waitUntil(lambda: player.state in (ev.PLAYING, ev.FINISHED), timeout=RENDER_TIMEOUT_MS)
    editor.stop_preview()
    editor.close_preview()
    QApplication.processEvents()


def test_play_whole_session_goes_to_the_normal_player(window, qtbot, monkeypatch) -> None:
    path = open_new(window)
    started: list[str] = []
    monkeypatch.setattr(window, "start_practice", lambda ref, resume=None: started.append(ref))
    window.studio.playRequested.disconnect()
    window.studio.playRequested.connect(window.start_practice)
    window.studio.editor.text.moveCursor(QTextCursor.MoveOperation.End)
    window.studio.editor.text.insertPlainText("// changed\n")
    messages: list[str] = []
    window.studio.message.connect(messages.append)
    window.studio.editor.whole_button.click()
    assert started == [str(path)], messages
    assert started == [str(path)] and "// changed" in path.read_text()


@pytest.mark.parametrize("key", ["F5"])
def test_keys_reach_the_preview(window, qtbot, key: str, monkeypatch) -> None:
    open_new(window)
    editor = window.studio.editor
    heard: list[str] = []
    monkeypatch.setattr(type(editor), "preview", lambda self, scope: heard.append(scope))
    editor.text.setFocus()
    QTest.keyClick(editor.text, Qt.Key.Key_F5)
    assert heard == [SENTENCE]
