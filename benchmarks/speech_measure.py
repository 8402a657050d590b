"""Intelligibility by numbers: an offline recogniser, word error rate and bootstrap intervals.

Used by bench_speech. The recogniser is PocketSphinx (the `bench` extra) with the
US English model its wheel bundles: nothing is downloaded. Its absolute word
error on a synthetic voice is high (it was trained on other voices); what counts
is the difference between conditions measured on the same sentences in the same run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mit_desktop.render.resample import resample

RECOGNISER_RATE = 16_000
BOOTSTRAP_ROUNDS = 2000
_NOT_WORD = re.compile(r"[^a-z' ]+")


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept: the dictionary has "don't")."""
    text = re.sub(r"\(\d+\)", " ", text.lower().replace("\u2019", "'"))
    return [w.strip("'") for w in _NOT_WORD.sub(" ", text).split() if w.strip("'")]


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Substitutions + deletions + insertions turning `reference` into `hypothesis` (Levenshtein)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


class Recogniser:
    """PocketSphinx over whole utterances (float audio at any rate)."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=RECOGNISER_RATE, logfn="/dev/null")

    def transcribe(self, audio: np.ndarray, sample_rate: int) -> str:
        x = resample(np.asarray(audio, dtype=np.float32), sample_rate, RECOGNISER_RATE)
        peak = float(np.max(np.abs(x), initial=0.0))
        if peak > 0.99:
            x = x * (0.99 / peak)
        pcm = np.round(x * 32767).astype("<i2").tobytes()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return hyp.hypstr if hyp is not None else ""


@dataclass(frozen=True)
class Scores:
    """Per-sentence word errors and reference word counts, in a fixed sentence order."""

    errors: np.ndarray
    words: np.ndarray

    @property
    def wer_percent(self) -> float:
        return float(100 * self.errors.sum() / self.words.sum())


def score(references: Sequence[str], hypotheses: Sequence[str]) -> Scores:
    errors, counts = [], []
    for ref, hyp in zip(references, hypotheses, strict=True):
        r = words_of(ref)
        errors.append(edit_distance(r, words_of(hyp)))
        counts.append(len(r))
    return Scores(np.array(errors, dtype=float), np.array(counts, dtype=float))


def _indices(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(BOOTSTRAP_ROUNDS, n))


def wer_interval(scores: Scores, seed: int = 14) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of the word error rate (%), resampling sentences."""
    idx = _indices(len(scores.words), seed)
    values = 100 * scores.errors[idx].sum(axis=1) / scores.words[idx].sum(axis=1)
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def paired_difference(a: Scores, b: Scores, seed: int = 14) -> tuple[float, float, float]:
    """WER(a) - WER(b) in points, with its 95 % paired-bootstrap interval (same sentences)."""
    idx = _indices(len(a.words), seed)
    values = 100 * (a.errors[idx].sum(axis=1) - b.errors[idx].sum(axis=1)) / a.words[idx].sum(axis=1)
    return (a.wer_percent - b.wer_percent, float(np.percentile(values, 2.5)),
            float(np.percentile(values, 97.5)))


def pace(words: np.ndarray, span_samples: np.ndarray, sample_rate: int,
         seed: int = 14) -> tuple[float, float, float]:
    """Words a minute over the sentences' summed spans, with its 95 % bootstrap interval."""
    value = float(words.sum() * 60 * sample_rate / span_samples.sum())
    idx = _indices(len(words), seed)
    values = words[idx].sum(axis=1) * 60 * sample_rate / span_samples[idx].sum(axis=1)
    return value, float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def fastest(words: np.ndarray, span_samples: np.ndarray, sample_rate: int,
            seed: int = 14) -> tuple[float, float, float]:
    """The fastest sentence's words a minute, with the 95 % bootstrap interval of the fastest
    (the interval says how much the figure depends on which sentences happen to be there)."""
    per = words * 60 * sample_rate / np.maximum(span_samples, 1)
    idx = _indices(len(words), seed)
    values = per[idx].max(axis=1)
    return float(per.max()), float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))
