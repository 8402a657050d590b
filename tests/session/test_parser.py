from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop.session.durations import (
    format_clock_ms,
    format_clock_us,
    parse_clip_time_ms,
    parse_clip_time_us,
    parse_duration_ms,
    seconds_to_us,
    us_to_sample,
)
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import (
    Ambience,
    Bell,
    Clip,
    Heading,
    Paragraph,
    Pause,
    RateChange,
    Reflect,
    VoiceChange,
)
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.text import split_sentences, substitute

HEAD = '+++\nid = "t"\ntitle = "T"\n[variables]\nloved_one = "the person you care for"\n+++\n'
BODY_START = 7  # first body line number after HEAD


def problems_of(text: str, path: Path = Path("/tmp/t.session.md")) -> list[str]:
    with pytest.raises(SessionError) as info:
        parse_text(text, path)
    return [str(p) for p in info.value.problems]


def test_format_doc_example_parses_into_its_cues(format_doc_example: str) -> None:
    session = parse_text(format_doc_example, Path("/tmp/nesting-doll.session.md"))
    assert (session.id, session.title, session.module, session.minutes) == (
        "nesting-doll", "Nesting Doll", "nesting-doll", 22)
    assert session.variables["loved_one"] == "the person you care for"
    kinds = [type(c) for c in session.cues]
    assert kinds == [Heading, Ambience, Bell, Paragraph, Pause, Heading, Paragraph, Reflect,
                     Paragraph, Reflect, Bell, Ambience]
    first_reflect = session.reflections[0]
    assert first_reflect.duration_ms == 40_000 and first_reflect.inputs == ("body-map",)
    assert session.reflections[1].inputs == ("note", "rating")
    assert session.cues[-2] == Bell("bowl", 3, session.cues[-2].line)
    assert session.cues[-1].name is None
    # the comment line is not narration
    assert all("comment" not in c.text for c in session.cues if isinstance(c, Paragraph))


def test_consecutive_lines_join_and_blank_line_ends_paragraph() -> None:
    session = parse_text(HEAD + "One line\nand the next.\n\nA new one.\n", Path("/tmp/a.session.md"))
    paragraphs = [c for c in session.cues if isinstance(c, Paragraph)]
    assert [p.text for p in paragraphs] == ["One line and the next.", "A new one."]
    assert paragraphs[0].line == BODY_START


def test_every_directive_form() -> None:
    text = HEAD + "\n".join([
        "[pause 1m30s]", "[bell chime 2]", "[bell 3]", "[ambience rain 20%]", "[ambience off]",
        "[voice en_US-joe-medium]", "[rate 0.8]", "[reflect note: Notice.]",
    ]) + "\n"
    cues = parse_text(text, Path("/tmp/a.session.md")).cues
    assert cues[0] == Pause(90_000, BODY_START)
    assert (cues[1].sound, cues[1].strikes) == ("chime", 2)
    assert (cues[2].sound, cues[2].strikes) == ("bowl", 3)
    assert (cues[3].name, cues[3].level_percent) == ("rain", 20)
    assert cues[4].name is None
    assert isinstance(cues[5], VoiceChange) and cues[5].voice_id == "en_US-joe-medium"
    assert isinstance(cues[6], RateChange) and cues[6].rate == 0.8
    assert cues[7].duration_ms == 30_000 and cues[7].inputs == ("note",)


def test_clip_paths_resolve_against_the_script_and_times_parse(tmp_path: Path) -> None:
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "my talk.wav").write_bytes(b"RIFF")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "[clip rec/my talk.wav from 0:05 to 1:20.5]\n", encoding="utf-8")
    clip = parse_session(script).cues[0]
    assert isinstance(clip, Clip)
    assert clip.path == (tmp_path / "rec" / "my talk.wav").resolve()
    assert (clip.from_us, clip.to_us) == (5_000_000, 80_500_000)


@pytest.mark.parametrize("text, expected_ms", [
    ("500ms", 500), ("8s", 8_000), ("1.5s", 1_500), ("2m", 120_000), ("1m30s", 90_000)])
def test_durations(text: str, expected_ms: int) -> None:
    assert parse_duration_ms(text) == expected_ms


@pytest.mark.parametrize("text", ["", "8", "8 s", "-3s", "1h", "s", "1.2.3s"])
def test_bad_durations_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration_ms(text)


@pytest.mark.parametrize("text, expected_ms", [
    ("0:05", 5_000), ("1:20.5", 80_500), ("1:02:03", 3_723_000), ("0:00:01.250", 1_250), ("1m5s", 65_000)])
def test_clip_times_and_their_inverse(text: str, expected_ms: int) -> None:
    assert parse_clip_time_ms(text) == expected_ms
    assert parse_clip_time_ms(format_clock_ms(expected_ms)) == expected_ms


@pytest.mark.parametrize("text, expected_us", [
    ("0:01.234567", 1_234_567), ("1:00:00.000001", 3_600_000_001), ("1.234567s", 1_234_567),
    ("0:00.5", 500_000)])
def test_clip_times_keep_microseconds_and_their_inverse(text: str, expected_us: int) -> None:
    assert parse_clip_time_us(text) == expected_us
    assert parse_clip_time_us(format_clock_us(expected_us)) == expected_us


