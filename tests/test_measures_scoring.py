"""The four questionnaires: wording kept word for word, scores and bands as published.

Worked examples follow the instruments' own scoring instructions: PHQ-9 and GAD-7 add
the item answers (0-3) and read the band from the published cut-offs 5/10/15/20
(Kroenke 2001; Spitzer 2006); WHO-5 adds the answers (0-5) and multiplies by 4, raw
below 13 prompting a depression check (Psykiatrisk Center 1998); SCS-SF reverses items
1, 4, 8, 9, 11, 12 (6 − answer) and takes the mean (Raes et al. 2011).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mit_desktop.content import measures
from mit_desktop.content.datafiles import ProgramDataError


@pytest.fixture(scope="module")
def by_id() -> dict[str, measures.Instrument]:
    return {i.id: i for i in measures.load_instruments()}


def test_every_instrument_file_names_its_source_and_terms(by_id) -> None:
    assert list(by_id) == ["phq9", "gad7", "who5", "scs_sf"]
    for instrument in by_id.values():
        header = (measures.measures_dir() / f"{instrument.id}.toml").read_text("utf-8")
        assert "Terms of use" in header and "Source of the wording" in header
        assert instrument.source and instrument.terms and instrument.citation


def test_wording_is_the_published_wording(by_id) -> None:
    phq = by_id["phq9"]
    assert [len(by_id[i].items) for i in by_id] == [9, 7, 5, 12]
    assert phq.items[8].text == ("Thoughts that you would be better off dead or of hurting "
                                 "yourself in some way")
    assert [o.label for o in phq.options] == ["Not at all", "Several days",
                                              "More than half the days", "Nearly every day"]
    assert by_id["gad7"].items[1].text == "Not being able to stop or control worrying"
    assert [o.value for o in by_id["who5"].options] == [5, 4, 3, 2, 1, 0]
    assert by_id["who5"].items[3].text == "I woke up feeling fresh and rested"
    assert [i.number for i in by_id["scs_sf"].items if i.reverse] == [1, 4, 8, 9, 11, 12]


@pytest.mark.parametrize(("answers", "total", "band"), [
    ([0] * 9, 0, "Minimal"),
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "Minimal"),
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "Mild"),
    ([1] * 9, 9, "Mild"),
    ([2, 2, 2, 2, 1, 1, 0, 0, 0], 10, "Moderate"),
    ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "Moderate"),
    ([3, 3, 3, 2, 2, 2, 0, 0, 0], 15, "Moderately severe"),
    ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "Moderately severe"),
    ([3, 3, 3, 3, 2, 2, 2, 2, 0], 20, "Severe"),
    ([3] * 9, 27, "Severe"),
])
def test_phq9_sums_and_bands(by_id, answers, total, band) -> None:
    result = measures.score(by_id["phq9"], answers)
    assert (result.value, result.band.label if result.band else None) == (total, band)


@pytest.mark.parametrize(("answers", "total", "band"), [
    ([0, 0, 1, 1, 1, 1, 0], 4, "Minimal"),
    ([1, 1, 1, 1, 1, 0, 0], 5, "Mild"),
    ([2, 2, 2, 2, 1, 0, 0], 9, "Mild"),
    ([2, 2, 2, 2, 2, 0, 0], 10, "Moderate"),
    ([2, 2, 2, 2, 2, 2, 2], 14, "Moderate"),
    ([3, 3, 3, 2, 2, 2, 0], 15, "Severe"),
    ([3] * 7, 21, "Severe"),
])
def test_gad7_sums_and_bands(by_id, answers, total, band) -> None:
    result = measures.score(by_id["gad7"], answers)
    assert (result.value, result.band.label if result.band else None) == (total, band)


def test_who5_is_the_raw_sum_times_four_and_below_13_is_poor(by_id) -> None:
    who5 = by_id["who5"]
    result = measures.score(who5, [3, 3, 2, 2, 2])  # raw 12
    assert (result.raw, result.value) == (12, 48)
    assert result.band and result.band.label.startswith("Poor well-being")
    result = measures.score(who5, [3, 3, 3, 2, 2])  # raw 13
    assert (result.raw, result.value) == (13, 52)
    assert result.band and result.band.label == "Not below the screening cut-off"
    assert measures.score(who5, [5] * 5).value == 100
    # an answer of 0 or 1 to any item is reported on its own, even with a high total
    assert measures.score(who5, [5, 5, 5, 5, 1]).low_items == (5,)


def test_every_possible_score_has_exactly_one_band(by_id) -> None:
    for instrument in (by_id["phq9"], by_id["gad7"], by_id["who5"]):
        low, high = instrument.score_range
        step = instrument.multiplier
        for value in range(int(low), int(high) + 1, step):
            holding = [b for b in instrument.bands if b.low <= value <= b.high]
            assert len(holding) == 1, (instrument.id, value)


def test_scs_sf_reverses_the_six_negative_items_and_takes_the_mean(by_id) -> None:
    scs = by_id["scs_sf"]
    # answering 5 ("Almost always") everywhere: six items count 5, six reversed count 1
    assert measures.score(scs, [5] * 12).value == 3.0
    # the most self-compassionate answers: 1 on the reversed items, 5 on the others
    best = [1 if item.reverse else 5 for item in scs.items]
    assert measures.score(scs, best).value == 5.0
    mixed = [2, 4, 3, 2, 4, 3, 4, 3, 2, 3, 2, 4]
    # reversed items 1, 4, 8, 9, 11, 12 answered 2, 2, 3, 2, 2, 4 count 4, 4, 3, 4, 4, 2 → 21; others: 4+3+4+3+4+3 = 21 → 42 / 12 = 3.5
    result = measures.score(scs, mixed)
    assert measures.score(scs, mixed[:-1] + [3]).value == 3.58  # 43 / 12, to 2 decimals
    assert result.value == 3.5 and result.band is None and result.text == "3.50"


def test_an_incomplete_form_is_not_scored_and_says_why(by_id) -> None:
    result = measures.score(by_id["phq9"], [1] * 8 + [None])
    assert result.value is None and result.band is None
    assert "all nine" in result.reason and result.text == "not scored"


def test_answers_the_instrument_does_not_have_are_refused(by_id) -> None:
    with pytest.raises(ValueError):
        measures.score(by_id["phq9"], [4] + [0] * 8)
    with pytest.raises(ValueError):
        measures.score(by_id["scs_sf"], [0] * 12)
    with pytest.raises(ValueError):
        measures.score(by_id["gad7"], [0] * 9)


def test_safety_item_is_phq9_item_9_above_not_at_all(by_id) -> None:
    phq, gad = by_id["phq9"], by_id["gad7"]
    assert not measures.needs_safety_message(phq, 9, 0)
    assert all(measures.needs_safety_message(phq, 9, v) for v in (1, 2, 3))
    assert not measures.needs_safety_message(phq, 8, 3)
    assert not measures.needs_safety_message(gad, 7, 3)


def test_follow_up_is_asked_only_when_some_problem_was_checked(by_id) -> None:
    phq = by_id["phq9"]
    assert not measures.asks_follow_up(phq, [0] * 9)
    assert measures.asks_follow_up(phq, [0] * 8 + [1])
    assert not measures.asks_follow_up(by_id["who5"], [0] * 5)


def test_a_band_outside_the_score_range_is_refused(tmp_path: Path) -> None:
    text = (measures.measures_dir() / "gad7.toml").read_text("utf-8")
    bad = tmp_path / "gad7.toml"
    bad.write_text(text.replace("high = 21", "high = 30"), "utf-8")
    with pytest.raises(ProgramDataError, match="outside"):
        measures.load_instrument(bad)
