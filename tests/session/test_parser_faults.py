"""Faults found by fuzzing the parser (issue 11): each input once gave a traceback, Python's own
words, or no file:line. Every problem now reads ``path:line[:column]: message`` in plain words."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mit_desktop.session.errors import SessionError
from mit_desktop.session.limits import MAX_CUE_MS, MAX_PROBLEMS
from mit_desktop.session.model import Pause
from mit_desktop.session.parser import parse_session, parse_text

HEAD = '+++\nid = "t"\ntitle = "T"\n+++\n'
BODY = 5  # first body line
PYTHON_WORDS = re.compile(r"invalid literal|Exceeds the limit|embedded null|Errno|"
                          r"recursion|Symlink loop|cannot convert")


def problems(text: str, path: Path) -> list[str]:
    with pytest.raises(SessionError) as info:
        parse_text(text, path)
    found = [str(p) for p in info.value.problems]
    for line in found:
        assert re.match(rf"{re.escape(str(path))}:\d+(:\d+)?: \S", line), line
        assert not PYTHON_WORDS.search(line), line
    return found


def script_problems(path: Path) -> list[str]:
    with pytest.raises(SessionError) as info:
        parse_session(path)
    found = [str(p) for p in info.value.problems]
    for line in found:
        assert line.startswith(f"{path}:1: "), line
        assert not PYTHON_WORDS.search(line), line
    return found


# -- tracebacks ------------------------------------------------------------------------


@pytest.mark.parametrize("directive", ["[pause {}s]", "[pause {}m]", "[reflect {}s note: Why?]",
                                       "[pause 1m{}s]"])
def test_a_duration_of_309_digits_is_refused_at_its_line(tmp_path: Path, directive: str) -> None:
    # was: OverflowError (float('1e309') is inf, round(inf) fails)
    found = problems(HEAD + directive.format("9" * 309) + "\n", tmp_path / "s.session.md")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 's.session.md'}:{BODY}:")
    assert "far too long" in found[0]


@pytest.mark.parametrize("value", ["[" * 2000 + "]" * 2000, "{a = " * 2000 + "1" + "}" * 2000])
def test_deeply_nested_front_matter_is_refused(tmp_path: Path, value: str) -> None:
    # was: RecursionError from tomllib
    text = '+++\nid = "t"\ntitle = "T"\ndeep = ' + value + "\n+++\nHello.\n"
    found = problems(text, tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:4: the front matter has lists or tables nested "
                     "too deeply; use only the simple 'key = value' lines shown in the documentation"]


@pytest.mark.parametrize("clip", ["a" * 5000 + ".wav", "b" * 300 + ".wav", "d/" * 3000 + "x.wav"])
def test_a_very_long_clip_path_is_refused(tmp_path: Path, clip: str) -> None:
    # was: OSError: [Errno 36] File name too long
    found = problems(HEAD + f"[clip {clip}]\n", tmp_path / "s.session.md")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 's.session.md'}:{BODY}:7: ")
    assert "characters long; a path may have at most 4,096" in found[0] or "too long" in found[0]


def test_a_clip_that_is_a_loop_of_symbolic_links_is_named_as_such(tmp_path: Path) -> None:
    # was: RuntimeError: Symlink loop
    os.symlink("b.wav", tmp_path / "a.wav")
    os.symlink("a.wav", tmp_path / "b.wav")
    found = problems(HEAD + "[clip a.wav]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY}:7: the clip file a.wav cannot be used: "
                     "its symbolic links point at each other in a loop, so it leads to no file"]


def test_a_script_that_is_a_loop_of_symbolic_links_is_named_as_such(tmp_path: Path) -> None:
    os.symlink("b.session.md", tmp_path / "a.session.md")
    os.symlink("a.session.md", tmp_path / "b.session.md")
    assert "loop" in script_problems(tmp_path / "a.session.md")[0]


# -- Python's own words -------------------------------------------------------------------


def test_a_front_matter_number_of_5000_digits_has_a_line(tmp_path: Path) -> None:
    # was: "mit-desktop: Exceeds the limit (4300 digits) ..." with no file:line
    text = '+++\nid = "t"\ntitle = "T"\nminutes = ' + "9" * 5000 + "\n+++\nHello.\n"
    found = problems(text, tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:4: the front matter has a number far too long "
                     "to be meant; write a short number such as 20"]


@pytest.mark.parametrize("token", ["²", "¹²", "٣", "３"])
def test_a_bell_count_in_other_digits_is_refused_in_words(tmp_path: Path, token: str) -> None:
    # was: "invalid literal for int() with base 10: '²'" ('²'.isdigit() is True)
    found = problems(HEAD + f"[bell {token}]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY}:7: '{token}' is not a number of strikes; "
                     "write 1 to 12 with the digits 0-9"]


def test_a_bell_count_of_5000_digits_is_refused_in_words(tmp_path: Path) -> None:
    found = problems(HEAD + f"[bell {'7' * 5000}]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY}:7: a bell can strike 1 to 12 times"]


def test_a_clip_time_of_5000_digits_is_refused_in_words(tmp_path: Path) -> None:
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    found = problems(HEAD + f"[clip a.wav from {'1' * 5000}:00]\n", tmp_path / "s.session.md")
    assert len(found) == 1 and "far too long to be a time" in found[0]


def test_a_nul_character_in_a_clip_path_is_refused_in_words(tmp_path: Path) -> None:
    # was: "mit-desktop: embedded null byte" with no file:line
    found = problems(HEAD + "[clip a\x00b.wav]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY}:7: a clip path cannot contain a NUL "
                     "character (\\x00); retype the file name"]


# -- bounds ------------------------------------------------------------------------------


def test_a_pause_may_last_at_most_an_hour(tmp_path: Path) -> None:
    # was: [pause 999999999999m] validated, and render wrote 5.8 GB in 60 s
    session = parse_text(HEAD + "[pause 60m]\n", tmp_path / "s.session.md")
    assert session.cues == (Pause(MAX_CUE_MS, BODY),)
    for text in ("[pause 999999999999m]", "[pause 61m]", "[reflect 3601s note: Why?]"):
        found = problems(HEAD + text + "\n", tmp_path / "s.session.md")
        assert len(found) == 1 and "may last at most 60 minutes" in found[0], found


def test_a_session_may_last_at_most_four_hours(tmp_path: Path) -> None:
    parse_text(HEAD + "[pause 60m]\n" * 4, tmp_path / "s.session.md")
    found = problems(HEAD + "[pause 60m]\n" * 4 + "[bell]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY + 4}: by this line the session lasts more "
                     "than 4 hours; a session may last at most 4 hours (pauses, reflections, "
                     "bells, recordings and speech together)"]


@pytest.mark.parametrize("value", ["nan", "inf", "1e999", "241", "0"])
def test_minutes_must_be_a_sensible_number(tmp_path: Path, value: str) -> None:
    text = f'+++\nid = "t"\ntitle = "T"\nminutes = {value}\n+++\nHello.\n'
    found = problems(text, tmp_path / "s.session.md")
    assert len(found) == 1 and "at most 240" in found[0]


def test_checking_stops_after_a_hundred_problems(tmp_path: Path) -> None:
    # was: 900,000 bad lines took 21 s and 527 MB, every one reported
    found = problems(HEAD + "[paus 8s]\n" * 5000, tmp_path / "s.session.md")
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].endswith("stopped checking after 100 problems; correct these and check the "
                              "file again")


def test_a_line_of_a_million_characters_is_refused_not_parsed(tmp_path: Path) -> None:
    found = problems(HEAD + "[clip a" + " " * 1_000_000 + "b]\n", tmp_path / "s.session.md")
    assert found == [f"{tmp_path / 's.session.md'}:{BODY}: this line is 1,000,009 characters long; "
                     "a line may have at most 10,000 (split a long paragraph into several lines)"]


def test_a_clip_line_with_long_runs_of_spaces_is_read_like_a_short_one(tmp_path: Path) -> None:
    # the clip directive's regular expression backtracked quadratically on runs of spaces
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    spaces = " " * 3000
    session = parse_text(HEAD + f"[clip a.wav{spaces}from{spaces}0:01{spaces}to  0:02]\n",
                         tmp_path / "s.session.md")
    clip = session.clips[0]
    assert (clip.path.name, clip.from_us, clip.to_us) == ("a.wav", 1_000_000, 2_000_000)


# -- files that are not scripts --------------------------------------------------------------


def test_a_folder_is_not_a_script(tmp_path: Path) -> None:
    assert script_problems(tmp_path) == [f"{tmp_path}:1: this is a folder, not a session script"]


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    # was: validate /dev/zero read for ever
    link = tmp_path / "zero.session.md"
    os.symlink("/dev/zero", link)
    assert script_problems(link) == [f"{link}:1: this is a device, not a session script (that is "
                                     "an ordinary text file)"]


def test_a_named_pipe_is_refused_without_opening_it(tmp_path: Path) -> None:
    # was: open() blocked for ever waiting for a writer
    fifo = tmp_path / "p.session.md"
    os.mkfifo(fifo)
    assert script_problems(fifo) == [f"{fifo}:1: this is a named pipe (FIFO), not a session "
                                     "script (that is an ordinary text file)"]


def test_a_script_over_one_megabyte_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.session.md"
    big.write_bytes((HEAD + "[paus 8s]\n" * 200_000).encode())
    assert script_problems(big) == [f"{big}:1: the file is 2.0 MB; a session script may be at "
                                    "most 1 MB"]


def test_a_clip_that_is_a_folder_fifo_or_device_is_not_called_missing(tmp_path: Path) -> None:
    (tmp_path / "dir.wav").mkdir()
    os.mkfifo(tmp_path / "pipe.wav")
    os.symlink("/dev/zero", tmp_path / "zero.wav")
    text = HEAD + "[clip dir.wav]\n[clip pipe.wav]\n[clip zero.wav]\n"
    found = problems(text, tmp_path / "s.session.md")
    assert [line.split(": ", 1)[1] for line in found] == [
        "the clip dir.wav is a folder, not a recording; name an audio file (WAV, FLAC, MP3, OGG, M4A)",
        "the clip pipe.wav is a named pipe (FIFO), not a recording; name an audio file (WAV, "
        "FLAC, MP3, OGG, M4A)",
        "the clip zero.wav is a device, not a recording; name an audio file (WAV, FLAC, MP3, OGG, "
        "M4A)",
    ]


def test_a_recording_of_no_length_is_blamed_not_its_labels(tmp_path: Path) -> None:
    # was: "label at 1.0 s is past the end of the recording (0.0 s)" at the label file
    from mit_desktop.session.labels import Label, recording_script

    audio = tmp_path / "talk.mp3"
    with pytest.raises(SessionError) as info:
        recording_script(audio, [Label(1_000_000, 1_000_000, "What?", 1)],
                         tmp_path / "talk.session.md", 0)
    assert [str(p) for p in info.value.problems] == [
        f"{audio}:1: this recording has no audio that can be played (its length reads as 0 s, so "
        "it is probably damaged); copy or export it again"]
