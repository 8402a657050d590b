"""Where a practice goes on when it is opened again at another speaking speed.

The same session in the same mode at another speed has the same segments in the same
order (each sentence, gap, pause, bell, recording and reflection); only the sentences
are longer or shorter. So a place in one timeline has a counterpart in the other: the
same segment, at the same offset into it if it is not speech (gaps and pauses keep their
length), or at its start if it is speech (a sentence begun at one speed starts again at
the other).
"""

from __future__ import annotations

import bisect

from mit_desktop.session.timeline import Timeline


def segment_at(timeline: Timeline, sample: int) -> int | None:
    """The index of the segment playing at ``sample`` (the last one starting at or before
    it), or None before the first segment or at or after the end."""
    if not timeline.segments or sample < 0 or sample >= timeline.n_samples:
        return None
    starts = [segment.start_sample for segment in timeline.segments]
    index = bisect.bisect_right(starts, sample) - 1
    return index if index >= 0 else None


def in_a_pause(timeline: Timeline, sample: int) -> bool:
    """True if ``sample`` falls in silence between sentences or in a pause of the script:
    a place to change the speed without cutting a sentence."""
    index = segment_at(timeline, sample)
    return index is not None and timeline.segments[index].kind == "silence"


def same_place(old: Timeline, sample: int, new: Timeline) -> int:
    """The sample of ``new`` that is the same place as ``sample`` of ``old``.

    In a gap or pause: as far into the same segment of ``new`` (at most its length); in a
    sentence, a bell, a recording or a reflection: its start in ``new``. If the two do not
    have the same segments (another session or mode), the same place is the start of the
    sentence with the same number (counting sentences), else the end of ``new``.
    """
    index = segment_at(old, sample)
    if index is None:
        return 0 if sample < 0 or not old.segments else new.n_samples
    kinds_old = [segment.kind for segment in old.segments]
    kinds_new = [segment.kind for segment in new.segments]
    if kinds_old == kinds_new:
        segment, counterpart = old.segments[index], new.segments[index]
        if segment.kind == "silence":
            offset = min(sample - segment.start_sample, counterpart.n_samples)
            return counterpart.start_sample + offset
        return counterpart.start_sample
    spoken_before = sum(1 for kind in kinds_old[:index + 1] if kind == "speech")
    speech_new = [segment for segment in new.segments if segment.kind == "speech"]
    if 0 < spoken_before <= len(speech_new):
        return speech_new[spoken_before - 1].start_sample
    return 0 if spoken_before == 0 else new.n_samples
