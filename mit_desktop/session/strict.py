"""Strict checks that protect the listener (``mit-desktop validate --strict``).

A script can be valid and still leave a listener alone with their eyes closed
for a long time, ask a hands-free listener a question they never hear, or speak
sentences too long to follow. These checks look for that; the bundled program
passes all of them (``tests/test_bundled_sessions.py``).

- **Grounding in every eyes-closed stretch** (:func:`eyes_closed_stretches`): from
  the sentence that invites the eyes to close to the last one that invites them
  to open, no more than :data:`MAX_EYES_CLOSED_MS` may pass (hands-free, at the
  listener's default pace, reflections included) without a spoken grounding or
  exit line: a sentence matching one of :data:`GROUNDING_PATTERNS`.
- **A spoken question before every reflection**: the last paragraph spoken
  before a ``[reflect]`` holds a question (a sentence ending in ``?``), so a
  hands-free listener with closed eyes hears what the screen asks.
- **Ratings say what they measure**: a reflection with a ``rating`` input names
  the question and the words at 0 and 10 (``PROMPT | QUESTION | 0 LOW | 10 HIGH``).
- **Short sentences**: no spoken sentence, prompt, rating question or safety
  note sentence is longer than :data:`MAX_SENTENCE_WORDS` words (``{loved_one}``
  and other variables filled in with the script's defaults).
- **No directive inside the narration**: a ``[pause 2s]`` (or any directive) written
  inside a line of narration is not a pause: it is spoken as words. A directive works only
  on a line of its own.

The text checks need only the parsed session; the eyes-closed check needs its
timeline (real speech lengths: build it with the render engine).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.session.durations import format_clock_ms
from mit_desktop.session.model import Paragraph, Reflect, Session
from mit_desktop.session.text import split_sentences, substitute
from mit_desktop.session.timeline import Segment, Timeline
from mit_desktop.session.vocabulary import DIRECTIVES

MAX_SENTENCE_WORDS = 22
"""The longest sentence, in words, a listener is asked to follow."""

MAX_EYES_CLOSED_MS = 5 * 60_000
"""The longest eyes-closed stretch, in ms, without a spoken grounding or exit line."""

GROUNDING_PATTERNS: tuple[str, ...] = (
    r"\bfeet\b[^.?!]*\b(floor|ground)\b",  # feel your feet on the floor
    r"\bopen your eyes\b|\beyes open\b",  # you can open your eyes
    r"\blook around\b",  # look around the room
    r"\bstop at any time\b|\byou can stop\b",  # you can stop at any time
    r"\bcome back\b[^.?!]*\bbreath\b",  # come back to your breath
    r"\bstay with your own\b",  # you can stay with your own center (an exit from the imagery)
)
"""A sentence matching one of these (any case) is a grounding or exit line: it brings the
listener back to the floor, the room or the breath, to their own center instead of the
imagery, or reminds them they can stop."""

_EYES_CLOSE = re.compile(r"\b(let your eyes close|close your eyes)\b", re.I)
_EYES_OPEN = re.compile(r"\b(let your eyes open|open your eyes)\b", re.I)
_WORD = re.compile(r"[A-Za-z0-9]")
_DIRECTIVE_IN_TEXT = re.compile(r"\[\s*(?:" + "|".join(DIRECTIVES) + r")\b[^\]]*\]?", re.I)
_GROUNDING = tuple(re.compile(pattern, re.I) for pattern in GROUNDING_PATTERNS)


@dataclass(frozen=True)
class StrictProblem:
    """One finding: the script line it concerns, a message, and where it is heard (ms)."""

    line: int
    message: str
    position_ms: int | None = None

    def format(self, path: Path) -> str:
        """``path:line: message`` (with the timeline position when known)."""
        where = f" (at {format_clock_ms(self.position_ms)})" if self.position_ms is not None else ""
        return f"{path}:{self.line}: {self.message}{where}"


@dataclass(frozen=True)
class Stretch:
    """Eyes-closed time between two anchors (eyes closing, a grounding line, eyes opening).

    `start_ms` is where the earlier anchor's sentence ends, `end_ms` where the later
    one starts; `*_text` are those sentences, `*_line` their script lines.
    """

    start_ms: int
    end_ms: int
    start_text: str
    end_text: str
    start_line: int
    end_line: int

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


def word_count(sentence: str) -> int:
    """Words in a sentence (tokens with a letter or digit; dashes and the like do not count)."""
    return sum(1 for token in sentence.split() if _WORD.search(token))


def is_grounding(sentence: str) -> bool:
    """True if the sentence is a grounding or exit line (see :data:`GROUNDING_PATTERNS`)."""
    return any(pattern.search(sentence) for pattern in _GROUNDING)


def _paragraph_sentences(session: Session) -> Iterator[tuple[int, str]]:
    """(line, sentence) of every spoken sentence, variables filled in with the defaults."""
    for cue in session.cues:
        if isinstance(cue, Paragraph):
            for sentence in split_sentences(substitute(cue.text, session.variables)):
                yield cue.line, sentence


def _long(line: int, sentence: str, what: str) -> StrictProblem | None:
    count = word_count(sentence)
    if count <= MAX_SENTENCE_WORDS:
        return None
    start = " ".join(sentence.split()[:6])
    return StrictProblem(line, f"{what} has {count} words (at most {MAX_SENTENCE_WORDS}): "
                               f"'{start} …'; split it in two")


def text_problems(session: Session) -> list[StrictProblem]:
    """Long sentences, reflections without a spoken question, ratings that do not say what
    they measure (see module docstring); in script order."""
    found: list[tuple[int, int, StrictProblem]] = []
    variables = session.variables
    for line, sentence in _paragraph_sentences(session):
        problem = _long(line, sentence, "a spoken sentence")
        if problem:
            found.append((line, 0, problem))
    for cue in session.cues:
        if isinstance(cue, Paragraph) and (match := _DIRECTIVE_IN_TEXT.search(cue.text)):
            found.append((cue.line, 0, StrictProblem(
                cue.line, f"'{match.group(0).strip()}' is inside the narration, so the voice "
                          "speaks it as words; put it on a line of its own")))
    for sentence in split_sentences(session.safety):
        problem = _long(1, sentence, "a sentence of the safety note")
        if problem:
            found.append((1, 0, problem))
    last_paragraph: Paragraph | None = None
    for cue in session.cues:
        if isinstance(cue, Paragraph):
            last_paragraph = cue
            continue
        if not isinstance(cue, Reflect):
            continue
        prompt = substitute(cue.prompt, variables)
        for sentence in split_sentences(prompt):
            problem = _long(cue.line, sentence, "the reflection prompt")
            if problem:
                found.append((cue.line, 1, problem))
        heard = split_sentences(substitute(last_paragraph.text, variables)) if last_paragraph else []
        if not any(s.rstrip("\"'”’)").endswith("?") for s in heard):
            found.append((cue.line, 2, StrictProblem(
                cue.line, f"no spoken question before the reflection '{prompt}': a hands-free "
                          "listener with closed eyes hears only silence; end the paragraph "
                          "before it with a question")))
        if "rating" in cue.inputs:
            if cue.scale is None:
                found.append((cue.line, 3, StrictProblem(
                    cue.line, "the rating does not say what it measures; write "
                              "PROMPT | QUESTION | 0 LOW WORDS | 10 HIGH WORDS")))
            else:
                problem = _long(cue.line, substitute(cue.scale.question, variables),
                                "the rating question")
                if problem:
                    found.append((cue.line, 3, problem))
        last_paragraph = None  # the next reflection needs its own question
    return [problem for _line, _order, problem in sorted(found, key=lambda f: (f[0], f[1]))]


def _speech_lines(session: Session, timeline: Timeline) -> list[tuple[Segment, int]]:
    """Each speech segment of `timeline` with the script line of its paragraph.

    The timeline speaks the paragraphs' sentences in order, so they pair up one to one.
    """
    lines = [line for line, _sentence in _paragraph_sentences(session)]
    speech = [s for s in timeline.segments if s.kind == "speech"]
    if len(lines) != len(speech):  # other variables than the defaults split differently
        lines = (lines + [0] * len(speech))[:len(speech)]
    return list(zip(speech, lines))


def invites_eyes_closed(session: Session) -> bool:
    """True if a spoken sentence invites the eyes to close (only then is there an eyes-closed
    stretch to measure, and the timeline check needs speech lengths)."""
    return any(_EYES_CLOSE.search(sentence) for _line, sentence in _paragraph_sentences(session))


def eyes_closed_stretches(session: Session, timeline: Timeline) -> list[Stretch]:
    """The eyes-closed time cut at every grounding line, in order (empty if the session never
    invites the eyes to close). Use a hands-free timeline: reflections then take their time."""
    spoken = _speech_lines(session, timeline)
    closing = next((i for i, (seg, _l) in enumerate(spoken) if _EYES_CLOSE.search(seg.text or "")),
                   None)
    if closing is None:
        return []
    opening = max((i for i, (seg, _l) in enumerate(spoken)
                   if i > closing and _EYES_OPEN.search(seg.text or "")), default=None)
    anchors = [closing] + [i for i in range(closing + 1, len(spoken) if opening is None else opening)
                           if is_grounding(spoken[i][0].text or "")]
    stretches: list[Stretch] = []
    for a, b in zip(anchors, anchors[1:] + [opening]):
        first, first_line = spoken[a]
        if b is None:
            end_ms, end_text, end_line = timeline.duration_ms, "(the end)", first_line
        else:
            last, end_line = spoken[b]
            end_ms, end_text = timeline.ms(last.start_sample), last.text or ""
        stretches.append(Stretch(timeline.ms(first.end_sample), end_ms, first.text or "",
                                 end_text, first_line, end_line))
    return stretches


def timeline_problems(session: Session, timeline: Timeline) -> list[StrictProblem]:
    """Eyes-closed stretches longer than :data:`MAX_EYES_CLOSED_MS` without grounding."""
    problems = []
    for stretch in eyes_closed_stretches(session, timeline):
        if stretch.length_ms > MAX_EYES_CLOSED_MS:
            problems.append(StrictProblem(
                stretch.end_line,
                f"{format_clock_ms(stretch.length_ms)} of eyes-closed practice "
                f"({format_clock_ms(stretch.start_ms)}–{format_clock_ms(stretch.end_ms)}, after "
                f"'{stretch.start_text}') without a grounding or exit line; at most "
                f"{MAX_EYES_CLOSED_MS // 60_000} minutes: add one, such as 'If it is too much, "
                "feel your feet on the floor, or open your eyes.'", stretch.start_ms))
    return problems


def strict_problems(session: Session, timeline: Timeline) -> list[StrictProblem]:
    """Every strict finding for `session` (text checks, then the timeline check)."""
    return text_problems(session) + timeline_problems(session, timeline)
