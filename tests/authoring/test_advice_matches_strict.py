"""The editor's problems and advice say what ``mit-desktop validate --strict`` prints for the
same file, line for line (``file:line[:column]: message``): for every bundled session, every
studio template, and scripts with a fault of each kind the strict checks look for."""

from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop import paths
from mit_desktop.authoring.checks import ADVICE, ERROR, check_text
from mit_desktop.cli import main
from mit_desktop.content.session_template import template_modules, write_template

HEAD = '+++\nid = "mine"\ntitle = "Mine"\n+++\n\n'
LONG = ("When you are ready and only when it feels right for you today let your attention "
        "move slowly from your breath to the sounds of the room around you.")
FAULTY = {
    # eyes closed for six minutes with no grounding or exit line
    "missing grounding reminder": HEAD + "# Rest\n\nLet your eyes close.\nRest with the "
                                         "picture.\n[pause 3m]\nStay with it.\n[pause 3m]\n"
                                         "Now let your eyes open.\n",
    "unspoken reflection question": HEAD + "Notice how your body feels.\n"
                                           "[reflect 20s note: What is there?]\n",
    "over-long sentence": HEAD + f"{LONG}\nYou can stop at any time.\n",
    "syntax error": HEAD + "# Start\n\nHello there.\n[paws 5s]\n[pause 2 seconds]\n",
    "pause inside the narration": HEAD + "Rest here. [pause 2s] Come back.\n",
}


def cli_says(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What ``mit-desktop validate --strict PATH`` prints about the file (nothing: it passed)."""
    code = main(["validate", "--strict", str(path)])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == (1 if lines else 0), (out, err)
    return lines


def editor_says(path: Path) -> list[str]:
    """The problems, then the advice, the editor lists for the file's text once its check on
    real speech is done."""
    result = check_text(path.read_text(encoding="utf-8"), path, exact=True)
    assert result.exact
    assert all(f.kind == ERROR for f in result.errors)
    assert all(f.kind == ADVICE for f in result.advice)
    return [f.text for f in result.errors + result.advice]


@pytest.mark.parametrize("name", sorted(p.name for p in paths.sessions_dir().glob("*.session.md")))
def test_bundled_sessions(name: str, capsys) -> None:
    path = paths.sessions_dir() / name
    assert editor_says(path) == cli_says(path, capsys)


@pytest.mark.parametrize("module", template_modules())
def test_studio_templates(module: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / f"my-{module}.session.md"
    write_template(module, path)
    assert editor_says(path) == cli_says(path, capsys)


@pytest.mark.parametrize("fault", sorted(FAULTY))
def test_faulty_scripts(fault: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.session.md"
    path.write_text(FAULTY[fault], encoding="utf-8")
    cli = cli_says(path, capsys)
    assert cli, "each of these scripts has something validate --strict reports"
    assert editor_says(path) == cli


def test_the_estimate_shown_at_once_gives_the_same_advice_marked_about(tmp_path: Path,
                                                                       capsys) -> None:
    """Before its check on real speech, the editor shows the eyes-closed advice measured on
    estimated speech lengths: the same finding on the same line, its times marked "about"."""
    path = tmp_path / "mine.session.md"
    path.write_text(FAULTY["missing grounding reminder"], encoding="utf-8")
    quick = check_text(path.read_text(encoding="utf-8"), path)
    assert not quick.exact
    cli = cli_says(path, capsys)
    assert len(quick.advice) == len(cli) == 1
    assert quick.advice[0].text.startswith(f"{path}:13: ")
    assert cli[0].startswith(f"{path}:13: ")
    assert "of eyes-closed practice" in quick.advice[0].text and "(at about " in quick.advice[0].text
    assert "(at about " not in cli[0]
