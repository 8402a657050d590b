"""The timeline strip under the script editor: where each sentence, gap, pause, bell,
reflection, recording and section falls, and how long it lasts, estimated from the script
alone (no speech is made), so it follows every key press.

The estimate is the facilitator guide's (:func:`mit_desktop.content.facilitator_guide.
estimate_outline`), item by item: speech at :data:`~mit_desktop.render.pacing.TARGET_WPM`
words a minute, the usual gap after each sentence and a longer one after each paragraph,
pauses and reflections as written (hands-free), about 8 s a bell and 5 s more for each
further strike, recordings at their decoded length (``clip_ms``) or their from/to span.
The strip fills in ``{variables}`` with the script's defaults (the guide counts one word
for each); otherwise its total is ``estimate_outline``'s (a test keeps them together).

All positions are whole milliseconds. :func:`strip_layout` places items on a strip
``width_px`` wide; :func:`item_at_x` and :func:`items_on_line` answer the editor's
questions (what is under the mouse, what belongs to the line with the cursor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mit_desktop.content.facilitator_guide import (
    BELL_MS,
    BELL_STRIKE_MS,
    MINUTE_MS,
    PARAGRAPH_GAP_MS,
    SENTENCE_GAP_MS,
)
from mit_desktop.render.pacing import TARGET_WPM
from mit_desktop.session.model import Bell, Clip, Heading, Paragraph, Pause, Reflect, Session
from mit_desktop.session.text import split_sentences, substitute

if TYPE_CHECKING:
    from mit_desktop.session.timeline import Timeline

SPEECH, GAP, PAUSE, BELL, REFLECTION, CLIP = "speech", "gap", "pause", "bell", "reflection", "clip"
KINDS = (SPEECH, GAP, PAUSE, BELL, REFLECTION, CLIP)


@dataclass(frozen=True)
class StripItem:
    """One stretch of the estimated timeline: ``kind`` (one of KINDS), from ``start_ms`` for
    ``duration_ms``, made by the cue on script ``line``; ``text``: the sentence, the
    reflection's prompt or the recording's file name ("" otherwise)."""

    kind: str
    start_ms: int
    duration_ms: int
    line: int
    text: str = ""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class StripSection:
    """A heading: ``title`` starts at ``start_ms``; ``level`` 1 for ``#``, 2 for ``##``."""

    title: str
    start_ms: int
    line: int
    level: int


@dataclass(frozen=True)
class Strip:
    """The estimated timeline of one script (hands-free, the usual settings)."""

    items: tuple[StripItem, ...]
    sections: tuple[StripSection, ...]
    duration_ms: int


def speech_ms(sentence: str) -> int:
    """About how long ``sentence`` takes to say, in ms (TARGET_WPM words a minute)."""
    return int(len(sentence.split()) / TARGET_WPM * MINUTE_MS)


def bell_ms(strikes: int) -> int:
    """About how long ``strikes`` strikes of a bell ring, in ms."""
    return BELL_MS + BELL_STRIKE_MS * (max(1, strikes) - 1)


def _clip_ms(cue: Clip, clip_ms: Mapping[Path, int]) -> int:
    length = clip_ms.get(cue.path, 0)
    start = (cue.from_us or 0) // 1000
    end = cue.to_us // 1000 if cue.to_us is not None else length
    if length:
        end = min(end, length)
    return max(0, end - start)


def estimate_strip(session: Session, clip_ms: Mapping[Path, int] | None = None) -> Strip:
    """The estimated timeline of ``session`` (module docstring); variables take the
    script's defaults. ``clip_ms``: each recording's length in ms, by path."""
    clip_ms = clip_ms or {}
    items: list[StripItem] = []
    sections: list[StripSection] = []
    position = 0.0  # kept fractional as estimate_outline does, so the totals agree

    def add(kind: str, length: float, line: int, text: str = "") -> None:
        nonlocal position
        start = int(position)
        position += length
        items.append(StripItem(kind, start, int(position) - start, line, text))

    for cue in session.cues:
        if isinstance(cue, Heading):
            sections.append(StripSection(cue.title, int(position), cue.line, cue.level))
        elif isinstance(cue, Paragraph):
            sentences = split_sentences(substitute(cue.text, session.variables))
            for number, sentence in enumerate(sentences):
                add(SPEECH, len(sentence.split()) / TARGET_WPM * MINUTE_MS, cue.line, sentence)
                last = number == len(sentences) - 1
                add(GAP, PARAGRAPH_GAP_MS if last else SENTENCE_GAP_MS, cue.line)
        elif isinstance(cue, Pause):
            add(PAUSE, cue.duration_ms, cue.line)
        elif isinstance(cue, Reflect):
            add(REFLECTION, cue.duration_ms, cue.line,
                substitute(cue.prompt, session.variables))
        elif isinstance(cue, Bell):
            add(BELL, bell_ms(cue.strikes), cue.line)
        elif isinstance(cue, Clip):
            add(CLIP, _clip_ms(cue, clip_ms), cue.line, cue.path.name)
    return Strip(tuple(items), tuple(sections), int(position))


