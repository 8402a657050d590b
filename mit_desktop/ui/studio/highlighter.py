"""Colours for the session format in the script editor: the front matter between the
``+++`` lines, headings, directives (their name in bold), comments, and ``{variables}``
in narration. Line kinds come from :mod:`mit_desktop.authoring.lines`, as the parser reads
them; colours from the theme applied (normal or high contrast)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from mit_desktop.authoring.lines import COMMENT, DIRECTIVE, FENCE, HEADING, TEXT, classify_line
from mit_desktop.ui.theme import colours

_IN_FRONT, _IN_BODY = 1, 2
_VARIABLE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class ScriptHighlighter(QSyntaxHighlighter):
    """Colours one script document (see module docstring). Each block remembers whether it
    is inside the front matter, so typing anywhere re-colours only what changed."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.refresh_colours()

    def refresh_colours(self) -> None:
        """Take the theme's colours (after the theme changed) and colour everything again."""
        c = colours()
        self.formats = {
            "front": _format(c.muted),
            HEADING: _format(c.accent, bold=True),
            COMMENT: _format(c.muted, italic=True),
            DIRECTIVE: _format(c.accent),
            "name": _format(c.accent, bold=True),
            "variable": _format(c.accent, italic=True),
        }
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        previous = self.previousBlockState()
        first = self.currentBlock().blockNumber() == 0
        if first and text.strip() == FENCE:
            self.setCurrentBlockState(_IN_FRONT)
            self.setFormat(0, len(text), self.formats["front"])
            return
        if previous == _IN_FRONT:
            self.setFormat(0, len(text), self.formats["front"])
            self.setCurrentBlockState(_IN_BODY if text.strip() == FENCE else _IN_FRONT)
            return
        self.setCurrentBlockState(_IN_BODY)
        kind, span = classify_line(text)
        if kind in (HEADING, COMMENT, DIRECTIVE):
            self.setFormat(0, len(text), self.formats[kind])
        if kind == DIRECTIVE and span is not None:
            self.setFormat(span[0], span[1] - span[0], self.formats["name"])
        if kind == TEXT:
            for match in _VARIABLE.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(),
                               self.formats["variable"])
