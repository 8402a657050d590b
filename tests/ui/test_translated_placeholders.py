"""One placeholder convention for translated text: ``tr("… {name} …").format(name=…)``.

The literal given to ``tr()``/``translate()`` is the translation key: an f-string or ``%``
formatting inside it makes a new key for every value (nothing is ever translated), and Qt's
``%1`` is the second convention this project dropped. The scan reads the source (no display).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mit_desktop

UI = Path(mit_desktop.__file__).parent / "ui"
QT_PLACEHOLDER = re.compile(r"%\d|%n\b")
TR_NAMES = {"tr", "translate"}


def _translated_text(call: ast.Call) -> ast.expr | None:
    """The text argument of a tr()/translate() call (translate's second), else None."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in TR_NAMES:
        return None
    index = 1 if name == "translate" else 0
    return call.args[index] if len(call.args) > index else None


def offending_calls(source: str) -> list[tuple[int, str]]:
    """(line, why) for each tr()/translate() whose text is an f-string, %-formatted, or
    holds a Qt %1 placeholder."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        text = _translated_text(node)
        if text is None:
            continue
        if isinstance(text, ast.JoinedStr):
            found.append((node.lineno, "an f-string"))
        elif isinstance(text, ast.BinOp) and isinstance(text.op, ast.Mod):
            found.append((node.lineno, "%-formatting"))
        elif isinstance(text, ast.Constant) and isinstance(text.value, str) \
                and QT_PLACEHOLDER.search(text.value):
            found.append((node.lineno, "a Qt %1 placeholder"))
    return found


def test_the_scan_finds_each_form_that_breaks_the_convention() -> None:
    source = '''
tr(f"Saved as {path}.")
self.tr("Saved as %s." % path)
QCoreApplication.translate("History", "Saved as %1.").replace("%1", path)
self.tr("Saved as {path}.").format(path=path)
tr("100 % of it")
'''
    assert offending_calls(source) == [(2, "an f-string"), (3, "%-formatting"),
                                       (4, "a Qt %1 placeholder")]


def test_translated_text_in_the_ui_uses_named_placeholders_and_format() -> None:
    problems = [f"{path.relative_to(UI.parent)}:{line}: {why} inside tr()"
                for path in sorted(UI.rglob("*.py"))
                for line, why in offending_calls(path.read_text(encoding="utf-8"))]
    assert not problems, ("write tr(\"… {name} …\").format(name=…) instead:\n"
                          + "\n".join(problems))
