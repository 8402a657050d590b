"""Pace and intelligibility of the narration (issue 14), before and after, in the same run.

"Before" is how the program spoke until issue 14: each sentence synthesised whole at
the default rate 0.75, no phrase pauses. "After" is today's default: phrases with
pauses (mit_desktop.render.pacing). Both are mixed through the real mixer, on the
same sentences, from the same speech cache (build/bench-cache), so Piper's
randomness is the same for both sides of every comparison that shares audio.

Records (value = after, baseline_value = before, each with a 95 % bootstrap interval
over sentences as ci_low/ci_high and baseline_ci_low/baseline_ci_high):

- speech.default_wpm: words a minute over each sentence's voiced span (first voiced
  frame to last, phrase pauses included), pooled over every sentence of the program.
- speech.max_sentence_wpm: the fastest sentence of the program.
- speech.wer_default: word error (%) of an offline recogniser (PocketSphinx) on a fixed
  sample of the program's sentences, no background sound.
- speech.wer_rate1: the same at rate 1.0 (baseline: whole sentences at 1.0).
- speech.wer_bed_minus_none_points: word error with a default bed (at its script level,
  ducked as the mixer does) minus without, in points, for the worst of the default beds
  (paired bootstrap); speech.bed_minus_none_points.<bed> for each bed.
- speech.wer_slower_voice: word error on every sentence (program and unseen) that the
  pacer speaks with a voice slower than the rate asked for (its slower voice, or the
  one-phrase last resort), against the same sentences whole at 0.75; `sentences` says
  how many there are (few: the figure is a check, not a precise rate).
- speech.unseen.*: the same on sentences that are not in the program
  (benchmarks/data/unseen_sentences.txt).

Keep it out of pass/fail tests: the recogniser's error on a synthetic voice is high in
absolute terms, and only differences measured in the same run mean anything.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import speech_measure as sm

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
UNSEEN = Path(__file__).resolve().parent / "data" / "unseen_sentences.txt"
PROGRAM_SAMPLE = 40
SEED = 14
DEFAULT_BEDS = (("stream", 15), ("rain", 12), ("ocean", 14), ("drone", 12))  # as the scripts set them
LEAD_MS = 4000  # silence before the sentence: the bed has faded in fully (3 s) by then
EDGE_MS = 300  # audio kept before and after the sentence for the recogniser
WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Condition:
    phrased: bool  # False: the whole sentence from one synthesis, no phrase pauses (before)
    rate: float = 0.75
    bed: tuple[str, int] | None = None


def program_sentences() -> list[str]:
    from mit_desktop.content.library import list_sessions
    from mit_desktop.session.model import Paragraph
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.text import split_sentences, substitute

    entries, _errors = list_sessions(include_user=False)
    sentences: list[str] = []
    for entry in entries:
        session = parse_session(entry.path)
        for cue in session.cues:
            if isinstance(cue, Paragraph):
                sentences += split_sentences(substitute(cue.text, session.variables))
    return sentences


def unseen_sentences() -> list[str]:
    lines = UNSEEN.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class Speaker:
    """Renders one sentence under a condition through the real engine and mixer."""

    def __init__(self, before_mixing: Callable[[object], None] | None = None) -> None:
        from mit_desktop.render.engine import Engine

        self.engine = Engine(REPO / "build" / "bench-cache")
        self.rate = self.engine.sample_rate
        self.before_mixing = before_mixing or (lambda mixer: None)

    def layout(self, text: str, condition: Condition):
        from mit_desktop.render.pacing import SentenceLayout
        from mit_desktop.session.timeline import SpeechPart

        if condition.phrased:
            return self.engine.sentence(None, condition.rate, text, 1.0)
        ref = self.engine.ensure(None, condition.rate, text)
        return SentenceLayout((SpeechPart(ref.key, 0, ref.n_samples, 0),), ref.n_samples)

    def render(self, text: str, condition: Condition) -> tuple[np.ndarray, np.ndarray]:
        """(mix, voice stem) from EDGE_MS before the sentence to EDGE_MS after it."""
        from mit_desktop.session.timeline import AmbienceChange, Segment, Timeline

        layout = self.layout(text, condition)
        grid = self.rate // 50
        lead = LEAD_MS * self.rate // 1000
        n = -(-layout.n_samples // grid) * grid
        speech = Segment("speech", lead, n, text=text, speech_key=layout.parts[0].key,
                         audio_samples=layout.n_samples, speech_parts=layout.parts)
        total = lead + n + self.rate
        beds = (AmbienceChange(0, condition.bed[0], condition.bed[1]),) if condition.bed else ()
        timeline = Timeline("bench", "", self.rate, "hands-free",
                            (Segment("silence", 0, lead), speech, Segment("silence", lead + n, self.rate)),
                            (), (), beds, total)
        mixer = self.engine.mixer(timeline)
        if not condition.phrased:
            self.before_mixing(mixer)
        edge = EDGE_MS * self.rate // 1000
        start = lead - edge
        stems = mixer.render_stems(start, layout.n_samples + 2 * edge)
        mix = stems["voice"] + stems["bells"] + stems["ambience"]
        return mix, stems["voice"]

    def slowest_voice(self, text: str, rate: float = 0.75) -> float:
        """The slowest voice rate the pacer speaks `text` with at `rate` (== rate unless it
        chose its slower voice or the last resort)."""
        pacer = self.engine.phrased
        asked: list[float] = []
        original = pacer.phrase

        def noting(voice_id, phrase_rate, phrase_text):  # type: ignore[no-untyped-def]
            asked.append(phrase_rate)
            return original(voice_id, phrase_rate, phrase_text)

        pacer.phrase = noting  # type: ignore[method-assign]
        try:
            pacer.sentence(None, rate, text, 1.0)
        finally:
            del pacer.phrase
        return min(asked)

    def span(self, text: str, condition: Condition) -> int:
        """The sentence's voiced span in samples, as `mit-desktop analyze` measures it."""
        from mit_desktop.render.pacing import voiced_span_samples

        _mix, voice = self.render(text, condition)
        return voiced_span_samples(voice, self.rate)


