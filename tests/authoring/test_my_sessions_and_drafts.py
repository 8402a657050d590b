"""A profile's own scripts: new, duplicate, atomic save, delete; drafts kept across a kill."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mit_desktop.authoring import drafts, my_sessions
from mit_desktop.authoring.checks import check_text
from mit_desktop.content.library import list_sessions
from mit_desktop.session.parser import parse_session


def test_new_scripts_are_valid_private_and_listed_per_profile(private_folders: Path) -> None:
    blank = my_sessions.new_blank(1, "Evening calm")
    assert blank.parent == my_sessions.made_dir(1)
    assert blank.name == "evening-calm.session.md"
    assert oct(blank.stat().st_mode & 0o777) == "0o600"
    session = parse_session(blank)
    assert (session.id, session.title) == ("evening-calm", "Evening calm")
    assert check_text(blank.read_text(), blank).errors == ()
    templ = my_sessions.new_from_template(1, "nesting-doll", "My doll")
    again = my_sessions.new_blank(1, "Evening calm")
    assert again.name == "evening-calm-2.session.md"  # never over a file, never a taken id
    assert [m.title for m in my_sessions.list_made(1)] == ["Evening calm", "Evening calm",
                                                           "My doll"]
    assert my_sessions.list_made(2) == []  # another profile's folder is its own
    ids = {e.id for e in list_sessions()[0] if e.source == "user"}
    assert {"evening-calm", "evening-calm-2", templ.name.removesuffix(".session.md")} <= ids


def test_duplicate_gets_a_new_id_and_title(private_folders: Path) -> None:
    source = my_sessions.new_blank(1, "Walk")
    copy = my_sessions.duplicate(1, source)
    session = parse_session(copy)
    assert session.title == "Copy of Walk" and session.id == "copy-of-walk"
    assert parse_session(source).id == "walk"


def test_save_is_atomic_a_failed_write_leaves_the_old_text(private_folders: Path,
                                                           monkeypatch) -> None:
    path = my_sessions.new_blank(1, "Walk")
    old = path.read_text()
    my_sessions.save_script(path, old + "\nMore.\n")
    assert path.read_text().endswith("More.\n")
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    def crash(*_a, **_k):  # the rename at the end of the write fails (a full disk, a kill)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(my_sessions.MySessionsError, match="could not be saved"):
        my_sessions.save_script(path, "half")
    assert path.read_text().endswith("More.\n")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left


def test_delete_removes_the_script_and_its_draft_only(private_folders: Path) -> None:
    keep = my_sessions.new_blank(1, "Keep")
    gone = my_sessions.new_blank(1, "Gone")
    drafts.save_draft(1, gone, "typed")
    assert my_sessions.list_made(1)[0].has_draft
    assert my_sessions.delete_made(1, gone) == [gone]
    assert not gone.exists() and keep.exists()
    assert drafts.load_draft(1, gone) is None
    with pytest.raises(my_sessions.MySessionsError):
        my_sessions.delete_made(2, keep)  # not that profile's
    assert keep.exists()


def test_a_draft_is_kept_privately_until_discarded(private_folders: Path) -> None:
    path = my_sessions.new_blank(3, "Walk")
    file = drafts.save_draft(3, path, "unsaved words")
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    assert oct(file.parent.stat().st_mode & 0o777) == "0o700"
    assert drafts.load_draft(3, path).text == "unsaved words"
    assert drafts.load_draft(4, path) is None  # drafts are per profile
    file.write_text("{ damaged")
    assert drafts.load_draft(3, path) is None  # ignored, not a crash
    drafts.save_draft(3, path, "again")
    assert [d.text for d in drafts.list_drafts(3)] == ["again"]
    drafts.discard_draft(3, path)
    assert drafts.load_draft(3, path) is None
