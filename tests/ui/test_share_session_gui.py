"""The library shares one of the user's own practices as one file and takes one in; a damaged
file is refused with a message the user can act on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from mit_desktop import paths
from mit_desktop.session.parser import parse_session


def _ids(library) -> list[str]:
    return [library.session_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(library.session_list.count())]


def _select(library, session_id: str) -> None:
    library.session_list.setCurrentRow(_ids(library).index(session_id))


def test_share_then_import_a_shared_session(window, tmp_path: Path, monkeypatch) -> None:
    audio = tmp_path / "evening_talk.wav"
    sf.write(audio, np.zeros(22_050 * 5, dtype=np.int16), 22_050)
    labels = tmp_path / "labels.txt"
    labels.write_text("2.0\t2.0\tHow does that feel?\n", encoding="utf-8")
    library = window.library
    window.show_page("library")
    messages: list[str] = []
    library.message.connect(messages.append)
    library.import_recording(audio, labels)
    _select(library, "evening-talk")
    assert library.share_button.isVisible() and library.share_button.isEnabled()
    assert library.share_button.accessibleName() == "Share this session"
    assert library.share_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    out = tmp_path / "gift"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    library.share_button.click()
    shared = tmp_path / "gift.mitsession"
    assert shared.is_file() and "Give this one file" in messages[-1], messages

    bundled = next(i for i in _ids(library) if i and library.entries[i].source == "bundled")
    _select(library, bundled)
    assert not library.share_button.isVisible()  # only the user's own practices are shared

    assert library.import_shared_button.accessibleName() == "Import a shared session"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(shared), ""))
    library.import_shared_button.click()
    assert "both are kept" in messages[-1], messages  # the same id was here: a copy beside it
    assert "evening-talk-2" in _ids(library)
    copy = parse_session(paths.data_dir() / "sessions" / "evening-talk-2.session.md")
    assert copy.title.endswith("(shared copy)") and copy.clips[0].path.is_file()

    damaged = tmp_path / "damaged.mitsession"
    damaged.write_bytes(shared.read_bytes()[:300])
    before = sorted(p.name for p in (paths.data_dir() / "sessions").rglob("*"))
    library.import_shared(damaged)
    assert messages[-1].startswith("The shared practice was not added. ") and \
        "Ask for the file again" in messages[-1], messages
    assert sorted(p.name for p in (paths.data_dir() / "sessions").rglob("*")) == before


def test_new_from_a_template_makes_the_profiles_own_script_and_opens_it_in_the_editor(
        window, monkeypatch) -> None:
    """The Library's "New from a template…" is the studio's: the new script is made in this
    profile's "Sessions I made" folder (not loose in sessions/) and opens in the editor."""
    from PySide6.QtWidgets import QInputDialog

    from mit_desktop.authoring import my_sessions

    library = window.library
    window.show_page("library")
    messages: list[str] = []
    window.studio.message.connect(messages.append)
    assert library.template_button.accessibleName() == "New practice from a template"
    assert library.template_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, items, *_a, **_k):
        offered.append(list(items))
        return next(i for i in items if "BAM" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", choose)
    sessions = paths.data_dir() / "sessions"
    loose_before = sorted(sessions.glob("*.session.md"))
    library.template_button.click()
    editor = window.studio.editor
    assert window.stack.currentWidget() is window._holders[window.studio]
    assert window.studio.pages.currentWidget() is editor
    made = my_sessions.made_dir(window.ctx.profile_id)
    first = editor.path
    assert first is not None and first.parent == made and first.is_file()
    assert editor.text.toPlainText() == first.read_text(encoding="utf-8")
    assert parse_session(first).module == "bam" and "Write here" in editor.text.toPlainText()
    assert len(offered[0]) == 6 and "Write here" in messages[-1], messages

    window.show_page("library")
    library.template_button.click()  # a second one is made beside the first, not over it
    second = editor.path
    assert second != first and second.parent == made and first.is_file()
    assert sorted(p.name for p in made.glob("*.session.md")) == sorted([first.name, second.name])
    assert sorted(sessions.glob("*.session.md")) == loose_before  # nothing loose in sessions/


def test_a_new_script_from_the_library_keeps_unsaved_text_of_the_one_open(window,
                                                                           monkeypatch) -> None:
    """Text typed but not saved in the editor is kept as that script's draft when the
    Library's "New from a template…" opens the new script in the editor."""
    from PySide6.QtWidgets import QInputDialog

    from mit_desktop.authoring import drafts

    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    first = editor.path
    editor.text.setPlainText(editor.text.toPlainText() + "\nWords not saved yet.\n")
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda _p, _t, _l, items, *_a, **_k: (items[0], True))
    window.show_page("library")
    window.library.template_button.click()
    assert editor.path != first
    kept = drafts.load_draft(window.ctx.profile_id, first)
    assert kept is not None and kept.text.endswith("Words not saved yet.\n")
