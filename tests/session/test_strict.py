"""Strict checks (`validate --strict`): grounding in long eyes-closed stretches, a spoken
question before every reflection, ratings that say what they measure, short sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeSources

from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import RatingScale, Reflect
from mit_desktop.session.parser import parse_text
from mit_desktop.session.strict import (
    MAX_EYES_CLOSED_MS,
    eyes_closed_stretches,
    is_grounding,
    strict_problems,
    text_problems,
    word_count,
)
from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder

HEAD = '+++\nid = "t"\ntitle = "T"\n[variables]\nloved_one = "the person you care for"\n+++\n'


def parse(body: str):
    return parse_text(HEAD + body, Path("/tmp/t.session.md"))


def timeline(session):
    fake = FakeSources()
    return TimelineBuilder(session, ListeningSettings(), fake, fake, fake).build()


def messages(session) -> list[str]:
    return [p.message for p in text_problems(session)]


# -- the rating scale in the reflect line -----------------------------------------


def test_a_rating_names_its_question_and_ends() -> None:
    s = parse("How calm?\n[reflect 30s note rating: What did you notice? | How calm do you feel "
              "now? | 0 not at all calm | 10 completely calm]\n")
    r = s.reflections[0]
    assert r.prompt == "What did you notice?"
    assert r.scale == RatingScale("How calm do you feel now?", "not at all calm", "completely calm")
    point = timeline(s).reflections[0]
    assert point.scale == r.scale and point.prompt == "What did you notice?"


@pytest.mark.parametrize("line, fragment", [
    ("[reflect 30s note: Why? | How much? | 0 none | 10 all]", "has no 'rating' input"),
    ("[reflect 30s rating: Why? | How much?]", "PROMPT | QUESTION | 0 LOW WORDS | 10 HIGH WORDS"),
    ("[reflect 30s rating: Why? | How much? | none | 10 all]", "must start with 0 and 10"),
    ("[reflect 30s rating: Why? | How much? | 0 none | {nobody}]", "must start with 0 and 10"),
    ("[reflect 30s rating: Why? | How is {nobody}? | 0 none | 10 all]", "unknown variable"),
])
def test_a_malformed_rating_scale_is_reported(line: str, fragment: str) -> None:
    with pytest.raises(SessionError) as info:
        parse(line + "\n")
    assert fragment in str(info.value)


def test_variables_are_filled_in_the_scale() -> None:
    s = parse("[reflect rating: Q? | How close is {loved_one}? | 0 far | 10 near]\n")
    fake = FakeSources()
    settings = ListeningSettings(variables={"loved_one": "Mum"})
    point = TimelineBuilder(s, settings, fake, fake, fake).build().reflections[0]
    assert point.scale is not None and point.scale.question == "How close is Mum?"


# -- text checks ----------------------------------------------------------------


def test_a_reflection_needs_a_spoken_question_in_the_paragraph_before_it() -> None:
    ok = parse("Settle.\n\nWhat do you notice?\n[pause 5s]\n[reflect note: What do you notice?]\n")
    assert messages(ok) == []
    silent = parse("What do you notice?\n\nRest here.\n[reflect note: What do you notice?]\n")
    assert any("no spoken question before the reflection" in m for m in messages(silent))
    # a second reflection straight after the first needs its own question
    twice = parse("What now?\n[reflect note: What now?]\n[reflect note: And then?]\n")
    assert [p.line for p in text_problems(twice)] == [9]


def test_a_rating_must_say_what_it_measures() -> None:
    s = parse("What now?\n[reflect note rating: What now?]\n")
    assert messages(s) == ["the rating does not say what it measures; write PROMPT | QUESTION | "
                           "0 LOW WORDS | 10 HIGH WORDS"]


def test_sentences_over_22_words_are_reported_with_variables_filled_in() -> None:
    long = ("Then, if you feel ready, you will turn gently towards {loved_one}, and imagine what "
            "might be going on inside them.")
    s = parse(long + "\n")
    assert word_count(long.replace("{loved_one}", "the person you care for")) == 24
    assert messages(s) == ["a spoken sentence has 24 words (at most 22): 'Then, if you feel ready, "
                           "you …'; split it in two"]
    assert messages(parse("One two three four five six seven eight nine ten eleven twelve "
                          "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                          "twenty twentyone twentytwo.\n")) == []


def test_the_safety_note_and_prompts_are_checked_too() -> None:
    note = " ".join(["word"] * 23) + "."
    s = parse_text(f'+++\nid = "t"\ntitle = "T"\nsafety = "{note}"\n+++\nWhat? \n'
                   f'[reflect note: {note[:-1]}?]\n', Path("/tmp/t.session.md"))
    found = messages(s)
    assert any(m.startswith("a sentence of the safety note has 23 words") for m in found)
    assert any(m.startswith("the reflection prompt has 23 words") for m in found)


# -- eyes-closed stretches ------------------------------------------------------


@pytest.mark.parametrize("sentence, grounding", [
    ("Feel your feet on the floor.", True),
    ("Now press both feet gently into the floor.", True),
    ("You can open your eyes and stop at any time.", True),
    ("Come back to your center, and to the breath.", True),
    ("You can stay with your own center instead.", True),
    ("Or look around the room.", True),
    ("Let your attention rest in your center.", False),
    ("Notice the breath, coming and going.", False),
])
def test_what_counts_as_a_grounding_line(sentence: str, grounding: bool) -> None:
    assert is_grounding(sentence) is grounding


def _long_practice(grounding_at_minute: int | None) -> str:
    parts = ["Welcome.\n", "If it feels right, let your eyes close.\n"]
    for minute in range(1, 9):
        parts.append("[pause 60s]\n")
        if minute == grounding_at_minute:
            parts.append("If it is too much, feel your feet on the floor.\n")
        else:
            parts.append("Rest here.\n")
    parts.append("When you are ready, let your eyes open.\n")
    return "".join(parts)


def test_more_than_five_minutes_without_grounding_is_a_problem() -> None:
    s = parse(_long_practice(None))
    t = timeline(s)
    stretches = eyes_closed_stretches(s, t)
    assert len(stretches) == 1 and stretches[0].length_ms > MAX_EYES_CLOSED_MS
    assert stretches[0].start_text == "If it feels right, let your eyes close."
    assert stretches[0].end_text == "When you are ready, let your eyes open."
    problems = strict_problems(s, t)
    assert len(problems) == 1 and "of eyes-closed practice" in problems[0].message
    assert problems[0].line == 7 + 16 + 1  # the script line where the eyes open
    assert problems[0].position_ms == stretches[0].start_ms


def test_a_grounding_line_in_the_middle_splits_the_stretch() -> None:
    s = parse(_long_practice(4))
    stretches = eyes_closed_stretches(s, timeline(s))
    assert len(stretches) == 2
    assert all(st.length_ms <= MAX_EYES_CLOSED_MS for st in stretches)
    assert strict_problems(s, timeline(s)) == []


def test_reflections_count_as_eyes_closed_time_in_hands_free_mode() -> None:
    body = ("Let your eyes close.\n" + "[pause 60s]\n" * 4
            + "What now?\n[reflect 90s note: What now?]\nLet your eyes open.\n")
    s = parse(body)
    assert [st.length_ms > MAX_EYES_CLOSED_MS for st in eyes_closed_stretches(s, timeline(s))] \
        == [True]


def test_a_session_that_never_closes_the_eyes_has_no_stretch() -> None:
    s = parse("Sit, with your eyes open or closed.\n[pause 400s]\nThank you.\n")
    assert eyes_closed_stretches(s, timeline(s)) == []


def test_reflect_model_keeps_scale_optional() -> None:
    assert Reflect(1000, ("note",), "Why?", 3).scale is None


def test_a_directive_inside_the_narration_is_reported() -> None:
    """'[pause 2s]' inside a line of narration is spoken as words, not a pause."""
    session = parse("Rest here. [pause 2s] Come back.\nAnd [bell] again.\n\n[pause 2s]\n"
                    "A [note] in brackets is only odd.\n")
    found = messages(session)
    assert found == ["'[pause 2s]' is inside the narration, so the voice speaks it as words; "
                     "put it on a line of its own"]
    assert [p.line for p in text_problems(session)] == [7]
