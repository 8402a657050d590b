"""The part of a script under the editor's cursor, as a small session of its own to hear at
once: the sentence, the paragraph or the section (from its heading to the next heading of
the same or a higher level).

:func:`preview_part` finds the lines (and for a sentence, the sentence) from the text and
the cursor alone; :func:`preview_session` makes it a parsed :class:`Session` with the
script's own front matter (voice, rate, variables), so it sounds as it will in the
session, and its path beside the script, so recordings resolve as in the script. When the
front matter itself has a problem, a plain one is used. The GUI plays it through the
normal render + player path, off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mit_desktop.authoring.lines import BLANK, DIRECTIVE, FRONT, HEADING, TEXT, classify_lines
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Session
from mit_desktop.session.text import split_sentences

SENTENCE, PARAGRAPH, SECTION = "sentence", "paragraph", "section"
SCOPES = (SENTENCE, PARAGRAPH, SECTION)
PREVIEW_ID = "preview"
_PLAIN_FRONT = ["+++", f'id = "{PREVIEW_ID}"', 'title = "Preview"', "+++"]


class NothingToPlay(Exception):
    """The cursor is on nothing that makes a sound; the message says what to do."""


@dataclass(frozen=True)
class PreviewPart:
    """Script lines ``first_line``..``last_line`` (1-based, inclusive) to hear, as
    ``body`` (the lines themselves, or for a sentence the sentence alone)."""

    scope: str
    first_line: int
    last_line: int
    body: str


def _paragraph_bounds(lines: list[str], kinds: list[str], index: int) -> tuple[int, int]:
    first = last = index
    while first > 0 and kinds[first - 1] == TEXT:
        first -= 1
    while last + 1 < len(lines) and kinds[last + 1] == TEXT:
        last += 1
    return first, last


def _sentence(lines: list[str], first: int, last: int, index: int, column: int) -> str:
    """The sentence of paragraph lines [first, last] at (line index, 0-based column)."""
    joined, offset = "", 0
    for i in range(first, last + 1):
        stripped = lines[i].strip()
        lead = len(lines[i]) - len(lines[i].lstrip())
        if i == index:
            offset = len(joined) + max(0, min(column - lead, len(stripped)))
        joined += stripped + " "
    position = 0
    chosen = ""
    for sentence in split_sentences(joined):
        start = joined.find(sentence, position)
        if start < 0:
            continue
        position = start + len(sentence)
        chosen = sentence
        if offset <= position:
            break
    return chosen


def preview_part(text: str, line: int, column: int, scope: str) -> PreviewPart:
    """What to hear for the cursor at ``line`` (1-based) and ``column`` (0-based) in ``text``.
    NothingToPlay when the cursor is in the front matter or nothing there makes a sound."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    lines = text.split("\n")
    kinds = [entry.kind for entry in classify_lines(text)]
    index = max(0, min(line - 1, len(lines) - 1))
    if kinds[index] == FRONT:
        raise NothingToPlay("The cursor is in the header (between the +++ lines); put it on a "
                            "line of the practice to hear it.")
    if scope == SECTION:
        start = index
        while start >= 0 and kinds[start] not in (HEADING, FRONT):
            start -= 1
        level = len(lines[start].strip()) - len(lines[start].strip().lstrip("#")) \
            if start >= 0 and kinds[start] == HEADING else 0
        start += 1 if start < 0 or kinds[start] == FRONT else 0
        end = index + 1
        while end < len(lines):
            if kinds[end] == HEADING:
                stripped = lines[end].strip()
                if len(stripped) - len(stripped.lstrip("#")) <= level or level == 0:
                    break
            end += 1
        part = PreviewPart(SECTION, start + 1, end, "\n".join(lines[start:end]))
    elif kinds[index] == TEXT:
        first, last = _paragraph_bounds(lines, kinds, index)
        if scope == PARAGRAPH:
            part = PreviewPart(PARAGRAPH, first + 1, last + 1, "\n".join(lines[first:last + 1]))
        else:
            part = PreviewPart(SENTENCE, index + 1, index + 1,
                               _sentence(lines, first, last, index, column))
    elif kinds[index] == DIRECTIVE:
        part = PreviewPart(scope, index + 1, index + 1, lines[index])
    else:
        raise NothingToPlay("There is nothing to hear on this line; put the cursor on a "
                            "sentence, a bell or a pause." if kinds[index] != BLANK else
                            "The cursor is on an empty line; put it on a sentence to hear it.")
    if not any(k in (TEXT, DIRECTIVE) for k in
               (kinds[i] for i in range(part.first_line - 1, part.last_line))):
        raise NothingToPlay("This section has nothing to hear yet.")
    return part


def _front(lines: list[str]) -> list[str]:
    from mit_desktop.authoring.lines import front_matter_end

    close = front_matter_end(lines)
    if close <= 0 or close >= len(lines):
        return list(_PLAIN_FRONT)
    return lines[:close + 1]


def preview_session(text: str, path: Path, line: int, column: int, scope: str) -> Session:
    """The part under the cursor (:func:`preview_part`) as a parsed session, with the
    script's front matter (a plain one when that does not parse). NothingToPlay, or
    SessionError naming the problem in the part itself."""
    from mit_desktop.session.parser import parse_text

    part = preview_part(text, line, column, scope)
    lines = text.split("\n")
    path = Path(path).with_name(f".{PREVIEW_ID}.session.md")  # clips resolve beside the script
    for front in (_front(lines), list(_PLAIN_FRONT)):
        source = "\n".join(front + ["", part.body, ""])
        try:
            return parse_text(source, path)
        except SessionError as exc:
            fence = len(front)
            if any(p.line <= fence for p in exc.problems) and front != _PLAIN_FRONT:
                continue  # the header has a problem: hear the part with a plain one
            shift = part.first_line - (fence + 2)  # back to the script's own line numbers
            raise SessionError([type(p)(p.path, p.line + shift, p.column, p.message)
                                for p in exc.problems]) from None
    raise AssertionError("unreachable")
