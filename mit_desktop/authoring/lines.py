"""What each line of a session script is, as the parser reads it (format v1), for the
editor's colours and for finding the sentence, paragraph or section under the cursor.

:func:`classify_lines` gives every line a kind: FRONT (inside or on the ``+++`` fences of
the front matter), BLANK, COMMENT (``//``), HEADING (``#`` to ``######``), DIRECTIVE (``[…]``
alone on a line), or TEXT (narration: consecutive TEXT lines are one paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FRONT, BLANK, COMMENT, HEADING, DIRECTIVE, TEXT = (
    "front", "blank", "comment", "heading", "directive", "text")
FENCE = "+++"
_HEADING = re.compile(r"^(#{1,6})(\s+(.*))?$")
_DIRECTIVE_NAME = re.compile(r"\[\s*([A-Za-z-]+)")


@dataclass(frozen=True)
class ScriptLine:
    """Line ``number`` (1-based) of kind ``kind``; ``name_span`` (start, end) columns,
    0-based, of a directive's name (``reflect`` in ``[reflect 40s: …]``), else None."""

    number: int
    kind: str
    name_span: tuple[int, int] | None = None


def classify_line(line: str) -> tuple[str, tuple[int, int] | None]:
    """The kind of one body line (not front matter) and a directive's name span."""
    stripped = line.strip()
    if not stripped:
        return BLANK, None
    if stripped.startswith("//"):
        return COMMENT, None
    if _HEADING.match(stripped):
        return HEADING, None
    if stripped.startswith("["):
        match = _DIRECTIVE_NAME.match(line, len(line) - len(line.lstrip()))
        return DIRECTIVE, (match.start(1), match.end(1)) if match else None
    return TEXT, None


def front_matter_end(lines: list[str]) -> int:
    """The index of the line closing the front matter (0 when there is none: the first line
    is not ``+++``; len(lines) when it is never closed)."""
    if not lines or lines[0].strip() != FENCE:
        return -1
    return next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), len(lines))


def classify_lines(text: str) -> list[ScriptLine]:
    """Every line of ``text`` with its kind (module docstring), in order."""
    lines = text.split("\n")
    close = front_matter_end(lines)
    out = []
    for index, line in enumerate(lines):
        if index <= close:
            out.append(ScriptLine(index + 1, FRONT))
            continue
        kind, span = classify_line(line)
        out.append(ScriptLine(index + 1, kind, span))
    return out
