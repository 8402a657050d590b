"""The directives of a session script (``[pause 8s]``, ``[bell]``, ``[ambience …]``,
``[clip …]``, ``[reflect …]``, ``[voice …]``, ``[rate …]``): one handler per directive in
:data:`HANDLERS`, each given the :class:`~mit_desktop.session.parser.Parser`, the line and
column of the directive's argument and the argument's text; it adds the cue or records a
problem in words the script's author can act on.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mit_desktop.session import vocabulary as vocab
from mit_desktop.session.durations import parse_clip_time_us, parse_duration_ms
from mit_desktop.session.files import not_a_file, os_problem
from mit_desktop.session.limits import (
    MAX_CLIP_TIME_MS,
    MAX_CUE_MS,
    format_limit_ms,
    shown,
)
from mit_desktop.session.model import (
    Ambience,
    Bell,
    Clip,
    Pause,
    RateChange,
    RatingScale,
    Reflect,
    VoiceChange,
)

if TYPE_CHECKING:
    from mit_desktop.session.parser import Parser

log = logging.getLogger(__name__)

_ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)
_MAX_CLIP_PATH_CHARS = 4096


def suggest(word: str, choices: tuple[str, ...]) -> str:
    """"; did you mean 'x'?" for the closest of ``choices`` to ``word``, else the list of them."""
    close = difflib.get_close_matches(word[:64], choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else f"; use one of: {', '.join(choices)}"


def cue_duration(p: Parser, number: int, column: int, text: str, what: str) -> int | None:
    """The duration `text` in ms, above zero and at most MAX_CUE_MS; None after a problem."""
    try:
        value = parse_duration_ms(text)
    except ValueError as exc:
        p.problem(number, column, str(exc))
        return None
    if value <= 0:
        p.problem(number, column, f"'{shown(text)}' must be longer than zero")
        return None
    if value > MAX_CUE_MS:
        p.problem(number, column, f"'{shown(text)}' is too long: a {what} may last at most "
                     f"{format_limit_ms(MAX_CUE_MS)}")
        return None
    return value


def _pause(p: Parser, number: int, column: int, rest: str) -> None:
    if not rest or len(rest.split()) != 1:
        p.problem(number, column, "pause takes one duration, like [pause 8s]")
        return
    value = cue_duration(p, number, column, rest, "pause")
    if value is not None:
        p.add(Pause(value, number))


def _bell(p: Parser, number: int, column: int, rest: str) -> None:
    sound, strikes, ok = vocab.DEFAULT_BELL, 1, True
    for token in rest.split():
        if _ASCII_NUMBER.fullmatch(token):
            strikes = int(token) if len(token) <= 3 else vocab.MAX_BELL_STRIKES + 1
            if not 1 <= strikes <= vocab.MAX_BELL_STRIKES:
                p.problem(number, column + rest.find(token),
                             f"a bell can strike 1 to {vocab.MAX_BELL_STRIKES} times")
                ok = False
        elif token.lower() in vocab.BELL_NAMES:
            sound = token.lower()
        elif any(ch.isdigit() for ch in token):
            p.problem(number, column + rest.find(token),
                         f"'{shown(token)}' is not a number of strikes; write 1 to "
                         f"{vocab.MAX_BELL_STRIKES} with the digits 0-9")
            ok = False
        else:
            p.problem(number, column + rest.find(token),
                         f"unknown bell '{shown(token)}'{suggest(token.lower(), vocab.BELL_NAMES)}")
            ok = False
        if p.full:
            return
    if ok:
        p.add(Bell(sound, strikes, number))


def _ambience(p: Parser, number: int, column: int, rest: str) -> None:
    tokens = rest.split()
    if tokens == ["off"]:
        p.cues.append(Ambience(None, 0, number))
        return
    if not tokens or len(tokens) > 2:
        p.problem(number, column, "write [ambience NAME LEVEL%] (e.g. [ambience stream 15%]) "
                     "or [ambience off]")
        return
    name = tokens[0].lower()
    level = vocab.DEFAULT_AMBIENCE_PERCENT
    ok = True
    if name not in vocab.AMBIENCE_NAMES:
        p.problem(number, column,
                     f"unknown ambience '{shown(tokens[0])}'{suggest(name, vocab.AMBIENCE_NAMES)}")
        ok = False
    if len(tokens) == 2:
        match = re.fullmatch(r"([0-9]{1,3})%", tokens[1], re.ASCII)
        if not match or int(match.group(1)) > 100:
            p.problem(number, column + rest.find(tokens[1]),
                         f"'{shown(tokens[1])}' is not a level; write a percentage from 0% to 100%")
            ok = False
        else:
            level = int(match.group(1))
    if ok:
        p.cues.append(Ambience(name, level, number))


def _clip(p: Parser, number: int, column: int, rest: str) -> None:
    path_text, found = split_clip(rest)
    if not path_text:
        p.problem(number, column, "write [clip PATH] or [clip PATH from 0:05 to 1:20]")
        return
    times: dict[str, int | None] = {"from": None, "to": None}
    for key, (text, offset) in found.items():
        try:
            value = parse_clip_time_us(text)
        except ValueError as exc:
            p.problem(number, column + offset, str(exc))
            return
        if value > MAX_CLIP_TIME_MS * 1000:
            p.problem(number, column + offset, f"'{shown(text)}' is past any recording's end: "
                         f"a time in a recording may be at most {format_limit_ms(MAX_CLIP_TIME_MS)}")
            return
        times[key] = value
    start, end = times["from"], times["to"]
    if start is not None and end is not None and end <= start:
        p.problem(number, column + found["to"][1],
                     "the clip's 'to' time must come after its 'from' time")
        return
    path, message = _clip_file(p.path.parent, path_text)
    if message is not None or path is None:
        p.problem(number, column, message or "the clip file cannot be used")
        return
    p.add(Clip(path, start, end, number))


def _reflect(p: Parser, number: int, column: int, rest: str) -> None:
    head, colon, prompt = rest.partition(":")
    prompt_col = column + len(head) + 1 + (len(prompt) - len(prompt.lstrip()))
    prompt = prompt.strip()
    if not colon or not prompt:
        p.problem(number, column, "a reflection needs a prompt after ':', like "
                     "[reflect 40s note: What do you notice?]")
        return
    duration = vocab.DEFAULT_REFLECT_MS
    inputs: list[str] = []
    ok = True
    for index, token in enumerate(head.split()):
        token_col = column + head.find(token)
        if index == 0 and token[0].isdigit():
            value = cue_duration(p, number, token_col, token, "reflection")
            if value is None:
                ok = False
            else:
                duration = value
        elif token.lower() in vocab.REFLECT_INPUTS:
            if token.lower() not in inputs:
                inputs.append(token.lower())
        else:
            p.problem(number, token_col,
                         f"unknown reflection input '{shown(token)}'"
                         f"{suggest(token.lower(), vocab.REFLECT_INPUTS)}")
            ok = False
            if p.full:
                return
    scale = None
    if "|" in prompt:
        prompt, scale, ok = rating_scale(p, number, prompt_col, prompt, inputs, ok)
    p.check_template(prompt, number, prompt_col)
    if ok:
        p.add(Reflect(duration, tuple(inputs), prompt, number, scale))


def rating_scale(p: Parser, number: int, column: int, text: str, inputs: list[str], ok: bool
                  ) -> tuple[str, RatingScale | None, bool]:
    """Split ``PROMPT | QUESTION | 0 LOW | 10 HIGH`` (what a rating measures)."""
    parts = [part.strip() for part in text.split("|")]
    usage = ("write what the rating measures as PROMPT | QUESTION | 0 LOW WORDS | 10 HIGH WORDS, "
             "like [reflect 40s note rating: What did you notice? | How settled do you feel "
             "now? | 0 not at all | 10 completely]")
    if "rating" not in inputs:
        p.problem(number, column + text.find("|"),
                     "a '|' after the prompt describes a rating, but this reflection has no "
                     "'rating' input; " + usage)
        return parts[0], None, False
    if len(parts) != 4 or not all(parts):
        p.problem(number, column + text.find("|"), usage)
        return parts[0], None, False
    low = re.fullmatch(r"0\s+(.+)", parts[2])
    high = re.fullmatch(r"10\s+(.+)", parts[3])
    if low is None or high is None:
        p.problem(number, column + text.find("|"),
                     "the rating's ends must start with 0 and 10; " + usage)
        return parts[0], None, False
    scale = RatingScale(parts[1], low.group(1).strip(), high.group(1).strip())
    for part in (scale.question, scale.low, scale.high):
        p.check_template(part, number, column + text.find(part))
    return parts[0], scale, ok


def _voice(p: Parser, number: int, column: int, rest: str) -> None:
    if not rest or len(rest.split()) != 1:
        p.problem(number, column, "write [voice ID] with one voice id (see 'mit-desktop voices')")
        return
    p.cues.append(VoiceChange(rest, number))


def _rate(p: Parser, number: int, column: int, rest: str) -> None:
    if not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}", rest, re.ASCII):
        p.problem(number, column, f"'{shown(rest)}' is not a rate; write a number like 0.85")
        return
    rate = float(rest)
    if not vocab.MIN_RATE <= rate <= vocab.MAX_RATE:
        p.problem(number, column, f"rate must be between {vocab.MIN_RATE} and {vocab.MAX_RATE}")
        return
    p.cues.append(RateChange(rate, number))


def split_clip(rest: str) -> tuple[str, dict[str, tuple[str, int]]]:
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


#: directive name (``vocabulary.DIRECTIVES``) -> its handler(parser, line, column, argument)
HANDLERS: dict[str, Callable[[Parser, int, int, str], None]] = {
    "pause": _pause, "bell": _bell, "ambience": _ambience, "clip": _clip,
    "reflect": _reflect, "voice": _voice, "rate": _rate,
}
