"""Import of a therapist's recording with an Audacity label file as its cue sheet.

Audacity's label export: one label per line, ``start<TAB>end<TAB>text`` with
times in seconds (a point label has start = end). Lines starting with a
backslash carry a label's frequency range and are skipped. Each label
becomes a reflection point at its start; the audio between labels becomes
``[clip ... from ... to ...]`` lines in a generated, editable script.

Times are kept exactly as Audacity wrote them (six decimals: microseconds), so
a label at t seconds puts its reflection at sample round(t × rate) of the
recording and the clips between labels join sample for sample. A region's end
is not used: overlapping regions and point labels are all fine.

A label whose text starts with ``#`` starts a section there instead (``# Your center``
becomes the heading "Your center"; a bare ``#`` becomes "Part N"): the recording's
chapters, which the listener can jump to. The recorder's whole-take mode writes its
section starts this way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.session.durations import format_clock_us, seconds_to_us
from mit_desktop.session.errors import Problem, SessionError
from mit_desktop.session.files import read_small_file

MAX_LABEL_S = 86_400
"""A label's time is at most 24 hours into the recording."""
MAX_LABEL_FILE_BYTES = 1_000_000
"""A label file may be at most 1 MB (tens of thousands of labels)."""

DEFAULT_PROMPT = "Take a moment to notice what you are experiencing right now."


@dataclass(frozen=True)
class Label:
    """One label: `start_us`/`end_us` in microseconds (exact), its text, its line number."""

    start_us: int
    end_us: int
    text: str
    line: int


def parse_labels(path: Path) -> list[Label]:
    """Read an Audacity label file; SessionError listing every malformed line."""
    raw = read_small_file(path, "label file", MAX_LABEL_FILE_BYTES)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # older Audacity on Windows wrote the system code page
    labels: list[Label] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("\\"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            problems.append(Problem(path, number, None,
                                    "expected 'start<TAB>end<TAB>text' (an Audacity label export)"))
            continue
        try:
            start, end = seconds_to_us(parts[0]), seconds_to_us(parts[1])
        except ValueError:
            problems.append(Problem(path, number, 1, "the start and end times must be numbers of seconds"))
            continue
        if max(start, end) > MAX_LABEL_S * 1_000_000:
            problems.append(Problem(path, number, 1, "the start and end times must be seconds "
                                    f"from 0 to {MAX_LABEL_S:,} (24 hours)"))
            continue
        if start < 0 or end < start:
            problems.append(Problem(path, number, 1, "a label's end must not come before its start"))
            continue
        labels.append(Label(start, end, parts[2].strip() if len(parts) > 2 else "", number))
    if problems:
        raise SessionError(problems)
    if not labels:
        raise SessionError([Problem(path, 1, None, "the label file has no labels")])
    return sorted(labels, key=lambda label: label.start_us)


def _escape(text: str) -> str:
    return " ".join(text.replace("{", "{{").replace("}", "}}").split())


def _session_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "recording"


def recording_script(audio: Path, labels: list[Label], out: Path, duration_ms: int,
                     reflect_ms: int = 30_000) -> str:
    """The text of a session script playing `audio` with a reflection at each label.

    The clip path is written relative to `out`'s folder. Labels past the end
    of the audio (`duration_ms`) are an error; a recording of no known length (0 ms,
    as a damaged file's header may say) is the recording's error, not its labels'.
    """
    if duration_ms <= 0:
        raise SessionError([Problem(audio, 1, None,
                                    "this recording has no audio that can be played (its length "
                                    "reads as 0 s, so it is probably damaged); copy or export it "
                                    "again")])
    late = [label for label in labels if label.start_us >= (duration_ms + 1) * 1000]
    if late:
        raise SessionError([Problem(Path(str(out) + " labels"), label.line, None,
                                    f"label at {label.start_us / 1e6:.1f} s is past the end of the "
                                    f"recording ({duration_ms / 1000:.1f} s)") for label in late])
    folder = out.resolve().parent
    try:  # beside or below the script: relative, so the two can move together
        rel = audio.resolve().relative_to(folder)
    except ValueError:
        rel = audio.resolve()
    stem = audio.stem
    title = stem.replace("_", " ").replace("-", " ").strip().title() or "Recording"
    n_reflections = sum(not label.text.startswith("#") for label in labels)
    lines = [
        "+++",
        f'id = "{_session_id(out.name.removesuffix(".session.md") or stem)}"',
        f'title = "{title}"',
        'module = "recording"',
        f'summary = "A recorded practice with {n_reflections} reflection point(s)."',
        f"minutes = {max(0.1, round((duration_ms + n_reflections * reflect_ms) / 60_000, 1))}",
        "+++",
        "",
        f"# {title}",
        "",
        f"// Imported from {audio.name} with its Audacity labels; edit freely.",
        "",
    ]
    position = 0  # microseconds
    parts = 1
    for label in labels:
        if label.start_us > position:
            lines.append(f"[clip {rel} from {format_clock_us(position)} to {format_clock_us(label.start_us)}]")
        if label.text.startswith("#"):
            parts += 1
            heading = " ".join(label.text.lstrip("#").split()) or f"Part {parts}"
            lines += ["", f"## {heading}", ""]
        else:
            prompt = _escape(label.text) or DEFAULT_PROMPT
            lines.append(f"[reflect {reflect_ms // 1000}s note: {prompt}]")
            lines.append("")
        position = label.start_us
    if position < duration_ms * 1000:
        lines.append(f"[clip {rel} from {format_clock_us(position)}]")
    return "\n".join(lines).rstrip() + "\n"
