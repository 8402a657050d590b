"""The printable facilitator guide: one page per program week for a group leader.

Qt-free. A week's guide holds the week's practices (what each trains, its safety note, its
sections with about when each begins), a suggested meeting plan with timings, three or
four discussion prompts per practice, and the safety steps: who should talk to a clinician
before taking part, what anyone can do during a practice, and the crisis numbers (for one
region, or every listed region). Everything comes from the bundled data: the program
(``audio/program.toml``), the scripts, ``resources/program/modules.toml`` and
``resources/safety``; only the headings and the meeting plan are written here.

:func:`build_guide` gathers it, :func:`render_html` prints it as one self-contained HTML
page (no scripts, no outside files), which a browser prints; ``mit_desktop.ui.guide_pdf``
turns the same HTML into a PDF.

Timings are estimates at the usual listening settings, from the script alone: about 140
words a minute over each sentence, the pauses between sentences and paragraphs, the
script's pauses and timed reflections, and about 8 seconds a bell (5 more for each further
strike). The bundled practices measure 23 to 25.4 minutes when rendered (issue 12);
``tests/test_facilitator_guide.py`` keeps the estimate within a minute and a half of that.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from dataclasses import dataclass
from typing import Any

from mit_desktop.content.crisis import find_region, help_lines
from mit_desktop.content.module_training import ModuleTraining, load_module_training
from mit_desktop.content.program import Program, load_program, load_safety_text
from mit_desktop.render.pacing import TARGET_WPM
from mit_desktop.session.model import Bell, Heading, Paragraph, Pause, Reflect, Session
from mit_desktop.session.parser import parse_session
from mit_desktop.session.text import split_sentences

log = logging.getLogger(__name__)

SENTENCE_GAP_MS = 1500
PARAGRAPH_GAP_MS = 3500
BELL_MS, BELL_STRIKE_MS = 8000, 5000
MINUTE_MS = 60_000


@dataclass(frozen=True)
class SectionTime:
    """A section of a practice and about when it begins (ms from the start)."""

    title: str
    start_ms: int


@dataclass(frozen=True)
class GuidePractice:
    """One practice of the week in the guide."""

    title: str
    summary: str
    training: ModuleTraining
    safety: str
    duration_ms: int
    sections: tuple[SectionTime, ...]
    reflections: int


@dataclass(frozen=True)
class Guide:
    """Everything one week's guide prints (see module docstring)."""

    week: int
    weeks: int
    practices: tuple[GuidePractice, ...]
    any_time: tuple[GuidePractice, ...]
    agenda: tuple[tuple[str, int], ...]
    """The meeting plan: (what happens, minutes)."""
    before: tuple[str, ...]
    """Who should talk to a clinician before taking part (first-run text)."""
    grounding: tuple[str, ...]
    """What anyone can do during or after a practice (stop-screen text)."""
    crisis: tuple[str, ...]
    region_name: str | None


def estimate_outline(session: Session) -> tuple[int, tuple[SectionTime, ...], int]:
    """(about how long `session` plays hands-free, its level-1 sections with about when each
    begins, its number of reflections), in ms, at the usual settings (module docstring)."""
    position = 0.0
    sections: list[SectionTime] = []
    for cue in session.cues:
        if isinstance(cue, Heading):
            if cue.level == 1:
                sections.append(SectionTime(cue.title, int(position)))
        elif isinstance(cue, Paragraph):
            sentences = split_sentences(cue.text)
            for number, sentence in enumerate(sentences):
                position += len(sentence.split()) / TARGET_WPM * MINUTE_MS
                position += PARAGRAPH_GAP_MS if number == len(sentences) - 1 else SENTENCE_GAP_MS
        elif isinstance(cue, (Pause, Reflect)):
            position += cue.duration_ms
        elif isinstance(cue, Bell):
            position += BELL_MS + BELL_STRIKE_MS * (cue.strikes - 1)
    return int(position), tuple(sections), len(session.reflections)