def test_label_seconds_are_exact_and_samples_round_to_the_nearest() -> None:
    assert seconds_to_us("12.345678") == 12_345_678 and seconds_to_us("0,5") == 500_000
    assert us_to_sample(3_250_000, 22_050) == 71_663  # 71,662.5: halves round up
    assert us_to_sample(1_000_001, 22_050) == 22_050 and us_to_sample(1_000_023, 22_050) == 22_051
    with pytest.raises(ValueError):
        seconds_to_us("soon")


def test_all_problems_are_reported_at_once_with_line_and_column(tmp_path: Path) -> None:
    text = HEAD + "\n".join([
        "[paus 8s]",                # 7: unknown directive, suggestion
        "[pause 8 seconds]",        # 8: bad duration
        "Hello {lovedone}.",        # 9: unknown variable
        "[reflect 40s note]",       # 10: no prompt
        "[clip missing.wav]",       # 11: missing file
        "[reflect 40s bodymap: Where?]",  # 12: unknown input, suggestion
    ]) + "\n"
    found = problems_of(text, tmp_path / "x.session.md")
    path = tmp_path / "x.session.md"
    assert found[0] == f"{path}:7:2: unknown directive 'paus'; did you mean 'pause'?"
    assert found[1].startswith(f"{path}:8:")
    assert f"{path}:9:7: unknown variable '{{lovedone}}'; did you mean 'loved_one'?" in found
    assert any(p.startswith(f"{path}:10:") and "needs a prompt" in p for p in found)
    assert any(p.startswith(f"{path}:11:") and "clip file not found" in p for p in found)
    assert any(p.startswith(f"{path}:12:") and "did you mean 'body-map'" in p for p in found)
    assert len(found) == 6


@pytest.mark.parametrize("text, fragment", [
    ('+++\nid = "a"\ntitle = "b"\n', "1:1: unterminated front matter"),
    ("Hello\n", "1:1: the file must start with a line '+++'"),
    ('+++\ntitle = "b"\n+++\n', "front matter is missing the required key 'id'"),
    ('+++\nid = "a"\n+++\n', "front matter is missing the required key 'title'"),
    ('+++\nid = "a"\ntitle = "b"\nsumary = "c"\n+++\n', "4:1: unknown front-matter key 'sumary'; did you mean 'summary'?"),
    ('+++\nid = "A b"\ntitle = "b"\n+++\n', "2:1: id 'A b' may use only lowercase"),
    ('+++\nid = "a"\ntitle = "b"\nmodule = "nesting-dol"\n+++\n', "did you mean 'nesting-doll'?"),
    ('+++\nid = "a"\ntitle = b\n+++\n', "3:"),
    ('+++\nid = "a"\ntitle = "b"\n+++\n[reflect 30s: ]\n', "5:10: a reflection needs a prompt"),
    ('+++\nid = "a"\ntitle = "b"\n+++\n[pause 8s\n', "directive must end with ']'"),
    ('+++\nid = "a"\ntitle = "b"\n+++\nA { brace.\n', "a lone '{'"),
])
def test_each_kind_of_problem_names_its_place(text: str, fragment: str) -> None:
    found = problems_of(text)
    assert any(fragment in p for p in found), found
    assert all(p.startswith("/tmp/t.session.md:") for p in found)


def test_non_utf8_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.session.md"
    path.write_bytes((HEAD + "Caf\xe9 au lait.\n").encode("latin-1"))
    with pytest.raises(SessionError) as info:
        parse_session(path)
    assert str(info.value) == f"{path}:7:4: the file is not UTF-8 text; save it as UTF-8 in your editor"


def test_missing_file_is_a_session_error(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="file not found"):
        parse_session(tmp_path / "nope.session.md")


def test_session_version_is_the_hash_of_its_bytes() -> None:
    a = parse_text(HEAD + "One.\n", Path("/tmp/a.session.md"))
    b = parse_text(HEAD + "Two.\n", Path("/tmp/a.session.md"))
    assert a.content_sha256 != b.content_sha256 and len(a.content_sha256) == 64


def test_model_is_immutable() -> None:
    session = parse_text(HEAD + "One.\n", Path("/tmp/a.session.md"))
    with pytest.raises(AttributeError):
        session.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        session.variables["loved_one"] = "x"  # type: ignore[index]


def test_sentence_splitting() -> None:
    assert split_sentences("Breathe in. Breathe out!  Is it easy? Dr. Smith waits.") == [
        "Breathe in.", "Breathe out!", "Is it easy?", "Dr. Smith waits."]
    assert split_sentences("No ending punctuation") == ["No ending punctuation"]
    assert split_sentences('She said "rest." Then you rest.') == ['She said "rest."', "Then you rest."]


def test_substitution_and_literal_braces() -> None:
    assert substitute("Hi {name}, {{x}}.", {"name": "Ann"}) == "Hi Ann, {x}."
    with pytest.raises(KeyError):
        substitute("{who}", {})


def test_every_directive_of_the_vocabulary_has_one_handler() -> None:
    """The directive handlers are a table (session/directives.py), not methods found by name:
    every directive of the vocabulary has one, and nothing else has."""
    from mit_desktop.session import vocabulary
    from mit_desktop.session.directives import HANDLERS

    assert set(HANDLERS) == set(vocabulary.DIRECTIVES)
