"""The format-v1 session-script parser (see docs/session-scripts.md).

Line oriented and strict: every problem in a file is collected and raised
together as a SessionError whose problems read ``path:line:column: message``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mit_desktop.session import vocabulary as vocab
from mit_desktop.session.directives import HANDLERS, suggest
from mit_desktop.session.errors import Problem, SessionError
from mit_desktop.session.files import read_small_file
from mit_desktop.session.length import least_cue_ms
from mit_desktop.session.limits import (
    MAX_LINE_CHARS,
    MAX_PROBLEMS,
    MAX_SCRIPT_BYTES,
    MAX_SESSION_MS,
    format_limit_ms,
    shown,
)
from mit_desktop.session.model import (
    Cue,
    Heading,
    Paragraph,
    Session,
)
from mit_desktop.session.text import placeholder_names, placeholder_problems

log = logging.getLogger(__name__)

FENCE = "+++"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_HEADING = re.compile(r"^(#{1,6})(\s+(.*))?$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_LONGEST_TEXT = (f"a session may last at most {format_limit_ms(MAX_SESSION_MS)} "
                 "(pauses, reflections, bells, recordings and speech together)")


class Parser:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[Problem] = []
        self.cues: list[Cue] = []
        self.meta: dict[str, Any] = {}
        self.variables: dict[str, str] = {}
        self._paragraph: list[str] = []
        self._paragraph_line = 0
        self.least_ms = 0
        """A lower bound of the session's length so far (stated durations, bells, fastest speech)."""
        self._too_long_reported = False
        self.full = False
        """True once MAX_PROBLEMS problems are recorded: checking stops at the next line."""

    def problem(self, line: int, column: int | None, message: str) -> None:
        """Record a problem; beyond MAX_PROBLEMS they are dropped and checking stops."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, column, message))
        else:
            self.full = True

    # -- front matter ------------------------------------------------------

    def parse(self) -> tuple[dict[str, Any], list[Cue]]:
        lines = self.text.splitlines()
        body_start = self._front_matter(lines)
        for index in range(body_start, len(lines)):
            if self.full:
                self.problems.append(Problem(self.path, index + 1, None,
                                             f"stopped checking after {MAX_PROBLEMS} problems; "
                                             "correct these and check the file again"))
                break
            line = lines[index]
            if len(line) > MAX_LINE_CHARS:
                self._end_paragraph()
                self.problem(index + 1, None, f"this line is {len(line):,} characters long; a line "
                             f"may have at most {MAX_LINE_CHARS:,} (split a long paragraph into "
                             "several lines)")
                continue
            self._body_line(index + 1, line)
        self._end_paragraph()
        return self.meta, self.cues

    def add(self, cue: Cue) -> None:
        """Append `cue`; one problem when the session's least length passes MAX_SESSION_MS."""
        self.cues.append(cue)
        self.least_ms += least_cue_ms(cue)
        if self.least_ms > MAX_SESSION_MS and not self._too_long_reported:
            self._too_long_reported = True
            self.problem(cue.line, None, f"by this line the session lasts more than "
                         f"{format_limit_ms(MAX_SESSION_MS)}; {_LONGEST_TEXT}")

    def _front_matter(self, lines: list[str]) -> int:
        if not lines or lines[0].strip() != FENCE:
            self.problem(1, 1, f"the file must start with a line '{FENCE}' opening the front matter "
                         "(id, title, ...)")
            return 0
        try:
            close = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
        except StopIteration:
            self.problem(1, 1, f"unterminated front matter: no closing line '{FENCE}'")
            return len(lines)
        source = "\n".join(lines[1:close])
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            match = _TOML_POSITION.search(message)
            line, column = (int(match.group(1)) + 1, int(match.group(2))) if match else (2, None)
            reason = _TOML_POSITION.sub("", message).strip()
            self.problem(line, column, f"front matter is not valid TOML: {reason}")
            return close + 1
        except RecursionError:
            line = self._first_line(lines[1:close], re.compile(r"[\[{].*[\[{]"))
            self.problem(line, None, "the front matter has lists or tables nested too deeply; "
                         "use only the simple 'key = value' lines shown in the documentation")
            return close + 1
        except ValueError:  # a number too long for Python to read (over 4,300 digits)
            line = self._first_line(lines[1:close], re.compile(r"[0-9_]{100}"))
            self.problem(line, None, "the front matter has a number far too long to be meant; "
                         "write a short number such as 20")
            return close + 1
        self._check_meta(data, lines[1:close])
        return close + 1

    @staticmethod
    def _first_line(meta_lines: list[str], pattern: re.Pattern[str]) -> int:
        """File line of the first front-matter line matching `pattern` (2 if none does)."""
        for offset, text in enumerate(meta_lines):
            if pattern.search(text):
                return offset + 2
        return 2

    def _key_line(self, key: str, meta_lines: list[str]) -> int:
        pattern = re.compile(rf"^\s*(\[\s*)?{re.escape(key)}\s*(=|\])")
        for offset, text in enumerate(meta_lines):
            if pattern.match(text):
                return offset + 2
        return 1

    def _check_meta(self, data: dict[str, Any], meta_lines: list[str]) -> None:
        def bad(key: str, message: str) -> None:
            self.problem(self._key_line(key, meta_lines), 1, message)

        for key in data:
            if key not in vocab.FRONT_MATTER_KEYS:
                bad(key, f"unknown front-matter key '{shown(key)}'"
                         f"{suggest(key, vocab.FRONT_MATTER_KEYS)}")
        for key in ("id", "title"):
            if key not in data:
                self.problem(1, None, f"front matter is missing the required key '{key}'")
        strings = ("id", "title", "module", "summary", "language", "voice", "safety")
        for key in strings:
            if key in data and not isinstance(data[key], str):
                bad(key, f"'{key}' must be text in quotes")
        if isinstance(data.get("id"), str) and not _ID.match(data["id"]):
            bad("id", f"id '{shown(data['id'])}' may use only lowercase letters, digits and hyphens")
        if isinstance(data.get("title"), str) and not data["title"].strip():
            bad("title", "title must not be empty")
        module = data.get("module")
        if isinstance(module, str) and module not in vocab.MODULE_IDS:
            bad("module", f"unknown module '{shown(module)}'{suggest(module, vocab.MODULE_IDS)}")
        language = data.get("language")
        if isinstance(language, str) and not _LANGUAGE.match(language):
            bad("language", f"language '{shown(language)}' is not a language tag like 'en' or 'en-GB'")
        most_minutes = MAX_SESSION_MS // 60_000
        if "minutes" in data and (
            isinstance(data["minutes"], bool)
            or not isinstance(data["minutes"], (int, float))
            or data["minutes"] != data["minutes"]  # NaN
            or not 0 < data["minutes"] <= most_minutes
        ):
            bad("minutes", f"minutes must be a number above 0 and at most {most_minutes} "
                           f"({_LONGEST_TEXT})")
        if "rate" in data:
            rate = data["rate"]
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate != rate:  # NaN
                bad("rate", "rate must be a number such as 0.9")
            elif not vocab.MIN_RATE <= rate <= vocab.MAX_RATE:
                bad("rate", f"rate must be between {vocab.MIN_RATE} and {vocab.MAX_RATE}")
        variables = data.get("variables", {})
        if not isinstance(variables, dict):
            bad("variables", "[variables] must be a table of name = \"text\" lines")
        else:
            for name, value in variables.items():
                if not isinstance(value, str):
                    bad(name, f"variable '{shown(name)}' must be text in quotes")
                elif not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name, re.ASCII):
                    bad(name, f"variable name '{shown(name)}' may use only letters, digits and '_'")
                else:
                    self.variables[name] = value
        self.meta = data

    # -- body ----------------------------------------------------------------

    def _end_paragraph(self) -> None:
        if self._paragraph:
            self.add(Paragraph(" ".join(self._paragraph), self._paragraph_line))
            self._paragraph = []

    def check_template(self, template: str, line: int, column: int) -> None:
        for offset, message in placeholder_problems(template):
            self.problem(line, column + offset, message)
        for offset, name in placeholder_names(template):
            if name not in self.variables:
                known = tuple(self.variables)
                hint = suggest(name, known) if known else "; define it under [variables]"
                self.problem(line, column + offset, f"unknown variable '{{{shown(name)}}}'{hint}")

    def _body_line(self, number: int, raw: str) -> None:
        line = raw.rstrip()
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if not stripped:
            self._end_paragraph()
            return
        if stripped.startswith("//"):
            return
        heading = _HEADING.match(stripped)
        if heading:
            self._end_paragraph()
            title = (heading.group(3) or "").strip()
            if not title:
                self.problem(number, indent + 1, "a heading needs a title after '#'")
            else:
                self.cues.append(Heading(title, len(heading.group(1)), number))
            return
        if stripped.startswith("["):
            self._end_paragraph()
            if not stripped.endswith("]"):
                self.problem(number, len(line) + 1, "a directive must end with ']' on the same line")
                return
            self._directive(number, indent + 1, stripped[1:-1])
            return
        if stripped == FENCE:
            self.problem(number, indent + 1, f"'{FENCE}' only belongs around the front matter")
            return
        if not self._paragraph:
            self._paragraph_line = number
        self.check_template(stripped, number, indent + 1)
        self._paragraph.append(stripped)

    def _directive(self, number: int, bracket_col: int, inner: str) -> None:
        content = inner.strip()
        name_col = bracket_col + 1 + (len(inner) - len(inner.lstrip()))
        if not content:
            self.problem(number, bracket_col, "an empty directive '[]'")
            return
        name, _, rest = content.partition(" ")
        name = name.lower()
        rest = rest.strip()
        arg_col = name_col + len(name) + 1 + (len(content) - len(name) - 1 - len(rest.lstrip()) if rest else 0)
        if name.endswith(":"):
            name = name[:-1]
        handler = HANDLERS.get(name)
        if handler is None:
            self.problem(number, name_col,
                         f"unknown directive '{shown(name)}'{suggest(name, vocab.DIRECTIVES)}")
            return
        handler(self, number, arg_col, rest)


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SessionError([Problem(path, line, column,
                                    "the file is not UTF-8 text; save it as UTF-8 in your editor")]) from None
    return text.removeprefix("\ufeff")


