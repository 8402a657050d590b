"""A new script from a module's template keeps the module's structure and every safety line,
parses, and passes the strict text checks; it never overwrites a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop import paths
from mit_desktop.cli.main import main
from mit_desktop.content.session_template import TemplateError, template_modules, write_template
from mit_desktop.session.model import Bell, Heading, Paragraph, Pause, Reflect
from mit_desktop.session.parser import parse_session
from mit_desktop.session.strict import is_grounding, text_problems
from mit_desktop.session.text import split_sentences


def _bundled(module: str):
    return next(s for s in (parse_session(p) for p in paths.sessions_dir().glob("*.session.md"))
                if s.module == module)


def _structure(session) -> list:
    return [(type(c).__name__, getattr(c, "title", None), getattr(c, "duration_ms", None),
             getattr(c, "prompt", None)) for c in session.cues
            if isinstance(c, (Heading, Pause, Bell, Reflect))]


@pytest.mark.parametrize("module", template_modules())
def test_each_module_template_keeps_structure_and_safety_lines(module: str, tmp_path: Path) -> None:
    bundled = _bundled(module)
    made = write_template(module, tmp_path / "mine.session.md")
    assert made.id == "mine" and made.module == module and made.safety == bundled.safety
    assert _structure(made) == _structure(bundled)
    spoken = " ".join(c.text for c in made.cues if isinstance(c, Paragraph))
    grounding = [s for p in bundled.cues if isinstance(p, Paragraph)
                 for s in split_sentences(p.text) if is_grounding(s)]
    assert grounding and all(s in spoken for s in grounding)
    assert text_problems(made) == []
    assert "// Write here" in (tmp_path / "mine.session.md").read_text(encoding="utf-8")


def test_the_cli_writes_a_template_and_never_overwrites(tmp_path: Path, capsys) -> None:
    out = tmp_path / "evening.session.md"
    assert main(["new-session", "--template", "bam", "-o", str(out), "--title", "Evening"]) == 0
    assert parse_session(out).title == "Evening"
    out.write_text("my words", encoding="utf-8")
    assert main(["new-session", "--template", "bam", "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "my words"
    with pytest.raises(TemplateError, match="no MIT module called"):
        write_template("nonsense", tmp_path / "x.session.md")
