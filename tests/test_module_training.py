"""What each practice trains, and "What is mentalizing?": bundled, complete, plain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mit_desktop.content.datafiles import ProgramDataError
from mit_desktop.content.module_training import (
    first_time_for_module,
    load_mentalizing_page,
    load_module_training,
    module_session_ids,
)
from mit_desktop.content.program import load_program
from mit_desktop.history import HistoryStore
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def test_every_program_module_says_what_it_trains_in_short_plain_sentences() -> None:
    modules = load_module_training()
    assert list(modules) == list(PROGRAM_MODULE_IDS)
    for module in modules.values():
        assert 3 <= len(module.prompts) <= 4, module.id
        for sentence in _sentences(" ".join((module.trains, *module.prompts))):
            assert len(sentence.split()) <= 22, (module.id, sentence)
        assert "\n" not in module.trains and "  " not in module.trains


def test_the_training_texts_name_mental_states_their_link_to_action_and_light_guesses() -> None:
    modules = load_module_training()
    # mental states of the other person, and what leads them to act, where the module turns
    # to others (JMIR Aging 2019, Table 1; Jain & Fonagy 2020)
    for module_id in ("nesting-doll", "situation-solver", "life-globe"):
        text = modules[module_id].trains.lower()
        for pattern in (r"fe(el|lt)", r"need", r"wish", r"they (do|did)\b"):
            assert re.search(pattern, text), (module_id, pattern)
    assert "lightly" in modules["nesting-doll"].trains
    assert "lightly" in modules["situation-solver"].trains
    assert "what a feeling makes you want to do" in modules["eye-center"].trains
    assert "intention lies behind what you do next" in modules["bam"].trains


def test_the_mentalizing_page_explains_both_directions_and_holding_guesses_lightly() -> None:
    page = load_mentalizing_page()
    assert page.title == "What is mentalizing?"
    body = page.body
    for words in ("thoughts, feelings, needs and wishes", "Towards yourself",
                  "Towards the other person", "held lightly", "does not replace"):
        assert words in body, words
    for module in load_module_training().values():
        assert module.title.split()[0] in body


@pytest.mark.parametrize("change, message", [
    (lambda s: s.replace('id = "bam"', 'id = "bamm"'), "unknown module"),
    (lambda s: s.replace("prompts = [", "promps = [", 1), "unknown key 'promps'"),
    (lambda s: s.replace('    "What intention did you find behind what you did next?",\n', ""),
     "give 3 or 4 prompts, not 2"),
])
def test_a_broken_modules_file_names_the_file_and_the_problem(tmp_path: Path, change,
                                                              message: str) -> None:
    from mit_desktop.content.module_training import modules_path

    broken = tmp_path / "modules.toml"
    broken.write_text(change(modules_path().read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ProgramDataError) as error:
        load_module_training(broken)
    assert str(error.value).startswith(str(broken)) and message in str(error.value)


def test_the_text_is_shown_until_the_module_has_been_heard_in_this_profile() -> None:
    store = HistoryStore.open()
    try:
        ann = store.create_profile("Ann")
        bob = store.create_profile("Bob")
        ids = module_session_ids("nesting-doll", load_program().entries)
        assert ids == {"nesting-doll"}
        assert first_time_for_module(store, ann, ids)
        practice = store.start_practice(ann, "nesting-doll", "h", "hands-free")
        assert first_time_for_module(store, ann, ids)  # started, nothing heard yet
        store.checkpoint(practice, 5_000, 5_000)
        assert not first_time_for_module(store, ann, ids)
        assert first_time_for_module(store, bob, ids)  # another profile's first time
        assert first_time_for_module(store, ann, {"eye-center"})
        own = module_session_ids("nesting-doll", [], "my-nesting-doll")
        assert own == {"my-nesting-doll"} and first_time_for_module(store, ann, own)
    finally:
        store.close()
