"""Tidying a script's recordings: replaced takes, takes and clips of deleted paragraphs are
proposed and removed; what the saved script, another script of the folder or a draft uses,
and takes still to choose from, never are; nothing outside the script's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from recording.arriving_script import SCRIPT
from recording.synthetic import RATE, recording

from mit_desktop.recording.paragraphs import TakeFolder, apply_takes, keep_take, script_paragraphs
from mit_desktop.recording.tidy import (
    EARLIER_TAKE,
    GONE_PARAGRAPH,
    UNPLAYED_CLIP,
    TidyProblem,
    remove_unused,
    size_words,
    unused_recordings,
)


def take(folder: TakeFolder, key: str) -> Path:
    path = folder.new_take_path(key)
    sf.write(str(path), recording([("pause", 300), ("voice", 900), ("pause", 300)]), RATE,
             subtype="PCM_16")
    return path


def recorded(script: Path) -> tuple[TakeFolder, dict[str, Path]]:
    """Paragraph 1 recorded twice (take 2 kept and put into the script), paragraph 2 twice
    (not put in yet), paragraph 3 once and then deleted from the script."""
    folder = TakeFolder(script)
    first, second, third = script_paragraphs(script)
    files = {"p1t1": take(folder, first.key), "p1t2": take(folder, first.key),
             "p2t1": take(folder, second.key), "p2t2": take(folder, second.key),
             "p3t1": take(folder, third.key)}
    files["p1clip"] = keep_take(folder, first, files["p1t2"]).path
    files["p3clip"] = keep_take(folder, third, files["p3t1"]).path
    apply_takes(script, {1: files["p1clip"], 3: files["p3clip"]})
    text = script.read_text(encoding="utf-8")  # the therapist deletes paragraph 3 (and its clip)
    start = text.index("// recorded: Bring your attention")
    script.write_text(text[:start], encoding="utf-8")
    return folder, files


def test_replaced_takes_and_a_deleted_paragraphs_recordings_are_proposed(script: Path) -> None:
    _folder, files = recorded(script)
    unused = {u.path: u for u in unused_recordings(script)}
    assert set(unused) == {files["p1t1"], files["p1t2"], files["p3t1"], files["p3clip"]}
    assert unused[files["p1t1"]].why == EARLIER_TAKE
    assert unused[files["p3t1"]].why == GONE_PARAGRAPH
    assert unused[files["p3clip"]].why == UNPLAYED_CLIP
    assert unused[files["p3clip"]].size_bytes == files["p3clip"].stat().st_size + \
        files["p3clip"].with_suffix(".txt").stat().st_size
    # the clip the script plays, and the takes of a paragraph still to read, are not
    assert files["p1clip"] not in unused and files["p2t1"] not in unused

    removed = remove_unused(script, list(unused))
    assert not any(p.exists() for p in unused)
    assert not files["p3clip"].with_suffix(".txt").exists()  # the captions went with it
    assert set(removed) == set(unused) | {files["p3clip"].with_suffix(".txt")}
    for kept in ("p1clip", "p2t1", "p2t2"):
        assert files[kept].exists()
    assert files["p1clip"].with_suffix(".txt").exists()
    assert unused_recordings(script) == []


def test_a_recording_another_script_or_a_draft_plays_is_kept(script: Path) -> None:
    _folder, files = recorded(script)
    rel = files["p3clip"].relative_to(script.parent).as_posix()
    other = script.parent / "copy-of-arriving.session.md"  # a duplicate, with its own id
    other.write_text(SCRIPT.replace('id = "my-arriving"', 'id = "copy-of-arriving"')
                     + f"\n[clip {rel}]\n", encoding="utf-8")
    assert files["p3clip"] not in {u.path for u in unused_recordings(script)}
    other.unlink()
    draft = script.read_text(encoding="utf-8") + f"\n[clip {rel}]\n"
    assert files["p3clip"] not in {u.path for u in unused_recordings(script, [draft])}
    # asked to remove it anyway (the list was shown before the draft named it): kept
    assert remove_unused(script, [files["p3clip"]], [draft]) == []
    assert files["p3clip"].exists()


def test_nothing_outside_the_scripts_own_recordings_is_touched(script: Path) -> None:
    folder, files = recorded(script)
    elsewhere = script.parent / "recordings" / "someone-else"
    elsewhere.mkdir()
    stray = [elsewhere / "old-take-t1.wav", script.parent / "recordings" / "whole-take.wav",
             folder.folder / "My notes.wav", folder.takes_folder / "notes.txt"]
    for path in stray:
        path.write_bytes(b"RIFF")
    link = folder.takes_folder / "linked-abc123-t9.wav"
    link.symlink_to(stray[0])
    unused = [u.path for u in unused_recordings(script)]
    assert not set(unused) & {*stray, link}
    remove_unused(script, [*unused, *stray, link])
    assert all(p.exists() for p in stray) and link.is_symlink()


def test_an_unreadable_script_beside_it_stops_the_tidy(script: Path) -> None:
    recorded(script)
    (script.parent / "broken.session.md").write_bytes(b"\xff\xfe not text")
    with pytest.raises(TidyProblem, match="broken.session.md could not be read"):
        unused_recordings(script)


def test_sizes_are_said_as_a_person_says_them() -> None:
    assert size_words(820_000) == "820 KB"
    assert size_words(3_420_000) == "3.4 MB"
    assert size_words(10) == "1 KB"
