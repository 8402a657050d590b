"""What the heard position means: the section, the sentence and (hands-free) the reflection.

The player asks after every tick; `advance` reports only what changed since, so
each section, caption and reflection is announced once as it is reached (and
again after a seek lands in it).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from mit_desktop.playback import events as ev
from mit_desktop.session.timeline import Timeline


@dataclass(frozen=True)
class Changes:
    """What `Moments.advance` found new: each None when unchanged."""

    section: ev.SectionEntered | None = None
    caption: ev.Caption | None = None
    reflection_index: int | None = None  # hands-free only: its silence has begun


class Moments:
    """Tracks the section, caption and reflection of one timeline (snapshot) by position."""

    def __init__(self) -> None:
        self.timeline: Timeline | None = None
        self.section_starts: list[int] = []
        self.caption_starts: list[int] = []
        self.reflection_starts: list[int] = []
        self._section = self._caption = -1
        self._reflection = -1

    def use(self, timeline: Timeline) -> None:
        """Follow a newer snapshot of the same session (what was announced stays announced)."""
        self.timeline = timeline
        self.section_starts = [s.start_sample for s in timeline.sections]
        self.caption_starts = [s.start_sample for s in timeline.captions]
        self.reflection_starts = [r.start_sample for r in timeline.reflections]

    def jumped(self, target_sample: int) -> int:
        """After a seek to `target_sample`: announce again where it lands. Returns the index of
        the first reflection at or after it."""
        first = bisect.bisect_left(self.reflection_starts, target_sample)
        self._section = self._caption = -2
        self._reflection = first - 1
        return first

    def next_start(self, heard: int, hands_free: bool) -> int | None:
        """The first section, caption or (`hands_free`) reflection start after `heard`
        samples, or None."""
        lists = [self.section_starts, self.caption_starts]
        if hands_free:
            lists.append(self.reflection_starts)
        after = [starts[i] for starts in lists
                 if (i := bisect.bisect_right(starts, heard)) < len(starts)]
        return min(after, default=None)

    def advance(self, heard: int, at_stop: bool, hands_free: bool) -> Changes:
        """What changed at `heard` samples. `at_stop`: stopped (or about to stop) exactly at a
        reflection, where whatever starts at that very sample has not been heard yet."""
        tl = self.timeline
        if tl is None:
            return Changes()
        find = bisect.bisect_left if at_stop else bisect.bisect_right
        section = caption = None
        index = find(self.section_starts, heard) - 1
        if index != self._section and index >= 0:
            self._section = index
            s = tl.sections[index]
            section = ev.SectionEntered(index, s.title, tl.ms(s.start_sample))
        index = find(self.caption_starts, heard) - 1
        if index != self._caption and index >= 0:
            self._caption = index
            seg = tl.captions[index]
            end_ms = (seg.start_sample + seg.audio_samples) * 1000 // tl.sample_rate
            caption = ev.Caption(index, seg.text or "", tl.ms(seg.start_sample), end_ms)
        reflection = None
        if hands_free:
            index = bisect.bisect_right(self.reflection_starts, heard) - 1
            if index > self._reflection:
                self._reflection = reflection = index
        return Changes(section, caption, reflection)