def _record(name: str, unit: str, after: tuple, before: tuple, baseline: str, n: int) -> dict:
    return {"name": name, "value": round(after[0], 2), "unit": unit,
            "ci_low": round(after[1], 2), "ci_high": round(after[2], 2),
            "baseline": baseline, "baseline_value": round(before[0], 2),
            "baseline_ci_low": round(before[1], 2), "baseline_ci_high": round(before[2], 2),
            "sentences": n}


def pace_records(speaker: Speaker, sentences: list[str], prefix: str) -> list[dict]:
    words = np.array([len(s.split()) for s in sentences], dtype=float)
    spans = {}
    for phrased in (False, True):
        condition = Condition(phrased)
        spans[phrased] = np.array([speaker.span(s, condition) for s in sentences], dtype=float)
    before, after = (sm.pace(words, spans[p], speaker.rate) for p in (False, True))
    fast_before, fast_after = (sm.fastest(words, spans[p], speaker.rate) for p in (False, True))
    base = "rate 0.75, whole sentences (before issue 14)"
    log.info("%s pace: %.1f -> %.1f wpm; fastest %.0f -> %.0f", prefix, before[0], after[0],
             fast_before[0], fast_after[0])
    return [_record(f"{prefix}default_wpm", "wpm", after, before, base, len(sentences)),
            _record(f"{prefix}max_sentence_wpm", "wpm", fast_after, fast_before, base, len(sentences))]


_WORKER: dict[str, object] = {}


def _start_worker() -> None:
    """In each worker process: its own speaker (same cache) and recogniser."""
    _WORKER["speaker"] = Speaker(before_mixing=_mix_as_before)
    _WORKER["recogniser"] = sm.Recogniser()


def _transcribe(sentence: str, condition: Condition) -> str:
    speaker: Speaker = _WORKER["speaker"]  # type: ignore[assignment]
    recogniser: sm.Recogniser = _WORKER["recogniser"]  # type: ignore[assignment]
    return recogniser.transcribe(speaker.render(sentence, condition)[0], speaker.rate)


