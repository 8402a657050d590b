"""Where a sentence may pause: phrase boundaries, chosen from the text alone.

An unhurried voice for older listeners is slowed mostly by pauses at phrase
boundaries, not by stretching the voice (a stretched Piper voice blurs). This
module decides *where* those pauses go; :mod:`mit_desktop.render.pacing`
decides *how long* they are.

Boundaries, strongest first:

- ``PUNCT``: the script's own comma, semicolon, colon or dash (always used);
- ``CLAUSE``: before a word that starts a clause or an instruction (``and``,
  ``but``, ``when``, ``if``, ``then`` …), and after a leading ``Now``;
- ``CHUNK``: between a content word and a following preposition, ``to``,
  subject pronoun, verb of being or modal, or question word (the "chinks and
  chunks" rule of Liberman and Church, 1992: "The stretching | is done");
- ``WEAK``: before a noun phrase's determiner after a content word or ``not``,
  and, in a short sentence, after a modal verb ("You can | let it be").

Only as many unpunctuated boundaries are added as the sentence needs for the
target pace (short sentences come out fastest, so they get one too), each
splitting the longest phrase nearest its middle. The choice depends only on
the text, the voice rate and the target, so a phrase's text (and its cache key)
never depends on Piper's non-deterministic audio.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

PUNCT, CLAUSE, CHUNK, WEAK = 4, 3, 2, 1

#: Words a minute of the Piper voice over a sentence's voiced span, per unit of rate
#: (measured: about 190 over the bundled program at rate 0.75).
VOICE_WPM_PER_RATE = 253.0
#: The same in syllables (1.27 a word in the program): short sentences of short words are
#: the fast ones, so a sentence's pauses are estimated from its syllables, before synthesis.
VOICE_SYLLABLES_PER_RATE = 320.0
#: The pause length a boundary is planned around: a sentence gets about one boundary
#: for each this much of missing time.
PLANNED_PAUSE_MS = 750

_CLAUSE_STARTERS = frozenset(
    "and but or so because when while if until then where whether though although unless "
    "since before after once whenever wherever".split()
)
_PREPOSITIONS = frozenset(
    "in on at to for with from into onto about through around along over under between "
    "toward towards across behind beside against without within inside outside near "
    "past beyond upon like by".split()
)
_FUNCTION_WORDS = _PREPOSITIONS | _CLAUSE_STARTERS | frozenset(
    "a an the this that these those your my our their his her its it i you we they he she "
    "me us them him is are was were be been am do does did not no can could may might will "
    "would shall should must of as just very there here what who which how all any some "
    "each every more most let up down out off away".split()
)
_MODALS = frozenset("can may might could will would should must".split())
_SUBJECTS = frozenset("you i we they he she it".split())
_PREDICATE_STARTS = frozenset("is are was were be can may might will would could should must "
                              "what how why".split())
_DETERMINERS = frozenset("the a an your this these those my our".split())
_QUESTION_WORDS = frozenset("what how why where who".split())
_LEADING_MARKERS = frozenset("now then slowly gently softly and where what how who why just often "
                             "sometimes perhaps maybe".split())
_PAUSE_PUNCT = re.compile(r"[,;:\u2014\u2013]$|\.\.\.$|\u2026$")
_DASH = re.compile(r"\s+[-\u2013\u2014]+\s+")
_WORD_CORE = re.compile(r"[^\w']+")


@dataclass(frozen=True)
class Phrase:
    """One phrase of a sentence: its text as spoken, its word count, and the strength of the
    boundary after it (0 for the sentence's last phrase)."""

    text: str
    words: int
    boundary: int


def _core(word: str) -> str:
    return _WORD_CORE.sub("", word).lower()


def _candidates(words: list[str]) -> dict[int, int]:
    """Boundary strength after word index i (0-based) for every possible break."""
    found: dict[int, int] = {}
    for i in range(len(words) - 1):
        here, nxt = _core(words[i]), _core(words[i + 1])
        if _PAUSE_PUNCT.search(words[i]):
            found[i] = PUNCT
        elif nxt in _CLAUSE_STARTERS and (i >= 1 or len(words) - i > 2):
            found[i] = CLAUSE
        elif nxt == "that" and here not in _FUNCTION_WORDS and len(words) - i > 3:
            found[i] = CLAUSE  # "Just notice | that a thought has come."
        elif here in ("now", "then") and len(words) - i >= 3 and (
                i == 0 or (i == 1 and _core(words[0]) == "and")):
            found[i] = CLAUSE
        elif here not in _FUNCTION_WORDS and nxt in _PREPOSITIONS:
            found[i] = CHUNK
        elif (here not in _FUNCTION_WORDS and here != "thank" and nxt in _SUBJECTS
              and i + 2 < len(words) and _core(words[i + 2]) not in _PREPOSITIONS):
            found[i] = CHUNK  # a pronoun starting a clause ("remember | you can"), not an object
        elif here not in _FUNCTION_WORDS and nxt in _PREDICATE_STARTS and len(words) - i > 2:
            found[i] = CHUNK
        elif nxt in _QUESTION_WORDS and len(words) - i > 2:
            found[i] = CHUNK
        elif i == 0 and here in _QUESTION_WORDS and words[-1].endswith("?"):
            found[i] = WEAK  # "Where | were you?"
        elif here in _SUBJECTS and nxt in ("have", "be") and i >= 2 and words[-1].endswith("?"):
            found[i] = WEAK  # "What might they | be feeling?"
        elif (here not in _FUNCTION_WORDS or here in ("not", "let")) and nxt in _DETERMINERS:
            found[i] = WEAK
        elif here in _MODALS and len(words) <= 6 and nxt not in _FUNCTION_WORDS - {"let"}:
            found[i] = WEAK
    return found


def syllables(word: str) -> int:
    """A spelling-based syllable count (vowel groups, a silent final e): good enough to tell
    "Where were you?" (3) from "Notice the sensations." (8)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    count = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def needed_pauses(words: list[str], rate: float, target_wpm: float) -> int:
    """How many pauses a sentence of `words` needs to come down to `target_wpm` at voice
    `rate`, planning about PLANNED_PAUSE_MS each (an estimate from syllables, before synthesis)."""
    voice_ms = sum(syllables(w) for w in words) * 60_000 / (VOICE_SYLLABLES_PER_RATE * rate)
    missing_ms = len(words) * 60_000 / target_wpm - voice_ms
    return max(0, math.ceil(missing_ms / PLANNED_PAUSE_MS - 0.25))


def split_phrases(sentence: str, rate: float, target_wpm: float, extra: int = 0) -> list[Phrase]:
    """The sentence as phrases to be synthesised one by one with a pause after each but the last.

    Punctuated boundaries are always used. Unpunctuated ones are added, strongest first and
    splitting the longest phrase, until the sentence has `needed_pauses` of them or no
    boundary is left that keeps two words on each side; `extra` asks for that many more (for a
    sentence the voice spoke faster than estimated). An added boundary gets a comma, so
    the voice ends the phrase with the rise of a continuing sentence rather than a full stop.
    """
    words = _DASH.sub(", ", " ".join(sentence.split())).split(" ")
    words = [w for w in words if w]
    if len(words) <= 1:
        return [Phrase(sentence.strip(), len(words), 0)]
    candidates = _candidates(words)
    if (not candidates and 3 <= len(words) <= 4 and _core(words[-2]) in ("is", "are", "was", "were")
            and _core(words[-1]) not in _FUNCTION_WORDS):
        candidates = {len(words) - 2: WEAK}  # a last resort for a very short sentence: "That is | human."
    chosen = {i: s for i, s in candidates.items() if s == PUNCT}
    wanted = needed_pauses(words, rate, target_wpm) + extra
    while len(chosen) < wanted:
        best = _best_split(words, chosen, candidates)
        if best is None:
            break
        chosen[best] = candidates[best]
    phrases = []
    start = 0
    for i in sorted(chosen) + [len(words) - 1]:
        part = words[start:i + 1]
        text = " ".join(part)
        strength = chosen.get(i, 0)
        if i in chosen and not _PAUSE_PUNCT.search(text):
            text = text.rstrip(",") + ","
        phrases.append(Phrase(text, len(part), strength))
        start = i + 1
    return phrases


def _best_split(words: list[str], chosen: dict[int, int], candidates: dict[int, int]) -> int | None:
    """The unchosen boundary splitting the longest phrase best: strongest, then most even;
    None when every phrase would leave a side shorter than two words (one for `Now`)."""
    edges = [-1] + sorted(chosen) + [len(words) - 1]
    best_score: tuple[int, int, int] | None = None
    best: int | None = None
    for lo, hi in zip(edges, edges[1:]):
        for i, strength in candidates.items():
            if not lo < i < hi or i in chosen:
                continue
            left, right = i - lo, hi - i
            first = _core(words[i])
            marker = left == 1 and (first in _LEADING_MARKERS or (
                first not in _FUNCTION_WORDS
                and _core(words[i + 1]) in _QUESTION_WORDS | _PREDICATE_STARTS | _CLAUSE_STARTERS))
            last_resort = right == 1 and len(words) <= 4 and strength == WEAK
            if min(left, right) < 2 and not (marker or last_resort):
                continue
            score = (strength, hi - lo, -abs(left - right))
            if best_score is None or score > best_score:
                best_score, best = score, i
    return best
