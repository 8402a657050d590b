"""Recording from the script editor: unsaved text is saved first (and the status says so),
a script that does not parse is not recorded (the problem is said with its line), and
the takes go to the paragraphs the therapist typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from recording.synthetic import RATE, recording

from mit_desktop.authoring import drafts
from mit_desktop.recording.capture import TakeResult
from mit_desktop.session.model import Clip
from mit_desktop.session.parser import parse_session
from mit_desktop.ui.studio.record_paragraphs import RecordParagraphsDialog

NEW_PARAGRAPH = "Notice the weight of your hands resting in your lap."


@pytest.fixture(autouse=True)
def no_one_answers(monkeypatch):  # type: ignore[no-untyped-def]
    from mit_desktop.ui.studio.editor import ScriptEditor

    monkeypatch.setattr(ScriptEditor, "ask", lambda self, title, text, choices:
                        "discard" if "discard" in choices else "no")


def fake_take(path: Path, ms: int = 1200) -> TakeResult:
    """A take as the microphone would have left it: voice between two short silences."""
    import soundfile as sf

    audio = recording([("pause", 500), ("voice", ms), ("pause", 500)])
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, RATE, subtype="PCM_16")
    return TakeResult(path, len(audio), RATE, -10.0, 0)


def type_paragraph(editor, after: str, paragraph: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``paragraph`` as a paragraph of its own after the line ``after`` (unsaved)."""
    text = editor.text.toPlainText().replace(after + "\n", f"{after}\n\n{paragraph}\n", 1)
    editor.text.setPlainText(text)


def record_one(dialog: RecordParagraphsDialog, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    takes: list[Path] = []
    monkeypatch.setattr(dialog.bridge, "start", lambda out, _device: takes.append(out))
    dialog.record_button.click()
    dialog.bridge.stopped.emit(fake_take(takes[-1]))
    return takes[-1]


def test_record_in_the_editor_saves_the_typed_paragraph_first_and_the_take_goes_to_it(
        window, monkeypatch) -> None:
    messages: list[str] = []
    window.studio.message.connect(messages.append)
    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    path = editor.path
    type_paragraph(editor, "// Write here what the listener hears first.", NEW_PARAGRAPH)
    editor.keep_draft()
    assert editor.dirty and NEW_PARAGRAPH not in path.read_text(encoding="utf-8")

    editor.record_button.click()
    dialog = window.studio.recorder_dialog
    assert isinstance(dialog, RecordParagraphsDialog)
    on_disk = path.read_text(encoding="utf-8")
    assert NEW_PARAGRAPH in on_disk and not editor.dirty  # saved, atomically, before recording
    assert drafts.load_draft(window.ctx.profile_id, path) is None  # the draft went with it
    assert messages[-1] == "Saved your changes before recording."
    assert dialog.status.text().startswith("Saved your changes before recording.")
    texts = [p.text for p in dialog.paragraphs]
    assert NEW_PARAGRAPH in texts

    dialog.show_paragraph(texts.index(NEW_PARAGRAPH))
    assert dialog.text.text() == NEW_PARAGRAPH
    record_one(dialog, monkeypatch)
    dialog.save_button.click()

    clips = [c for c in parse_session(path).cues if isinstance(c, Clip)]
    assert len(clips) == 1
    assert clips[0].path.with_suffix(".txt").read_text(encoding="utf-8") == NEW_PARAGRAPH + "\n"
    saved = path.read_text(encoding="utf-8")
    assert f"// recorded: {NEW_PARAGRAPH}\n[clip " in saved
    assert "// recorded: Find a comfortable" not in saved  # the others keep the voice
    # the editor shows the script as the recorder left it, with nothing unsaved to lose
    assert editor.text.toPlainText() == saved and not editor.dirty
    dialog.reject()


def test_a_script_that_does_not_parse_is_not_recorded_and_the_line_is_said(window) -> None:
    messages: list[str] = []
    window.studio.message.connect(messages.append)
    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    before = editor.path.read_text(encoding="utf-8")
    text = editor.text.toPlainText().replace("[bell]\n", "[bel]\n", 1)
    editor.text.setPlainText(text)
    line = text.split("\n").index("[bel]") + 1
    window.studio.recorder_dialog = None

    editor.record_button.click()
    assert window.studio.recorder_dialog is None  # no recorder opened
    assert messages[-1].startswith(
        f"This script cannot be recorded until this problem is fixed – line {line}: ")
    assert "bel" in messages[-1]
    assert editor.path.read_text(encoding="utf-8") == before  # nothing written
    assert editor.text.textCursor().blockNumber() + 1 == line  # the cursor on the problem


def test_record_from_the_list_uses_the_editors_unsaved_text(window, monkeypatch) -> None:
    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    type_paragraph(editor, "// Write here what the listener hears first.", NEW_PARAGRAPH)
    editor.back_button.click()  # back to the list; the text is kept as a draft
    window.studio.list.sessions.setCurrentRow(0)
    window.studio.list.record_button.click()
    dialog = window.studio.recorder_dialog
    assert NEW_PARAGRAPH in [p.text for p in dialog.paragraphs]
    assert NEW_PARAGRAPH in editor.path.read_text(encoding="utf-8")
    dialog.reject()


def test_tidy_up_lists_a_replaced_take_with_its_size_and_removes_it_when_agreed(
        window, monkeypatch) -> None:
    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    editor.record_button.click()
    dialog = window.studio.recorder_dialog
    first = record_one(dialog, monkeypatch)
    second = record_one(dialog, monkeypatch)  # a retake; the latest is kept
    dialog.save_button.click()
    assert "2 recording(s)" in dialog.status.text() and "no longer used" in dialog.status.text()
    clip = next(c.path for c in parse_session(editor.path).cues if isinstance(c, Clip))

    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm_tidy",
                        lambda unused: asked.append(dialog.tidy_question(unused)) or False)
    dialog.tidy_button.click()
    assert first.name in asked[0] and second.name in asked[0] and clip.name not in asked[0]
    assert " KB)" in asked[0]  # each with its size
    assert first.exists() and dialog.status.text() == "Nothing was removed."

    monkeypatch.setattr(dialog, "confirm_tidy", lambda unused: True)
    dialog.tidy_button.click()
    assert not first.exists() and not second.exists()
    assert clip.exists()  # the recording the script plays is never removed
    assert dialog.status.text() == "2 recording(s) no longer used were removed."
    dialog.tidy_button.click()
    assert dialog.status.text().startswith("Every recording of this script is in use")
    dialog.reject()
