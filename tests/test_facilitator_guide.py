"""The printable facilitator guide: one page per program week, from the bundled data."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from mit_desktop.cli import main
from mit_desktop.content.facilitator_guide import build_guide, estimate_outline, render_html
from mit_desktop.content.module_training import load_module_training
from mit_desktop.content.program import load_program
from mit_desktop.session.parser import parse_session

PROGRAM = load_program()
TRAINING = load_module_training()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("week", range(1, PROGRAM.weeks + 1))
def test_each_week_has_its_practice_what_it_trains_timings_prompts_and_safety(week) -> None:
    guide = build_guide(week)
    page = render_html(guide)
    text = " ".join(_text(page).split())
    entries = PROGRAM.for_week(week)
    assert [p.title for p in guide.practices] == [e.title for e in entries]
    for entry in entries:
        training = TRAINING[entry.module]
        assert " ".join(training.trains.split()) in text
        assert 3 <= len(training.prompts) <= 4
        for prompt in training.prompts:
            assert html.escape(prompt, quote=False) in page
        session = parse_session(entry.path)
        for heading in session.headings:
            if heading.level == 1:
                assert html.escape(heading.title, quote=False) in page
        assert " ".join(session.safety.split()) in text  # read aloud before starting
    assert "Plan for the meeting" in text and "Discussion, with the prompts below" in text
    # the safety steps: screening, grounding, and the numbers
    for words in ("tried to end your life", "psychosis", "mania", "drinking heavily",
                  "violence, abuse or another trauma", "Feel your feet on the floor",
                  "Look around", "Breathe slowly", "open their eyes and stop"):
        assert words in text, words
    for number in ("988", "116 123", "13 11 14", "911", "999"):
        assert number in text, number
    assert "not been chosen yet" not in text
    assert "<script" not in page and "http" not in page  # self-contained, nothing fetched


def test_a_region_gives_only_its_numbers() -> None:
    text = _text(render_html(build_guide(2, "GB")))
    assert "If someone is in crisis (United Kingdom)" in text
    assert "116 123" in text and "988" not in text


def test_timings_are_close_to_the_measured_lengths() -> None:
    # rendered at the usual settings the bundled practices last 23 to 25.4 minutes (BAM
    # 2 to 4): the estimate stays within a minute and a half of that range
    for entry in PROGRAM.entries:
        duration_ms, sections, _n = estimate_outline(parse_session(entry.path))
        low, high = (2, 4) if entry.week is None else (23, 25.4)
        assert (low - 1.5) * 60_000 <= duration_ms <= (high + 1.5) * 60_000, entry.id
        starts = [s.start_ms for s in sections]
        assert starts == sorted(starts) and starts[0] == 0 and starts[-1] < duration_ms


def test_a_week_outside_the_program_is_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="The program has weeks 1 to 4; there is no week 5"):
        build_guide(5)


def test_the_command_line_writes_html(tmp_path: Path, capsys) -> None:
    out = tmp_path / "week2.html"
    assert main(["guide", "--week", "2", "-o", str(out), "--region", "AU"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Week 2 of 4: Nesting Doll" in page
    assert "13 11 14" in page and out.stat().st_mode & 0o077 == 0
    capsys.readouterr()
    assert main(["guide", "--week", "9", "-o", str(tmp_path / "x.html")]) == 1
    assert capsys.readouterr().err.strip() == ("mit-desktop guide: The program has weeks 1 to "
                                               "4; there is no week 9.")
    assert main(["guide", "--week", "1", "-o", str(tmp_path / "x.docx")]) == 1
    assert "must end in .html or .pdf" in capsys.readouterr().err
    assert main(["guide", "--week", "1"]) == 0
    assert "Week 1 of 4: Stretching and Breathing and Eye in the Center" in capsys.readouterr().out