def parse_text(text: str, path: Path) -> Session:
    """Parse script `text` as if read from `path` (clip paths resolve against its folder)."""
    data = text.encode("utf-8")
    return _build(path, text, hashlib.sha256(data).hexdigest())


def parse_session(path: Path) -> Session:
    """Read and parse one `*.session.md` file. Raises SessionError listing every problem.

    Only regular files of at most MAX_SCRIPT_BYTES are read: a folder, a named pipe, a
    device, a loop of links or a larger file is refused with one problem at line 1.
    """
    path = Path(path)
    data = read_small_file(path, "session script", MAX_SCRIPT_BYTES)
    return _build(path, _decode(path, data), hashlib.sha256(data).hexdigest())


def _build(path: Path, text: str, digest: str) -> Session:
    parser = Parser(path, text)
    meta, cues = parser.parse()
    if parser.problems:
        raise SessionError(parser.problems)
    log.debug("parsed %s: %d cues", path, len(cues))
    return Session(
        id=meta["id"],
        title=meta["title"],
        path=path,
        content_sha256=digest,
        cues=tuple(cues),
        module=meta.get("module"),
        summary=meta.get("summary", ""),
        language=meta.get("language", "en"),
        minutes=meta.get("minutes"),
        voice=meta.get("voice"),
        rate=float(meta.get("rate", 1.0)),
        safety=meta.get("safety", ""),
        variables=MappingProxyType(dict(parser.variables)),
    )
