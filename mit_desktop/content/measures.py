"""Standard questionnaires (PHQ-9, GAD-7, WHO-5, SCS-SF) as data, and their scoring.

Qt-free, standard library only. Each instrument is one file in ``resources/measures/``
holding its items and answer options word for word, its scoring rule, its bands and,
in the file's header, where the wording comes from and its terms of use.

- :func:`load_instruments`: every instrument, in the order they are offered.
- :func:`score`: a :class:`Score` from the answers exactly as the instrument's
  authors publish it (sum, sum × multiplier, or mean with reversed items), with its
  band; an incomplete form is not scored and says why.
- :func:`needs_safety_message`: True when the answer to a PHQ-9 item 9 style
  ``safety_item`` is above its lowest option ("Not at all").

A malformed file raises :class:`~mit_desktop.content.datafiles.ProgramDataError`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mit_desktop import paths
from mit_desktop.content.datafiles import ProgramDataError, check_keys, check_schema, read_toml

SCHEMA_VERSION = 1
#: The order instruments are offered and listed in.
INSTRUMENT_ORDER: tuple[str, ...] = ("phq9", "gad7", "who5", "scs_sf")
SCORING_RULES = ("sum", "mean")


@dataclass(frozen=True)
class Option:
    """One answer: the number it scores (``value``) and its words (may be empty: the SCS-SF
    labels only its two ends)."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question. ``reverse``: scored as (lowest + highest − answer)."""

    number: int
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Band:
    """Scores from ``low`` to ``high`` (inclusive, on the reported scale) and their name."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Instrument:
    """One questionnaire (see the module docstring). ``follow_up``: an unscored last
    question asked only when some answer is above the lowest (the PHQ's "how difficult"),
    with its own ``follow_up_options``; ``safety_item``: the item number whose answer above
    the lowest option opens the safety message (0: none)."""

    id: str
    short_name: str
    title: str
    measures: str
    stem: str
    options: tuple[Option, ...]
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    scoring: str
    multiplier: int
    score_unit: str
    higher_is: str
    missing_reason: str
    source: str
    terms: str
    citation: str
    safety_item: int = 0
    follow_up: str = ""
    follow_up_options: tuple[Option, ...] = ()
    low_item_values: tuple[int, ...] = ()
    low_item_note: str = ""
    bands_note: str = ""

    @property
    def lowest(self) -> int:
        return min(option.value for option in self.options)

    @property
    def highest(self) -> int:
        return max(option.value for option in self.options)

    @property
    def score_range(self) -> tuple[float, float]:
        """The lowest and highest possible score, on the reported scale."""
        if self.scoring == "mean":
            return float(self.lowest), float(self.highest)
        count = len(self.items)
        return (self.lowest * count * self.multiplier, self.highest * count * self.multiplier)

    def band_for(self, value: float) -> Band | None:
        """The band holding `value`, or None (no bands, or none holds it)."""
        for band in self.bands:
            if band.low <= value <= band.high:
                return band
        return None

    def option_label(self, value: int) -> str:
        """The words of answer `value` (its number when the form prints none)."""
        for option in self.options:
            if option.value == value:
                return option.label or str(value)
        raise ValueError(f"{value} is not an answer to {self.short_name}")


@dataclass(frozen=True)
class Score:
    """The result of one completed questionnaire.

    ``value``: the score on the reported scale (None when not scored: ``reason`` says why);
    ``raw``: the plain sum (or mean) before any multiplier; ``band``: its band (None when
    the instrument has none); ``low_items``: items answered with a value the instrument
    flags on its own (WHO-5: 0 or 1).
    """

    instrument: str
    value: float | None
    raw: float | None
    band: Band | None
    reason: str = ""
    low_items: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """The score as a person reads it: ``"12"``, ``"48 %"``, ``"3.25"``."""
        if self.value is None:
            return "not scored"
        if float(self.value).is_integer():
            return str(int(self.value))
        return f"{self.value:.2f}"


def measures_dir() -> Path:
    """``resources/measures``: one TOML file per instrument."""
    return paths.resources_dir() / "measures"


def _options(path: Path, where: str, raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ProgramDataError(path, f"{where}: give at least two answer options")
    options = []
    for index, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            raise ProgramDataError(path, f"{where} {index}: must be a table")
        value, label = entry.get("value"), entry.get("label")
        if isinstance(value, bool) or not isinstance(value, int) or not isinstance(label, str) \
                or set(entry) != {"value", "label"}:
            raise ProgramDataError(path, f"{where} {index}: needs a whole-number 'value' and "
                                         "a 'label' (text, may be empty)")
        options.append(Option(value, label))
    if len({o.value for o in options}) != len(options):
        raise ProgramDataError(path, f"{where}: two options have the same value")
    return tuple(options)


def load_instrument(path: Path) -> Instrument:
    """One instrument file, checked (items numbered 1…n, bands within the score range)."""
    data = read_toml(path)
    check_keys(
        path, data,
        {"schema": int, "id": str, "short_name": str, "title": str, "measures": str,
         "stem": str, "scoring": str, "higher_is": str, "missing": str,
         "missing_reason": str, "source": str, "terms": str, "citation": str,
         "options": list, "items": list},
        {"score_unit": str, "multiplier": int, "safety_item": int, "follow_up": dict,
         "bands": list, "low_item_values": list, "low_item_note": str, "bands_note": str},
        "the file")
    check_schema(path, data, SCHEMA_VERSION)
    if data["scoring"] not in SCORING_RULES:
        raise ProgramDataError(path, f"scoring must be one of {', '.join(SCORING_RULES)}")
    if data["missing"] != "not_scored":
        raise ProgramDataError(path, "missing must be 'not_scored'")
    if data["higher_is"] not in ("better", "worse"):
        raise ProgramDataError(path, "higher_is must be 'better' or 'worse'")
    options = _options(path, "option", data["options"])
    items = []
    for index, entry in enumerate(data["items"], 1):
        if not isinstance(entry, dict):
            raise ProgramDataError(path, f"item {index}: must be a table")
        check_keys(path, entry, {"number": int, "text": str}, {"reverse": bool}, f"item {index}")
        if entry["number"] != index:
            raise ProgramDataError(path, f"item {index}: numbered {entry['number']}")
        items.append(Item(index, entry["text"], entry.get("reverse", False)))
    follow_up = ""
    follow_up_options: tuple[Option, ...] = ()
    if "follow_up" in data:
        check_keys(path, data["follow_up"], {"text": str, "options": list}, {}, "follow_up")
        follow_up = data["follow_up"]["text"]
        follow_up_options = _options(path, "follow_up option", data["follow_up"]["options"])
    bands = []
    for index, entry in enumerate(data.get("bands", []), 1):
        if not isinstance(entry, dict):
            raise ProgramDataError(path, f"band {index}: must be a table")
        check_keys(path, entry, {"low": int, "high": int, "label": str}, {}, f"band {index}")
        bands.append(Band(entry["low"], entry["high"], entry["label"]))
    safety_item = data.get("safety_item", 0)
    if not 0 <= safety_item <= len(items):
        raise ProgramDataError(path, f"safety_item {safety_item} is not an item")
    instrument = Instrument(
        id=data["id"], short_name=data["short_name"], title=data["title"],
        measures=data["measures"], stem=data["stem"], options=options, items=tuple(items),
        bands=tuple(bands), scoring=data["scoring"], multiplier=data.get("multiplier", 1),
        score_unit=data.get("score_unit", ""), higher_is=data["higher_is"],
        missing_reason=data["missing_reason"], source=data["source"], terms=data["terms"],
        citation=data["citation"], safety_item=safety_item, follow_up=follow_up,
        follow_up_options=follow_up_options,
        low_item_values=tuple(int(v) for v in data.get("low_item_values", [])),
        low_item_note=data.get("low_item_note", ""), bands_note=data.get("bands_note", ""))
    low, high = instrument.score_range
    for band in instrument.bands:
        if not low <= band.low <= band.high <= high:
            raise ProgramDataError(path, f"band {band.label!r} lies outside {low}–{high}")
    return instrument


@functools.lru_cache(maxsize=4)
def _load_all(folder: Path) -> tuple[Instrument, ...]:
    found = []
    for instrument_id in INSTRUMENT_ORDER:
        instrument = load_instrument(folder / f"{instrument_id}.toml")
        if instrument.id != instrument_id:
            raise ProgramDataError(folder / f"{instrument_id}.toml",
                                   f"its id is {instrument.id!r}, not {instrument_id!r}")
        found.append(instrument)
    return tuple(found)


def load_instruments(folder: Path | None = None) -> tuple[Instrument, ...]:
    """Every instrument, in :data:`INSTRUMENT_ORDER` (cached per folder)."""
    return _load_all(folder or measures_dir())


def instrument(instrument_id: str, folder: Path | None = None) -> Instrument:
    """The instrument with this id; KeyError if there is none."""
    for found in load_instruments(folder):
        if found.id == instrument_id:
            return found
    raise KeyError(instrument_id)


def check_answers(instrument: Instrument, answers: Sequence[int | None]) -> None:
    """ValueError unless `answers` has one entry per item, each None or one of its options."""
    if len(answers) != len(instrument.items):
        raise ValueError(f"{instrument.short_name} has {len(instrument.items)} questions, "
                         f"not {len(answers)}")
    allowed = {option.value for option in instrument.options}
    for number, answer in enumerate(answers, 1):
        if answer is not None and (isinstance(answer, bool) or answer not in allowed):
            raise ValueError(f"{instrument.short_name} question {number}: {answer!r} is not "
                             "one of its answers")


def score(instrument: Instrument, answers: Sequence[int | None]) -> Score:
    """Score `answers` (item order; None = not answered) as the instrument's authors do.

    ``sum``: the answers added up, times ``multiplier`` (WHO-5: raw 0–25 × 4 = 0–100 %).
    ``mean``: reversed items become (lowest + highest − answer), then the mean of all
    items, rounded to 2 decimals (SCS-SF, 1.00–5.00). Any unanswered item: not scored,
    with the instrument's reason. ValueError for an answer the instrument does not have.
    """
    check_answers(instrument, answers)
    if any(answer is None for answer in answers):
        return Score(instrument.id, None, None, None, instrument.missing_reason)
    values = [int(a) for a in answers if a is not None]
    flip = instrument.lowest + instrument.highest
    scored = [flip - v if item.reverse else v for item, v in zip(instrument.items, values)]
    low_items = tuple(item.number for item, v in zip(instrument.items, values)
                      if v in instrument.low_item_values)
    if instrument.scoring == "mean":
        raw: float = round(sum(scored) / len(scored), 2)
        value: float = raw
    else:
        raw = sum(scored)
        value = raw * instrument.multiplier
    return Score(instrument.id, value, raw, instrument.band_for(value), "", low_items)


def needs_safety_message(instrument: Instrument, item_number: int, answer: int | None) -> bool:
    """True when `answer` to the instrument's safety item is above its lowest option."""
    return (instrument.safety_item != 0 and item_number == instrument.safety_item
            and answer is not None and answer > instrument.lowest)


def asks_follow_up(instrument: Instrument, answers: Sequence[int | None]) -> bool:
    """True when the unscored follow-up question is to be asked ("If you checked off any
    problems"): the instrument has one and some answer is above the lowest option."""
    return bool(instrument.follow_up) and any(
        a is not None and a > instrument.lowest for a in answers)


def export_scorer(folder: Path | None = None) -> Any:
    """``scorer(instrument_id, answers) -> (score, band label)`` for the history export
    (:data:`mit_desktop.history.export.Scorer`); (None, None) when not scored. KeyError for
    an instrument this version does not know, ValueError for an answer it does not have."""
    def scorer(instrument_id: str, answers: Sequence[int | None]) -> tuple[Any, Any]:
        result = score(instrument(instrument_id, folder), answers)
        return result.value, result.band.label if result.band else None

    return scorer
