"""The editor's live checks say exactly what ``mit-desktop validate`` says, line for line,
for the same text (several broken scripts), with line and column for the underline; a
valid script gets the strict safety checks as advice, not errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.authoring.checks import ADVICE, ERROR, check_text
from mit_desktop.cli import main

HEAD = '+++\nid = "mine"\ntitle = "Mine"\n+++\n\n'

BROKEN = {
    "unknown directive": HEAD + "# Start\n\nHello there.\n[paws 5s]\n[bel]\n",
    "bad duration": HEAD + "[pause 5 seconds]\nHello.\n[reflect 4x note: What now?]\n",
    "unknown variable and key": '+++\nid = "mine"\ntitle = "Mine"\nmodul = "x"\n+++\n\n'
                                "Hello {loved_on}.\n",
    "unterminated front matter": '+++\nid = "mine"\ntitle = "Mine"\n\nHello.\n',
    "reflection without prompt": HEAD + "Hello?\n[reflect 30s note]\n[ambience stream]\n",
    "missing clip": HEAD + "[clip nothere.wav]\nHello.\n",
    "clip past its end": HEAD + "[clip short.wav from 0:00 to 0:09]\n",
}


def cli_lines(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    return err.strip().splitlines()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_editor_reports_what_the_cli_reports(case: str, private_folders: Path,
                                                 tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.session.md"
    sf.write(tmp_path / "short.wav", np.zeros(16_000 * 2, np.float32), 16_000)
    path.write_text(BROKEN[case], encoding="utf-8")
    expected = cli_lines(path, capsys)
    result = check_text(BROKEN[case], path)
    assert [f.text for f in result.errors] == expected
    assert all(f.kind == ERROR and f.line >= 1 for f in result.errors)
    assert result.advice == ()


def test_columns_and_suggestions_are_kept_for_the_underline(tmp_path: Path) -> None:
    text = BROKEN["unknown directive"]
    result = check_text(text, tmp_path / "mine.session.md")
    first = result.errors[0]
    assert (first.line, first.column) == (9, 2)  # the name inside "[paws 5s]"
    assert "did you mean 'pause'?" in first.text
    assert text.split("\n")[first.line - 1][first.column - 1:].startswith("paws")


def test_a_valid_script_gets_the_strict_checks_as_advice(private_folders: Path,
                                                         tmp_path: Path) -> None:
    long = " ".join(["word"] * 30) + "."
    text = HEAD + f"Let your eyes close.\n{long}\n[reflect 20s note: What is there?]\n"
    result = check_text(text, tmp_path / "mine.session.md")
    assert result.errors == ()
    assert result.session is not None
    kinds = {f.kind for f in result.advice}
    assert kinds == {ADVICE}
    texts = " ".join(f.text for f in result.advice)
    assert "has 30 words (at most 22)" in texts
    assert "no spoken question before the reflection" in texts


def test_a_long_eyes_closed_stretch_is_advised_from_the_estimate(private_folders: Path,
                                                                  tmp_path: Path) -> None:
    text = HEAD + "Let your eyes close.\n[pause 4m]\n[pause 2m]\nOpen your eyes.\n"
    advice = check_text(text, tmp_path / "mine.session.md").advice
    assert len(advice) == 1
    assert "of eyes-closed practice" in advice[0].text and "(at about 0:" in advice[0].text
