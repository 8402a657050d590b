"""The format-v1 session-script parser (see docs/session-scripts.md).

Line oriented and strict: every problem in a file is collected and raised
together as a SessionError whose problems read ``path:line:column: message``.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import os
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mit_desktop.session import vocabulary as vocab
from mit_desktop.session.durations import parse_clip_time_us, parse_duration_ms
from mit_desktop.session.errors import Problem, SessionError
from mit_desktop.session.files import not_a_file, os_problem, read_small_file
from mit_desktop.session.length import least_cue_ms
from mit_desktop.session.limits import (
    MAX_CLIP_TIME_MS,
    MAX_CUE_MS,
    MAX_LINE_CHARS,
    MAX_PROBLEMS,
    MAX_SCRIPT_BYTES,
    MAX_SESSION_MS,
    format_limit_ms,
    shown,
)
from mit_desktop.session.model import (
    Ambience,
    Bell,
    Clip,
    Cue,
    Heading,
    Paragraph,
    Pause,
    RateChange,
    RatingScale,
    Reflect,
    Session,
    VoiceChange,
)
from mit_desktop.session.text import placeholder_names, placeholder_problems

log = logging.getLogger(__name__)

FENCE = "+++"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_HEADING = re.compile(r"^(#{1,6})(\s+(.*))?$")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)
_MAX_CLIP_PATH_CHARS = 4096
_LONGEST_TEXT = (f"a session may last at most {format_limit_ms(MAX_SESSION_MS)} "
                 "(pauses, reflections, bells, recordings and speech together)")


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word[:64], choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else f"; use one of: {', '.join(choices)}"


class _Parser:
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

    def _add(self, cue: Cue) -> None:
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
                         f"{_suggest(key, vocab.FRONT_MATTER_KEYS)}")
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
            bad("module", f"unknown module '{shown(module)}'{_suggest(module, vocab.MODULE_IDS)}")
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
            self._add(Paragraph(" ".join(self._paragraph), self._paragraph_line))
            self._paragraph = []

    def _check_template(self, template: str, line: int, column: int) -> None:
        for offset, message in placeholder_problems(template):
            self.problem(line, column + offset, message)
        for offset, name in placeholder_names(template):
            if name not in self.variables:
                known = tuple(self.variables)
                hint = _suggest(name, known) if known else "; define it under [variables]"
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
        self._check_template(stripped, number, indent + 1)
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
        handler = getattr(self, f"_d_{name}", None) if name in vocab.DIRECTIVES else None
        if handler is None:
            self.problem(number, name_col,
                         f"unknown directive '{shown(name)}'{_suggest(name, vocab.DIRECTIVES)}")
            return
        handler(number, arg_col, rest)

    def _duration(self, number: int, column: int, text: str, what: str) -> int | None:
        """The duration `text` in ms, above zero and at most MAX_CUE_MS; None after a problem."""
        try:
            value = parse_duration_ms(text)
        except ValueError as exc:
            self.problem(number, column, str(exc))
            return None
        if value <= 0:
            self.problem(number, column, f"'{shown(text)}' must be longer than zero")
            return None
        if value > MAX_CUE_MS:
            self.problem(number, column, f"'{shown(text)}' is too long: a {what} may last at most "
                         f"{format_limit_ms(MAX_CUE_MS)}")
            return None
        return value

    def _d_pause(self, number: int, column: int, rest: str) -> None:
        if not rest or len(rest.split()) != 1:
            self.problem(number, column, "pause takes one duration, like [pause 8s]")
            return
        value = self._duration(number, column, rest, "pause")
        if value is not None:
            self._add(Pause(value, number))

    def _d_bell(self, number: int, column: int, rest: str) -> None:
        sound, strikes, ok = vocab.DEFAULT_BELL, 1, True
        for token in rest.split():
            if _ASCII_NUMBER.fullmatch(token):
                strikes = int(token) if len(token) <= 3 else vocab.MAX_BELL_STRIKES + 1
                if not 1 <= strikes <= vocab.MAX_BELL_STRIKES:
                    self.problem(number, column + rest.find(token),
                                 f"a bell can strike 1 to {vocab.MAX_BELL_STRIKES} times")
                    ok = False
            elif token.lower() in vocab.BELL_NAMES:
                sound = token.lower()
            elif any(ch.isdigit() for ch in token):
                self.problem(number, column + rest.find(token),
                             f"'{shown(token)}' is not a number of strikes; write 1 to "
                             f"{vocab.MAX_BELL_STRIKES} with the digits 0-9")
                ok = False
            else:
                self.problem(number, column + rest.find(token),
                             f"unknown bell '{shown(token)}'{_suggest(token.lower(), vocab.BELL_NAMES)}")
                ok = False
            if self.full:
                return
        if ok:
            self._add(Bell(sound, strikes, number))

    def _d_ambience(self, number: int, column: int, rest: str) -> None:
        tokens = rest.split()
        if tokens == ["off"]:
            self.cues.append(Ambience(None, 0, number))
            return
        if not tokens or len(tokens) > 2:
            self.problem(number, column, "write [ambience NAME LEVEL%] (e.g. [ambience stream 15%]) "
                         "or [ambience off]")
            return
        name = tokens[0].lower()
        level = vocab.DEFAULT_AMBIENCE_PERCENT
        ok = True
        if name not in vocab.AMBIENCE_NAMES:
            self.problem(number, column,
                         f"unknown ambience '{shown(tokens[0])}'{_suggest(name, vocab.AMBIENCE_NAMES)}")
            ok = False
        if len(tokens) == 2:
            match = re.fullmatch(r"([0-9]{1,3})%", tokens[1], re.ASCII)
            if not match or int(match.group(1)) > 100:
                self.problem(number, column + rest.find(tokens[1]),
                             f"'{shown(tokens[1])}' is not a level; write a percentage from 0% to 100%")
                ok = False
            else:
                level = int(match.group(1))
        if ok:
            self.cues.append(Ambience(name, level, number))

    def _d_clip(self, number: int, column: int, rest: str) -> None:
        path_text, found = _split_clip(rest)
        if not path_text:
            self.problem(number, column, "write [clip PATH] or [clip PATH from 0:05 to 1:20]")
            return
        times: dict[str, int | None] = {"from": None, "to": None}
        for key, (text, offset) in found.items():
            try:
                value = parse_clip_time_us(text)
            except ValueError as exc:
                self.problem(number, column + offset, str(exc))
                return
            if value > MAX_CLIP_TIME_MS * 1000:
                self.problem(number, column + offset, f"'{shown(text)}' is past any recording's end: "
                             f"a time in a recording may be at most {format_limit_ms(MAX_CLIP_TIME_MS)}")
                return
            times[key] = value
        start, end = times["from"], times["to"]
        if start is not None and end is not None and end <= start:
            self.problem(number, column + found["to"][1],
                         "the clip's 'to' time must come after its 'from' time")
            return
        path, message = _clip_file(self.path.parent, path_text)
        if message is not None or path is None:
            self.problem(number, column, message or "the clip file cannot be used")
            return
        self._add(Clip(path, start, end, number))

    def _d_reflect(self, number: int, column: int, rest: str) -> None:
        head, colon, prompt = rest.partition(":")
        prompt_col = column + len(head) + 1 + (len(prompt) - len(prompt.lstrip()))
        prompt = prompt.strip()
        if not colon or not prompt:
            self.problem(number, column, "a reflection needs a prompt after ':', like "
                         "[reflect 40s note: What do you notice?]")
            return
        duration = vocab.DEFAULT_REFLECT_MS
        inputs: list[str] = []
        ok = True
        for index, token in enumerate(head.split()):
            token_col = column + head.find(token)
            if index == 0 and token[0].isdigit():
                value = self._duration(number, token_col, token, "reflection")
                if value is None:
                    ok = False
                else:
                    duration = value
            elif token.lower() in vocab.REFLECT_INPUTS:
                if token.lower() not in inputs:
                    inputs.append(token.lower())
            else:
                self.problem(number, token_col,
                             f"unknown reflection input '{shown(token)}'"
                             f"{_suggest(token.lower(), vocab.REFLECT_INPUTS)}")
                ok = False
                if self.full:
                    return
        scale = None
        if "|" in prompt:
            prompt, scale, ok = self._rating_scale(number, prompt_col, prompt, inputs, ok)
        self._check_template(prompt, number, prompt_col)
        if ok:
            self._add(Reflect(duration, tuple(inputs), prompt, number, scale))

    def _rating_scale(self, number: int, column: int, text: str, inputs: list[str], ok: bool
                      ) -> tuple[str, RatingScale | None, bool]:
        """Split ``PROMPT | QUESTION | 0 LOW | 10 HIGH`` (what a rating measures)."""
        parts = [part.strip() for part in text.split("|")]
        usage = ("write what the rating measures as PROMPT | QUESTION | 0 LOW WORDS | 10 HIGH WORDS, "
                 "like [reflect 40s note rating: What did you notice? | How settled do you feel "
                 "now? | 0 not at all | 10 completely]")
        if "rating" not in inputs:
            self.problem(number, column + text.find("|"),
                         "a '|' after the prompt describes a rating, but this reflection has no "
                         "'rating' input; " + usage)
            return parts[0], None, False
        if len(parts) != 4 or not all(parts):
            self.problem(number, column + text.find("|"), usage)
            return parts[0], None, False
        low = re.fullmatch(r"0\s+(.+)", parts[2])
        high = re.fullmatch(r"10\s+(.+)", parts[3])
        if low is None or high is None:
            self.problem(number, column + text.find("|"),
                         "the rating's ends must start with 0 and 10; " + usage)
            return parts[0], None, False
        scale = RatingScale(parts[1], low.group(1).strip(), high.group(1).strip())
        for part in (scale.question, scale.low, scale.high):
            self._check_template(part, number, column + text.find(part))
        return parts[0], scale, ok

    def _d_voice(self, number: int, column: int, rest: str) -> None:
        if not rest or len(rest.split()) != 1:
            self.problem(number, column, "write [voice ID] with one voice id (see 'mit-desktop voices')")
            return
        self.cues.append(VoiceChange(rest, number))

    def _d_rate(self, number: int, column: int, rest: str) -> None:
        if not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}", rest, re.ASCII):
            self.problem(number, column, f"'{shown(rest)}' is not a rate; write a number like 0.85")
            return
        rate = float(rest)
        if not vocab.MIN_RATE <= rate <= vocab.MAX_RATE:
            self.problem(number, column, f"rate must be between {vocab.MIN_RATE} and {vocab.MAX_RATE}")
            return
        self.cues.append(RateChange(rate, number))


def _split_clip(rest: str) -> tuple[str, dict[str, tuple[str, int]]]:
    """Split ``PATH [from TIME] [to TIME]`` into the path and each time with its 0-based offset.

    Works from the right on whitespace (no regular expression), so it takes time in
    proportion to the line's length whatever it holds.
    """
    found: dict[str, tuple[str, int]] = {}
    head = rest.rstrip()
    for key in ("to", "from"):
        parts = head.rsplit(None, 2)
        if len(parts) == 3 and parts[1].lower() == key:
            offset = len(head) - len(parts[2])
            found[key] = (parts[2], offset)
            head = head[: offset].rstrip()
            head = head[: len(head) - len(parts[1])].rstrip()
    return head.strip(), found


def _clip_file(folder: Path, text: str) -> tuple[Path | None, str | None]:
    """The clip's resolved path, or None and a message saying why it cannot be used."""
    if "\x00" in text:
        return None, "a clip path cannot contain a NUL character (\\x00); retype the file name"
    if len(text) > _MAX_CLIP_PATH_CHARS:
        return None, (f"the clip path is {len(text):,} characters long; a path may have at most "
                      f"{_MAX_CLIP_PATH_CHARS:,}")
    joined = folder / text
    try:
        path = joined.resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links (RuntimeError in 3.11), ...
        path = joined
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        reason = os_problem(exc)
        if reason == "not found":
            return None, f"clip file not found: {shown(text, 200)} (looked for {shown(str(path), 300)})"
        return None, f"the clip file {shown(text, 200)} cannot be used: {reason}"
    except ValueError:
        return None, "a clip path cannot contain a NUL character (\\x00); retype the file name"
    kind = not_a_file(mode)
    if kind is not None:
        return None, (f"the clip {shown(text, 200)} is {kind}, not a recording; name an audio "
                      "file (WAV, FLAC, MP3, OGG, M4A)")
    if not os.access(path, os.R_OK):
        return None, f"clip file cannot be read (check its permissions): {path}"
    return path, None


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
    parser = _Parser(path, text)
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
