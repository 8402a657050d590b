"""Imported recordings are shown by their title, not their id, wherever the history names
a practice (the History screens, the log dialog and the PDF report use one catalog)."""

from __future__ import annotations

from mit_desktop.content.library import user_sessions_dir
from mit_desktop.ui.history.data import load_catalog


def test_an_imported_recording_is_named_by_its_title(private_folders) -> None:
    folder = user_sessions_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "my-talk.session.md").write_text(
        '+++\nid = "my-talk"\ntitle = "Evening Talk With Anna"\nmodule = "recording"\n+++\n'
        "Hello.\n", encoding="utf-8")
    catalog = load_catalog()
    assert catalog.title("my-talk") == "Evening Talk With Anna"
    assert catalog.title("stretch-breathe") != "stretch-breathe"  # the program still first
    assert catalog.with_sessions(["my-talk", "gone"]).title("gone") == "gone"
