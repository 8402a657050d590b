"""The timeline strip's maths: where each sentence, gap, pause, bell, reflection and section
falls and how long it lasts (estimated from the script), and its place in pixels."""

from __future__ import annotations

from pathlib import Path

from mit_desktop import paths
from mit_desktop.authoring.strip import (
    BELL,
    GAP,
    PAUSE,
    REFLECTION,
    SPEECH,
    StripItem,
    describe,
    estimate_strip,
    item_at_x,
    items_on_line,
    speech_ms,
    strip_layout,
    x_for_ms,
)
from mit_desktop.content.facilitator_guide import estimate_outline
from mit_desktop.session.parser import parse_session, parse_text

SCRIPT = """+++
id = "s"
title = "S"
[variables]
who = "your friend"
+++

# Arriving

[bell 2]
Sit down. Think of {who} now.
[pause 8s]

## Inside

[reflect 40s note: What is there?]
"""


def strip_of(text: str):  # type: ignore[no-untyped-def]
    return estimate_strip(parse_text(text, Path("/tmp/s.session.md")))


def test_every_cue_is_placed_one_after_another_with_its_length() -> None:
    strip = strip_of(SCRIPT)
    kinds = [(i.kind, i.start_ms, i.duration_ms, i.line) for i in strip.items]
    # 2 words at 140 words a minute: 857 ms; 5 words: 2142 ms; a 2-strike bell: 8 s + 5 s
    assert kinds == [
        (BELL, 0, 13_000, 10),
        (SPEECH, 13_000, 857, 11), (GAP, 13_857, 1500, 11),  # whole ms of the running total
        (SPEECH, 15_357, 2143, 11), (GAP, 17_500, 3500, 11),
        (PAUSE, 21_000, 8000, 12),
        (REFLECTION, 29_000, 40_000, 16),
    ]
    assert strip.items[3].text == "Think of your friend now."  # variables filled in
    assert [(s.title, s.start_ms, s.level) for s in strip.sections] == \
        [("Arriving", 0, 1), ("Inside", 29_000, 2)]
    assert strip.duration_ms == 69_000
    assert speech_ms("one two three four five six seven") == 3000


def test_the_strip_agrees_with_the_facilitator_guide_on_every_bundled_practice() -> None:
    for path in sorted(paths.sessions_dir().glob("*.session.md")):
        session = parse_session(path)
        strip = estimate_strip(session)
        total, sections, _n = estimate_outline(session)
        # the strip fills in {loved_one} and the like (the guide counts one word for each)
        assert abs(strip.duration_ms - total) <= total // 50, path.name
        ends = [i.end_ms for i in strip.items]
        assert all(a.end_ms == b.start_ms for a, b in zip(strip.items, strip.items[1:])), path.name
        assert ends[-1] == strip.duration_ms
        firsts = {s.title: s.start_ms for s in strip.sections if s.level == 1}
        assert all(abs(firsts[s.title] - s.start_ms) <= total // 50 for s in sections)


def test_pixels_follow_the_times_and_short_items_stay_visible() -> None:
    strip = strip_of(SCRIPT)
    placed = strip_layout(strip, 690)  # 100 ms a pixel
    assert all(p.item.kind != GAP for p in placed)
    bell, first, second, pause, reflection = placed
    assert (bell.x, bell.width) == (0, 130)
    assert (first.x, first.width) == (130, 8)  # 13 000..13 857 ms
    assert (reflection.x, reflection.width) == (290, 400)
    tiny = strip_layout(strip, 10, min_px=3)
    assert all(p.width >= 3 and p.x + p.width <= 10 for p in tiny)
    assert item_at_x(placed, 135) is first.item
    assert item_at_x(placed, 140) is None  # in a gap
    assert item_at_x(placed, 689) is reflection.item
    assert x_for_ms(69_000, 69_000, 690) == 690 and x_for_ms(5, 0, 690) == 0


def test_the_items_of_the_cue_under_the_cursor() -> None:
    strip = strip_of(SCRIPT)
    assert items_on_line(strip, 1) == ()
    assert [i.kind for i in items_on_line(strip, 11)] == [SPEECH, SPEECH]
    assert [i.kind for i in items_on_line(strip, 14)] == [PAUSE]  # the last cue at or before
    assert [i.kind for i in items_on_line(strip, 99)] == [REFLECTION]


def test_an_item_is_described_in_words() -> None:
    item = StripItem(BELL, 72_000, 13_000, 10)
    assert describe(item) == "bell at 1:12, 13 s (line 10)"
    assert describe(StripItem(SPEECH, 0, 857, 10, "Sit down.")) == \
        "sentence at 0:00, 0.9 s (line 10): Sit down."