def _practice(entry: Any, training: dict[str, ModuleTraining]) -> GuidePractice:
    session = parse_session(entry.path)
    duration, sections, reflections = estimate_outline(session)
    return GuidePractice(entry.title, entry.summary, training[entry.module], session.safety,
                         duration, sections, reflections)


def _list_items(markdown: str, heading: str | None = None) -> tuple[str, ...]:
    """The ``-`` list items of `markdown` (under the ``## heading`` if given), joined across
    wrapped lines, without ``**`` marks or a closing ``;``/``.``."""
    text = markdown
    if heading is not None:
        match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
        text = match.group(1) if match else ""
    items: list[str] = []
    for line in text.splitlines():
        if re.match(r"^\s*[-*]\s+", line):
            items.append(re.sub(r"^\s*[-*]\s+", "", line).strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
        elif not line.strip() and items and heading is None:
            continue
    return tuple(re.sub(r"[;.]$", "", item.replace("**", "")).strip() for item in items)


def agenda(practices: tuple[GuidePractice, ...], week: int) -> tuple[tuple[str, int], ...]:
    """A suggested meeting plan (what, minutes); the practices' minutes are estimates."""
    plan: list[tuple[str, int]] = [
        ("Arriving; each person rates mood and stress from 0 to 10", 10),
        ("Welcome and introductions; how the group works, and that anyone may stop or pass"
         if week == 1 else "Home practice since the last meeting: what helped, what got in "
                           "the way", 10),
        ("What this week's practice trains (read it aloud)", 5),
    ]
    for p in practices:
        plan.append((f"{p.title}, together (read its safety note first)",
                     max(1, round(p.duration_ms / MINUTE_MS))))
        plan.append(("Eyes open, feet on the floor; a quiet moment before talking", 2))
    plan += [("Discussion, with the prompts below", 20),
             ("Home practice for the week, and closing", 5)]
    return tuple(plan)


def build_guide(week: int, region: str | None = None, program: Program | None = None,
                training: dict[str, ModuleTraining] | None = None) -> Guide:
    """The guide for program week `week` (1 to the program's length).

    `region`: a crisis-resource region code (e.g. ``"GB"``) for the numbers; None (or
    unknown) lists every region. Raises ``ValueError`` for a week outside the program,
    :class:`~mit_desktop.content.datafiles.ProgramDataError` for broken bundled data and
    ``SessionError`` for a broken script, each with a message a user can act on.
    """
    program = program or load_program()
    training = training or load_module_training()
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= program.weeks:
        raise ValueError(f"The program has weeks 1 to {program.weeks}; there is no week {week}.")
    practices = tuple(_practice(e, training) for e in program.for_week(week))
    any_time = tuple(_practice(e, training) for e in program.any_time())
    first_run = load_safety_text("first_run").markdown
    stop = load_safety_text("stop_screen").markdown
    chosen = find_region(region) if region else None
    return Guide(
        week=week, weeks=program.weeks, practices=practices, any_time=any_time,
        agenda=agenda(practices, week),
        before=_list_items(first_run, "Talk to a clinician first if"),
        grounding=_list_items(stop.split("## ")[0]),
        crisis=tuple(help_lines(chosen)[0 if chosen else 1:]),  # not "not chosen yet"
        region_name=chosen.name if chosen else None,
    )


def _minutes(ms: int) -> str:
    minutes = round(ms / MINUTE_MS)
    return "under a minute" if minutes == 0 else f"{minutes} minute" + ("s" if minutes > 1 else "")


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12pt; line-height: 1.4;
       color: #111; max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin-bottom: 0.2em; } h2 { font-size: 15pt; margin-top: 1.2em; }
h3 { font-size: 13pt; margin-bottom: 0.2em; }
.note { border-left: 4px solid #555; padding: 0.3em 0.8em; background: #f2f2f2; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #777;
        padding: 4px 8px; text-align: left; vertical-align: top; }
.small { font-size: 10pt; color: #333; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
"""


def render_html(guide: Guide, made: dt.date | None = None) -> str:
    """The guide as one self-contained, printable HTML page (UTF-8 text)."""
    e = html.escape
    titles = " and ".join(p.title for p in guide.practices)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Facilitator guide, week {guide.week}: {e(titles)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Week {guide.week} of {guide.weeks}: {e(titles)}</h1>",
        '<p class="small">Facilitator guide for a Mentalizing Imagery Therapy (MIT) practice '
        "group. MIT Desktop supports, and does not replace, care from a clinician."
        + (f" Printed on {made.isoformat()}." if made else "") + "</p>",
    ]
    parts.append("<h2>What this week's practice trains</h2>")
    for p in guide.practices:
        parts.append(f"<h3>{e(p.title)}</h3><p>{e(p.training.trains)}</p>")
    parts.append("<h2>Plan for the meeting</h2>")
    parts.append('<p class="small">A suggestion; adapt it to your group. The practices\' '
                 "lengths are estimates at the usual voice speed and pauses.</p>")
    parts.append("<table><tr><th>Minutes</th><th>What</th></tr>")
    for what, minutes in guide.agenda:
        parts.append(f"<tr><td>{minutes}</td><td>{e(what)}</td></tr>")
    total = sum(m for _w, m in guide.agenda)
    parts.append(f"<tr><td><b>{total}</b></td><td><b>In all</b></td></tr></table>")
    for p in guide.practices:
        parts.append(f"<h2>{e(p.title)}: about {_minutes(p.duration_ms)}</h2>")
        parts.append(f"<p>{e(p.summary)}</p>")
        if p.safety:
            parts.append(f'<p class="note"><b>Read aloud before starting:</b> {e(p.safety)}</p>')
        parts.append("<table><tr><th>From about</th><th>Section</th></tr>")
        for s in p.sections:
            parts.append(f"<tr><td>{_clock(s.start_ms)}</td><td>{e(s.title)}</td></tr>")
        parts.append("</table>")
        parts.append(f'<p class="small">{p.reflections} pauses for reflection; the voice asks '
                     "each question aloud.</p>")
        parts.append("<h3>Discussion prompts</h3><ol>")
        parts.extend(f"<li>{e(q)}</li>" for q in p.training.prompts)
        parts.append("</ol>")
    parts.append('<p class="small">Anyone may pass on any question. Listen for the feelings '
                 "and needs behind what people say, and hold guesses about another person's "
                 "mind lightly.</p>")
    for p in guide.any_time:
        parts.append(f"<h2>Any time: {e(p.title)} (about {_minutes(p.duration_ms)})</h2>")
        parts.append(f"<p>{e(p.training.trains)}</p>")
    parts.append("<h2>Safety steps</h2>")
    parts.append("<h3>Before anyone takes part</h3><p>The MIT studies left out, or looked "
                 "after more closely, people in these situations. The app's first page asks "
                 "each listener to talk to a clinician first if:</p><ul>")
    parts.extend(f"<li>{e(item)}</li>" for item in guide.before)
    parts.append("</ul><h3>During and after a practice</h3><p>Anyone may open their eyes "
                 "and stop at any time. If someone is upset:</p><ul>")
    parts.extend(f"<li>{e(item)}</li>" for item in guide.grounding)
    parts.append("</ul><p>Stay with them; talk about what came up once they feel steady, and "
                 "suggest they tell their clinician.</p>")
    where = f" ({e(guide.region_name)})" if guide.region_name else " (every listed region)"
    parts.append(f"<h3>If someone is in crisis{where}</h3><ul>")
    parts.extend(f"<li>{e(line)}</li>" for line in guide.crisis)
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"


def guide_file_name(week: int) -> str:
    """A file name for week `week`'s guide, without the suffix."""
    return f"mit-facilitator-guide-week-{week}"