def estimated_timeline(session: Session, strip: Strip) -> Timeline:
    """A hands-free :class:`~mit_desktop.session.timeline.Timeline` with the strip's speech
    segments (text and place), for the strict eyes-closed check without making speech."""
    from mit_desktop.session.timeline import HANDS_FREE, SAMPLE_RATE, Segment, Timeline

    def samples(ms: int) -> int:
        return ms * SAMPLE_RATE // 1000

    segments = tuple(Segment(item.kind if item.kind == SPEECH else "silence",
                             samples(item.start_ms), samples(item.end_ms) - samples(item.start_ms),
                             text=item.text if item.kind == SPEECH else None)
                     for item in strip.items)
    return Timeline(session.id, session.content_sha256, SAMPLE_RATE, HANDS_FREE, segments, (),
                    (), (), samples(strip.duration_ms))


# -- placing the strip on screen (pixels), and finding things on it --------------------


@dataclass(frozen=True)
class PlacedItem:
    """Where ``item`` is drawn: from ``x`` for ``width`` pixels (at least ``min_px``)."""

    item: StripItem
    x: int
    width: int


def x_for_ms(position_ms: int, duration_ms: int, width_px: int) -> int:
    """The pixel column of ``position_ms`` on a strip ``width_px`` wide (0 … width_px)."""
    if duration_ms <= 0 or width_px <= 0:
        return 0
    return min(width_px, max(0, position_ms * width_px // duration_ms))


def strip_layout(strip: Strip, width_px: int, min_px: int = 2) -> list[PlacedItem]:
    """Each item's place on a strip ``width_px`` wide: x from its start, width to its end
    (at least ``min_px``, so a short sentence stays visible; never past the strip's end).
    Gaps are left out: they are the strip's background."""
    placed = []
    for item in strip.items:
        if item.kind == GAP:
            continue
        x = x_for_ms(item.start_ms, strip.duration_ms, width_px)
        end = x_for_ms(item.end_ms, strip.duration_ms, width_px)
        width = max(min_px, end - x)
        x = max(0, min(x, width_px - width))
        placed.append(PlacedItem(item, x, width))
    return placed


def item_at_x(placed: list[PlacedItem], x: int) -> StripItem | None:
    """The item drawn at pixel column ``x`` (the last drawn, i.e. topmost), or None."""
    hit = None
    for p in placed:
        if p.x <= x < p.x + p.width:
            hit = p.item
    return hit


def items_on_line(strip: Strip, line: int) -> tuple[StripItem, ...]:
    """The items made by the cue the cursor on script ``line`` is in: the last cue line at
    or before ``line`` that made any (a paragraph's sentences for any of its lines)."""
    lines = sorted({item.line for item in strip.items if item.line <= line})
    if not lines:
        return ()
    return tuple(item for item in strip.items if item.line == lines[-1] and item.kind != GAP)


def describe(item: StripItem) -> str:
    """One line about ``item`` for people: what, when, how long (``"bell at 0:12, 8 s"``)."""
    what = {SPEECH: "sentence", PAUSE: "pause", BELL: "bell", REFLECTION: "reflection",
            CLIP: "recording", GAP: "gap"}[item.kind]
    seconds = item.duration_ms / 1000
    length = f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    text = f": {item.text}" if item.text else ""
    return f"{what} at {clock_ms(item.start_ms)}, {length} (line {item.line}){text}"


def clock_ms(position_ms: int) -> str:
    """m:ss (or h:mm:ss) for a position in ms, rounded down to the second."""
    seconds = max(0, int(position_ms)) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
