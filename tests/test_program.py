"""Tests for the bundled MIT program, crisis resources and safety texts (mit_desktop.content.program)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from mit_desktop import paths
from mit_desktop.content import program
from mit_desktop.content.program import (
    FALLBACK_REGION,
    CrisisRegion,
    ProgramDataError,
    load_crisis_resources,
    load_program,
    load_safety_text,
    load_safety_texts,
    resources_for_region,
)

EXPECTED_ORDER = [
    ("stretch-breathe", 1),
    ("eye-center", 1),
    ("nesting-doll", 2),
    ("situation-solver", 3),
    ("life-globe", 4),
    ("bam", None),
]


def _front_matter(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "+++", f"{path} does not start with front matter"
    end = lines.index("+++", 1)
    return tomllib.loads("\n".join(lines[1:end]))


def _only_service(region: CrisisRegion):
    assert len(region.services) == 1, region
    return region.services[0]


# ---------------------------------------------------------------------- program


def test_every_program_entry_file_exists() -> None:
    entries = load_program().entries
    assert entries, "the program has no sessions"
    for entry in entries:
        assert entry.path == paths.sessions_dir() / entry.file
        assert entry.path.is_file(), f"{entry.id}: {entry.path} is missing"


def test_program_order_and_weeks() -> None:
    entries = load_program().entries
    assert [(entry.id, entry.week) for entry in entries] == EXPECTED_ORDER


def test_program_dose_is_five_a_week_with_two_as_minimum() -> None:
    loaded = load_program()
    assert loaded.weeks == 4
    assert loaded.target_per_week == 5
    assert loaded.minimum_per_week == 2


def test_program_groups_by_week_and_any_time() -> None:
    loaded = load_program()
    assert [entry.id for entry in loaded.for_week(1)] == ["stretch-breathe", "eye-center"]
    assert [entry.id for entry in loaded.for_week(2)] == ["nesting-doll"]
    assert [entry.id for entry in loaded.any_time()] == ["bam"]
    assert loaded.entry("bam").any_time
    with pytest.raises(KeyError):
        loaded.entry("no-such-session")


def test_program_entries_match_their_scripts() -> None:
    for entry in load_program().entries:
        front = _front_matter(entry.path)
        assert front["id"] == entry.id
        assert front["module"] == entry.module
        assert front["title"] == entry.title
        assert front["summary"] == entry.summary
        assert entry.file == f"{entry.id}.session.md"


def test_every_bundled_script_is_in_the_program() -> None:
    listed = {entry.file for entry in load_program().entries}
    on_disk = {path.name for path in paths.sessions_dir().glob("*.session.md")}
    assert on_disk == listed


def test_every_script_offers_a_way_out_early_and_has_reflections() -> None:
    for entry in load_program().entries:
        text = entry.path.read_text(encoding="utf-8")
        narration = [
            line
            for line in text.split("+++", 2)[2].splitlines()
            if line.strip() and not line.startswith(("#", "//", "["))
        ]
        opening = " ".join(narration[:12]).lower()
        assert "stop at any time" in opening, f"{entry.id} does not offer a way out early"
        reflections = re.findall(r"^\[reflect\b", text, flags=re.MULTILINE)
        minimum = 1 if entry.module == "bam" else 3
        assert len(reflections) >= minimum, f"{entry.id} has {len(reflections)} reflections"
        assert _front_matter(entry.path).get("safety"), f"{entry.id} has no safety note"


def _narration_lines(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    end = lines.index("+++", 1)
    return [
        (number, line.strip())
        for number, line in enumerate(lines[end + 1 :], start=end + 2)
        if line.strip() and not line.lstrip().startswith(("#", "//", "["))
    ]


def test_narration_is_easy_for_the_speech_voice_to_read() -> None:
    # Spoken one sentence at a time by a TTS voice: no numerals, brackets, quotation
    # marks, ellipses or dashes it could misread, and every line ends a sentence.
    hard = re.compile(r"[0-9()\[\]\"\u201c\u201d\u2026\u2013\u2014;/&]|\.\.\.| - ")
    for entry in load_program().entries:
        for number, line in _narration_lines(entry.path):
            where = f"{entry.file}:{number}: {line}"
            assert not hard.search(line), where
            assert line[-1] in ".?!", where


def test_session_lengths_fit_the_program() -> None:
    for entry in load_program().entries:
        minutes = _front_matter(entry.path)["minutes"]
        if entry.module == "bam":
            assert 2 <= minutes <= 4, entry.id
        else:
            assert 15 <= minutes <= 25, entry.id


def test_nesting_doll_own_felt_sense_uses_the_body_map() -> None:
    text = load_program().entry("nesting-doll").path.read_text(encoding="utf-8")
    first_reflection = re.search(r"^\[reflect [^\]]*\]", text, flags=re.MULTILINE)
    assert first_reflection is not None
    assert "body-map" in first_reflection.group(0)


def test_program_file_with_unknown_key_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "program.toml"
    original = program.program_path().read_text(encoding="utf-8")
    bad.write_text(original.replace("\nweek = 2", "\nwek = 2"), encoding="utf-8")
    with pytest.raises(ProgramDataError, match=r"program\.toml.*unknown key 'wek'"):
        load_program(bad)


def test_program_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "program.toml"
    bad.write_text("schema = 1\n[program\n", encoding="utf-8")
    with pytest.raises(ProgramDataError, match=r"program\.toml: not valid TOML"):
        load_program(bad)


# ---------------------------------------------------------------------- crisis resources


def test_united_states_and_canada_have_988_call_or_text() -> None:
    for code in ("US", "CA"):
        service = _only_service(resources_for_region(code))
        assert service.phone == "988"
        assert service.text == "988"
        assert "24 hours" in service.hours
    assert _only_service(resources_for_region("US")).name == "988 Suicide & Crisis Lifeline"


def test_united_kingdom_and_ireland_have_samaritans_116_123() -> None:
    for code in ("GB", "UK", "IE"):
        region = resources_for_region(code)
        service = _only_service(region)
        assert service.name == "Samaritans"
        assert service.phone == "116 123"
        assert service.phone_digits == "116123"
        assert service.text == ""
        assert "24 hours" in service.hours
    assert resources_for_region("UK").code == "GB"


def test_australia_has_lifeline_13_11_14() -> None:
    service = _only_service(resources_for_region("AU"))
    assert service.name == "Lifeline"
    assert service.phone == "13 11 14"
    assert service.phone_digits == "131114"
    assert "24 hours" in service.hours


def test_only_the_known_numbers_are_listed() -> None:
    numbers = {
        (region.code, service.phone, service.text)
        for region in load_crisis_resources()
        for service in region.services
    }
    assert numbers == {
        ("US", "988", "988"),
        ("CA", "988", "988"),
        ("GB", "116 123", ""),
        ("IE", "116 123", ""),
        ("AU", "13 11 14", ""),
        (FALLBACK_REGION, "", ""),
    }


@pytest.mark.parametrize("code", ["", None, "ZZ", "fr", "xx_YY", "   "])
def test_unknown_or_empty_region_falls_back_to_local_emergency_number(code: str | None) -> None:
    region = resources_for_region(code)
    assert region.code == FALLBACK_REGION
    assert region.is_fallback
    assert "local emergency number" in _only_service(region).notes


@pytest.mark.parametrize(
    ("locale_name", "expected"),
    [("en_US", "US"), ("en-GB", "GB"), ("en_AU.UTF-8", "AU"), ("ie", "IE")],
)
def test_locale_names_find_their_region(locale_name: str, expected: str) -> None:
    assert resources_for_region(locale_name).code == expected


AU_REGION = ('[[region]]\ncode = "AU"\nname = "Australia"\nemergency = ["000"]\n'
             'emergency_source = "ESTA"\nemergency_checked = "2026-12-01"\n'
             '[[region.service]]\nname = "Lifeline"\nphone = "13 11 14"\nhours = "always"\n'
             'source = "Lifeline"\nchecked = "2026-11-30"\n')
ELSEWHERE = ('[[region]]\ncode = "elsewhere"\nname = "Somewhere else"\n'
             '[[region.service]]\nname = "Local"\nhours = "any time"\nnotes = "Call your local '
             'emergency number."\n')


def test_crisis_file_without_fallback_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "crisis_resources.toml"
    bad.write_text("schema = 2\n" + AU_REGION, encoding="utf-8")
    with pytest.raises(ProgramDataError, match=r"crisis_resources\.toml.*'elsewhere'"):
        load_crisis_resources(bad)


def test_crisis_service_without_any_contact_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "crisis_resources.toml"
    bad.write_text(
        'schema = 2\n[[region]]\ncode = "elsewhere"\nname = "Other"\n'
        '[[region.service]]\nname = "Nobody"\nhours = "never"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProgramDataError, match=r"crisis_resources\.toml.*no phone, text or notes"):
        load_crisis_resources(bad)


@pytest.mark.parametrize(("change", "fragment"), [
    (('checked = "2026-11-30"\n', ''), "needs its 'source' and the date it was 'checked'"),
    (('source = "Lifeline"\n', ''), "needs its 'source'"),
    (('checked = "2026-11-30"', 'checked = "1 Dec"'), "not a date written YYYY-MM-DD"),
    (('emergency = ["000"]\n', ''), "name the region's 'emergency' number"),
    (('emergency_source = "ESTA"\n', ''), "'emergency_source' and 'emergency_checked'"),
    (('emergency = ["000"]', 'emergency = ["triple zero"]'), "a list of numbers to dial"),
    (('phone = "13 11 14"', 'phone = "Lifeline"'), "is not a number to dial"),
])
def test_every_number_needs_its_source_and_date(tmp_path: Path, change: tuple[str, str],
                                                 fragment: str) -> None:
    assert change[0] in AU_REGION
    bad = tmp_path / "crisis_resources.toml"
    bad.write_text("schema = 2\n" + AU_REGION.replace(*change, 1) + ELSEWHERE, encoding="utf-8")
    with pytest.raises(ProgramDataError, match=re.escape(fragment)):
        load_crisis_resources(bad)
    good = tmp_path / "good.toml"
    good.write_text("schema = 2\n" + AU_REGION + ELSEWHERE, encoding="utf-8")
    assert [r.code for r in load_crisis_resources(good)] == ["AU", FALLBACK_REGION]


def test_somewhere_else_comes_last(tmp_path: Path) -> None:
    bad = tmp_path / "crisis_resources.toml"
    bad.write_text("schema = 2\n" + ELSEWHERE + AU_REGION, encoding="utf-8")
    with pytest.raises(ProgramDataError, match="must be the last"):
        load_crisis_resources(bad)


def test_every_listed_region_names_its_emergency_number_with_source_and_date() -> None:
    import datetime as dt

    emergency = {r.code: r.emergency for r in load_crisis_resources()}
    assert emergency == {"US": ("911",), "CA": ("911",), "GB": ("999", "112"),
                         "IE": ("112", "999"), "AU": ("000",), FALLBACK_REGION: ()}
    for region in load_crisis_resources():
        dates = [s.checked for s in region.services if s.phone or s.text]
        if not region.is_fallback:
            assert region.emergency_source and "(" in region.emergency_source  # names the page
            dates.append(region.emergency_checked)
        for service in region.services:
            if service.phone or service.text:
                assert service.source and "(" in service.source
        for date in dates:
            assert dt.date.fromisoformat(date) <= dt.date.today()


def test_the_fallback_is_somewhere_else_and_regions_are_never_guessed() -> None:
    from mit_desktop.content.crisis import find_region, help_lines

    regions = load_crisis_resources()
    assert regions[-1].name == "Somewhere else" and regions[-1].is_fallback
    assert find_region(None) is None and find_region("ZZ") is None
    assert find_region("uk").code == "GB"
    everywhere = help_lines(None)
    assert "has not been chosen" in everywhere[0]
    for number in ("988", "116 123", "13 11 14", "911", "999", "000", "112"):
        assert any(number in line for line in everywhere), number
    assert help_lines(resources_for_region("GB"))[-1] == "In an emergency, call 999 or 112."
    assert help_lines(regions[-1])[-1] == "In an emergency, call your local emergency number."


# ---------------------------------------------------------------------- safety texts


def test_safety_texts_exist_and_have_a_title_and_body() -> None:
    texts = load_safety_texts()
    assert set(texts) == {"first_run", "stop_screen", "before_session", "help_now",
                          "questionnaire_item9"}
    for text in texts.values():
        assert text.title
        assert len(text.body) > 100


def test_first_run_text_says_it_supports_and_does_not_replace_clinical_care() -> None:
    body = " ".join(load_safety_text("first_run").body.replace("*", "").split()).lower()
    assert "supports, and does not replace, care from a clinician" in body
    for topic in ("anxiety", "grief", "painful memories", "open your eyes", "crisis line",
                  "help now"):
        assert topic in body, topic


def test_first_run_says_when_to_talk_to_a_clinician_first() -> None:
    body = " ".join(load_safety_text("first_run").body.split()).lower()
    assert "talk to a clinician first if" in body
    for topic in ("tried to end your life", "psychosis", "mania", "drinking heavily or using drugs",
                  "violence, abuse or another trauma"):
        assert topic in body, topic


def test_safety_texts_speak_in_short_sentences() -> None:
    from mit_desktop.session.strict import MAX_SENTENCE_WORDS, word_count
    from mit_desktop.session.text import split_sentences

    for text in load_safety_texts().values():
        for paragraph in re.split(r"\n\s*\n|\n- |\n\d\. ", text.body):
            for sentence in split_sentences(paragraph.replace("*", "")):
                assert word_count(sentence) <= MAX_SENTENCE_WORDS, (text.name, sentence)


def test_stop_screen_offers_grounding_and_help() -> None:
    body = " ".join(load_safety_text("stop_screen").body.split()).lower()
    for topic in ("feet on the floor", "look around", "breathe slowly", "local emergency number"):
        assert topic in body, topic


def test_questionnaire_safety_text_offers_grounding_clinician_and_crisis_help() -> None:
    body = " ".join(load_safety_text("questionnaire_item9").body.replace("*", "").split()).lower()
    for topic in ("feet on the floor", "look around", "breathe slowly",
                  "contact your therapist, doctor or counselor today",
                  "local emergency number", "listed below"):
        assert topic in body, topic


def test_missing_safety_text_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ProgramDataError, match=r"first_run\.md: file not found"):
        load_safety_text("first_run", tmp_path)