def wer_records(pool: Executor, sentences: list[str], prefix: str, with_rate1: bool) -> list[dict]:
    def scores(condition: Condition) -> sm.Scores:
        hyps = list(pool.map(_transcribe, sentences, [condition] * len(sentences)))
        result = sm.score(sentences, hyps)
        log.info("%s %s: WER %.1f %%", prefix, condition, result.wer_percent)
        return result

    n = len(sentences)
    records = []
    quiet = {p: scores(Condition(p)) for p in (False, True)}
    before, after = ((quiet[p].wer_percent, *sm.wer_interval(quiet[p])) for p in (False, True))
    records.append(_record(f"{prefix}wer_default", "%", after, before,
                           "rate 0.75, whole sentences (before issue 14)", n))
    if with_rate1:
        fast = {p: scores(Condition(p, rate=1.0)) for p in (False, True)}
        before, after = ((fast[p].wer_percent, *sm.wer_interval(fast[p])) for p in (False, True))
        records.append(_record(f"{prefix}wer_rate1", "%", after, before,
                               "rate 1.0, whole sentences (before issue 14)", n))
    worst: dict[bool, tuple[float, float, float]] = {}
    for bed in DEFAULT_BEDS:
        diffs = {p: sm.paired_difference(scores(Condition(p, bed=bed)), quiet[p]) for p in (False, True)}
        records.append(_record(f"{prefix}bed_minus_none_points.{bed[0]}", "points", diffs[True],
                               diffs[False], f"{bed[0]} {bed[1]}%, mixed as before issue 14", n))
        for p in (False, True):
            if p not in worst or diffs[p][0] > worst[p][0]:
                worst[p] = diffs[p]
    records.append(_record(f"{prefix}wer_bed_minus_none_points", "points", worst[True], worst[False],
                           "worst default bed, mixed as before issue 14", n))
    return records


def slower_voice_records(speaker: Speaker, pool: Executor, sentences: list[str]) -> list[dict]:
    """Word error on the sentences the pacer slows the voice for, before and after."""
    slowed = []
    for sentence in dict.fromkeys(sentences):  # each sentence once
        rate = speaker.slowest_voice(sentence)
        if rate < 0.75 - 1e-9:
            slowed.append(sentence)
            log.info("slower voice %.3f: %s", rate, sentence)
    if not slowed:
        return []
    result = {}
    for phrased in (False, True):
        hyps = list(pool.map(_transcribe, slowed, [Condition(phrased)] * len(slowed)))
        result[phrased] = sm.score(slowed, hyps)
        log.info("slowed sentences, phrased=%s: WER %.1f %%", phrased, result[phrased].wer_percent)
    before, after = ((result[p].wer_percent, *sm.wer_interval(result[p])) for p in (False, True))
    return [_record("speech.wer_slower_voice", "%", after, before,
                    "the same sentences whole at rate 0.75 (before issue 14)", len(slowed))]


#: The bed under the voice before issue 14: 6 dB below the script's level (0.5 in gain).
DUCKING_BEFORE = -6.02


def _mix_as_before(mixer) -> None:  # type: ignore[no-untyped-def]
    """The pre-issue-14 bed under speech: -6 dB (its 400 ms linear ramps differ only at the
    edges), the drone keeping its chord."""
    from mit_desktop.render import levels

    mixer.ducking = levels.Ducking(bed_db=0.0, under_voice_db=DUCKING_BEFORE)
    mixer.unpitched_under_voice = False


def run() -> list[dict]:
    speaker = Speaker(before_mixing=_mix_as_before)
    program = program_sentences()
    sample = random.Random(SEED).sample(program, PROGRAM_SAMPLE)
    unseen = unseen_sentences()
    records = pace_records(speaker, program, "speech.")
    records += pace_records(speaker, unseen, "speech.unseen.")
    # the recogniser is the slow part: one worker per core (each sentence's result is the same
    # whichever process decodes it)
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker) as pool:
        records += wer_records(pool, sample, "speech.", with_rate1=True)
        records += wer_records(pool, unseen, "speech.unseen.", with_rate1=False)
        records += slower_voice_records(speaker, pool, program + unseen)
    return records
