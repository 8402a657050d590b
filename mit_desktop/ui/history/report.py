"""A client report as PDF: practice summary, mood and stress charts, reflections, body maps.

For one profile and a date range, :func:`read_report` (``report_data.py``) collects the
numbers (all from ``history.stats``) and draws the body maps with ``bodymap.render``, on
the window's database lane; :func:`lay_out_report` draws the charts with the same
pyqtgraph charts as the history screen and lays everything out as a
:class:`QTextDocument`; :func:`write_report_pdf` prints it with :class:`QPdfWriter` (part
of QtGui, no printer support needed) to a file written atomically with mode 0600 — the
report holds private notes.

Needs a ``QApplication`` (the charts are widgets); the CLI creates one with the
offscreen platform.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QUrl
from PySide6.QtGui import QFont, QTextDocument

from mit_desktop.content.program import load_program
from mit_desktop.history import stats
from mit_desktop.history.diary import DiaryEntry
from mit_desktop.history.models import BodyMapRecord, SafetyEvent
from mit_desktop.history.program_plan import ProgramPlan
from mit_desktop.history.store import HistoryStore
from mit_desktop.practice.dose import Dose
from mit_desktop.ui.history.charts import RatingChart, _Chart, chart_image, rating_summary
from mit_desktop.ui.history.data import SessionCatalog
from mit_desktop.ui.history.diary import rgb_image
from mit_desktop.ui.history.report_data import ReportData, read_report
from mit_desktop.ui.history.safety import event_text
from mit_desktop.ui.history.text import emotion_name, long_date, minutes_text, tr
from mit_desktop.ui.pdf_file import write_pdf

CHART_WIDTH_PX = 1300
CHART_HEIGHT_PX = 560


@dataclass
class Report:
    """The laid-out report and the numbers in it (for tests and callers)."""

    document: QTextDocument
    profile_name: str
    first_day: dt.date
    last_day: dt.date
    practices: int
    listened_ms: int
    weeks: list[stats.WeekTotal]
    reflections: list[DiaryEntry]
    body_map_ids: list[int] = field(default_factory=list)
    safety_events: list[SafetyEvent] = field(default_factory=list)


def _esc(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _chart_html(document: QTextDocument, chart: _Chart, url: str,
                show: Callable[[], None]) -> str:
    """Draws `chart` for print (12-point text, CHART_WIDTH_PX x CHART_HEIGHT_PX) after
    `show` fills it, adds the image to `document` under `url` and returns the HTML
    paragraph that shows it 600 px wide."""
    chart_font = QFont(chart.font())
    chart_font.setPointSizeF(12)
    chart.apply_font(chart_font)
    show()
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url),
                         chart_image(chart, CHART_WIDTH_PX, CHART_HEIGHT_PX))
    return f'<p><img src="{url}" width="600"></p>'


def _summary_html(profile_name: str, first: dt.date, last: dt.date, made: dt.date,
                  weeks: list[stats.WeekTotal], doses: list[Dose], practices: int,
                  listened_ms: int, settings_target: int, settings_minimum: int) -> str:
    days = sum(w.days_practiced for w in weeks)
    parts = [
        f"<h1>{_esc(tr('Practice report: {name}').format(name=profile_name))}</h1>",
        "<p>" + _esc(tr("From {first} to {last}. Made on {made}.").format(
            first=long_date(first), last=long_date(last), made=long_date(made))) + "</p>",
        f"<h2>{_esc(tr('Practice'))}</h2>",
        "<p>" + _esc(tr("{practices} practices on {days} days, {minutes} in all.").format(
            practices=practices, days=days, minutes=minutes_text(listened_ms))) + "</p>",
        "<p>" + _esc(tr("The program suggests about {target} full practices a week; {minimum} is "
                        "the least that counts. A full practice is one of the program's practices "
                        "(not BAM) with at least 15 minutes listened; BAM, quiet practice and "
                        "shorter practices are counted apart.").format(
            target=settings_target, minimum=settings_minimum)) + "</p>",
        '<table border="1" cellspacing="0" cellpadding="4" width="100%">',
        "<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in (
            tr("Calendar week of"), tr("Days practiced"), tr("Practices"), tr("Minutes"),
            tr("Full practices against the aim"), tr("Also"))) + "</tr>",
    ]
    for week, dose in zip(weeks, doses, strict=True):
        if dose.met_target:
            verdict = tr("aim reached")
        elif dose.met_minimum:
            verdict = tr("minimum reached")
        else:
            verdict = tr("below the minimum")
        also = ", ".join(f"{label} {n}" for label, n in (
            (tr("shorter"), dose.partial), (tr("BAM"), dose.bam), (tr("quiet"), dose.quiet),
            (tr("own"), dose.other)) if n)
        cells = (long_date(week.week_start), str(week.days_practiced),
                 str(week.practices), str(round(week.listened_ms / 60_000)),
                 f"{dose.full} / {settings_target}: {verdict}", also or "–")
        parts.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _plan_html(plan: ProgramPlan, last_day: dt.date) -> str:
    """The program's start date, the week the report's last day falls in, and the practices
    the therapist chose for a week."""
    from mit_desktop.practice.program_weeks import program_week

    if plan.start_day is None:
        return "<p>" + _esc(tr("No program start date is set: the practices are offered in "
                              "program order.")) + "</p>"
    text = tr("The program started on {start_day}; {last_day} is in week {program_week}.").format(
        start_day=long_date(plan.start_day), last_day=long_date(last_day),
        program_week=program_week(plan.start_day, last_day))
    if program_week(plan.start_day, last_day) == 0:
        text = tr("The program starts on {start_day}.").format(start_day=long_date(plan.start_day))
    titles = {e.module: e.title for e in load_program().entries}
    chosen = "; ".join(tr("week {week}: {module}").format(
        week=week, module=titles.get(module, module))
                       for week, module in sorted(plan.assignments.items()))
    if chosen:
        text += " " + tr("Chosen by the therapist: {chosen}.").format(chosen=chosen)
    return "<p>" + _esc(text) + "</p>"


def _program_weeks_html(weeks: list[Any], target: int) -> str:
    """Practice days and minutes by program week against the program's weekly plan
    (:mod:`mit_desktop.practice.program_week_dose`); a sentence without a start date."""
    parts = [f"<h2>{_esc(tr('Practice by program week, against the plan'))}</h2>"]
    if not weeks:
        parts.append("<p>" + _esc(tr("No program week falls in these dates (without a program "
                                     "start date the weeks above are calendar weeks only).")
                                  ) + "</p>")
        return "\n".join(parts)
    parts.append("<p>" + _esc(tr("Each program week's planned practice, and what was done in "
                                 "that week. The aim is about {target} full practices a week.").format(
                                     target=target)) + "</p>")
    parts.append('<table border="1" cellspacing="0" cellpadding="4" width="100%">')
    parts.append("<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in (
        tr("Program week"), tr("Planned practice"), tr("Days practiced"), tr("Minutes"),
        tr("Full practices against the aim"), tr("Times the planned practice was done")))
        + "</tr>")
    for week in weeks:
        dates = tr("{first_day} to {last_day}").format(
            first_day=long_date(week.first_day), last_day=long_date(week.last_day))
        when = tr("Week {week} ({dates})").format(week=week.week, dates=dates)
        if not week.whole_week:
            when += " " + tr("(part of the week, inside these dates)")
        if not week.modules:
            planned = tr("after the program: any practice")
        elif week.assigned:
            planned = tr("{title} (chosen by the therapist)").format(title=week.title)
        else:
            planned = week.title
        dose = week.dose
        verdict = (tr("aim reached") if dose.met_target else tr("minimum reached")
                   if dose.met_minimum else tr("below the minimum"))
        cells = (when, planned, str(week.days_practiced), str(round(week.listened_ms / 60_000)),
                 f"{dose.full} / {dose.target}: {verdict}",
                 "–" if not week.modules else str(week.planned_practices))
        parts.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def build_report(store: HistoryStore, profile_id: int, first_day: dt.date, last_day: dt.date,
                 *, catalog: SessionCatalog | None = None) -> Report:
    """Read and lay out the report of ``profile_id`` from ``first_day`` to ``last_day``
    (local days), on this thread (the command line; the window reads on its database lane
    with :func:`read_report` and lays out with :func:`lay_out_report`)."""
    return lay_out_report(read_report(store, profile_id, first_day, last_day, catalog=catalog))


def lay_out_report(data: ReportData) -> Report:
    """(GUI thread: charts and a ``QTextDocument``) The report of what `data` holds."""
    first_day, last_day, settings, catalog = (data.first_day, data.last_day, data.settings,
                                              data.catalog)
    practices = sum(d.practices for d in data.days)
    listened = sum(d.listened_ms for d in data.days)
    changes, entries, maps = data.changes, data.entries, data.maps

    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSizeF(11)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(
        "h1 { font-size: 20pt; } h2 { font-size: 15pt; margin-top: 14px; }"
        " th { background-color: #eeeeee; } .prompt { font-style: italic; color: #333344; }"
        " .small { color: #444444; }")
    parts = [_summary_html(data.profile_name, first_day, last_day, data.made, data.weeks,
                           data.doses, practices, listened, settings.weekly_target_days,
                           settings.weekly_minimum_days)]
    parts.append(_plan_html(data.plan, last_day))
    parts.append(_program_weeks_html(data.program_weeks, settings.weekly_target_days))

    parts.append(f"<h2>{_esc(tr('Mood and stress, before and after practice'))}</h2>")
    for kind in ("mood", "stress"):
        chart = RatingChart(kind)
        image = _chart_html(document, chart, f"mit://chart/{kind}",
                            partial(chart.show_changes, changes, first_day, last_day))
        before = chart.series[f"{kind}_before"][1]
        after = chart.series[f"{kind}_after"][1]
        parts.append(image)
        parts.append(f"<p>{_esc(rating_summary(kind, before, after))} "
                     f"{_esc(tr('Open circles: before; filled triangles: after.'))}</p>")
        chart.deleteLater()

    parts.extend(_early_response_html(data.all_changes, data.plan, first_day, last_day))
    parts.extend(_measures_html(document, data.series, first_day, last_day))

    events = data.events
    parts.append(f"<h2>{_esc(tr('Times the listener needed to stop, and help offered'))}</h2>")
    if not events:
        parts.append(f"<p>{_esc(tr('None in these dates.'))}</p>")
    else:
        stops = sum(1 for e in events if e.kind == "need_to_stop")
        parts.append("<p>" + _esc(tr("“I need to stop” was pressed {stops} times; help was offered "
                                     "after a check-in {helped} times. Each is listed below, apart "
                                     "from ordinary pauses and unfinished practices.").format(
                                         stops=stops, helped=len(events) - stops)) + "</p><ul>")
        for event in events:
            parts.append(f"<li>{_esc(event_text(event, catalog, settings.day_boundary_min))}</li>")
        parts.append("</ul>")

    parts.append(f"<h2>{_esc(tr('Reflections'))}</h2>")
    if not entries:
        parts.append(f"<p>{_esc(tr('No reflections in these dates.'))}</p>")
    for entry in entries:
        rating = (tr("Rating: {rating} of 10").format(rating=entry.rating)
                  if entry.rating is not None else tr("No rating"))
        text = (f"<b>{_esc(long_date(entry.day))} · {_esc(catalog.title(entry.session_id))}</b>"
                f"<br><span class=\"prompt\">{_esc(entry.prompt)}</span>"
                f"<br>{_esc(entry.note) or _esc(tr('(nothing written)'))}"
                f"<br><span class=\"small\">{_esc(rating)}</span>")
        record = maps.get(entry.body_map_id) if entry.body_map_id is not None else None
        picture = (_map_html(document, record, data.pictures.get(record.id))
                   if record is not None else "")
        # the body map beside its reflection, so it is clear whose map it is
        parts.append('<table width="100%" cellspacing="0" cellpadding="0" '
                     'style="margin-bottom: 10px;"><tr>'
                     f'<td valign="top">{text}</td>'
                     f'<td valign="top" align="right" width="190">{picture}</td></tr></table>')
    parts.append(_averages_html(document, data))
    footer = tr("Made by MIT Desktop on this computer. MIT Desktop supports, and does not "
                "replace, care from a clinician.")
    parts.append(f'<p class="small">{_esc(footer)}</p>')
    document.setHtml("\n".join(parts))
    map_ids = [e.body_map_id for e in entries if e.body_map_id is not None]
    return Report(document, data.profile_name, first_day, last_day, practices, listened,
                  data.weeks, entries, map_ids, events)


def _early_response_html(changes: list[stats.MoodChange], plan: ProgramPlan,
                         first_day: dt.date, last_day: dt.date) -> list[str]:
    """Week 1 (always) and each week of the dates: the average mood and stress change
    before→after practice, with the number of practices each rests on
    (:mod:`mit_desktop.practice.early_response`)."""
    from mit_desktop.practice.early_response import summary_lines, weekly_response

    responses = [r for r in weekly_response(changes, plan.start_day)
                 if r.week == 1 or r.last_day >= first_day and r.first_day <= last_day]
    parts = [f"<h2>{_esc(tr('Early response: the change during practice, week by week'))}</h2>",
             "<p>" + _esc(tr("The average change in mood and stress from before to after "
                             "practice (points on 0 to 10). In the 2014 caregiver study the "
                             "week-1 change went with later practice and outcome; this is a "
                             "summary for your conversation, not a prediction.")) + "</p>",
             "<ul>"]
    parts.extend(f"<li>{_esc(line)}</li>" for line in summary_lines(responses))
    parts.append("</ul>")
    return parts


def _measures_html(document: QTextDocument, series: list[Any], first_day: dt.date,
                   last_day: dt.date) -> list[str]:
    """Each questionnaire answered in the dates: its chart over its bands, the scores in
    words, the bands and the citation; a PHQ-9 item 9 answer above "Not at all" is named."""
    from mit_desktop.practice.measures_history import series_summary
    from mit_desktop.ui.history.measures import bands_text, measure_charts

    parts = [f"<h2>{_esc(tr('Questionnaires'))}</h2>"]
    if not series:
        parts.append(f"<p>{_esc(tr('No questionnaires answered in these dates.'))}</p>")
        return parts
    for each, chart in zip(series, measure_charts(series, first_day, last_day)):
        image = _chart_html(document, chart, f"mit://chart/measure-{each.instrument.id}",
                            partial(chart.show_series, each, first_day, last_day))
        parts.append(f"<h3>{_esc(each.instrument.short_name)}</h3>")
        parts.append(image)
        rows = "".join(
            f"<tr><td>{_esc(long_date(p.day))}</td><td>{_esc(p.occasion)}</td>"
            f"<td>{_esc(p.score.text)}{_esc(each.instrument.score_unit)}</td>"
            f"<td>{_esc(p.score.band.label if p.score.band else p.score.reason)}</td></tr>"
            for p in each.points)
        parts.append(f"<table cellpadding=\"3\"><tr><th>{_esc(tr('Day'))}</th>"
                     f"<th>{_esc(tr('Occasion'))}</th><th>{_esc(tr('Score'))}</th>"
                     f"<th>{_esc(tr('Band'))}</th></tr>{rows}</table>")
        parts.append(f"<p>{_esc(series_summary(each))}</p>")
        parts.append(f'<p class="small">{_esc(bands_text(each))}</p>')
        chart.deleteLater()
    return parts


def _map_html(document: QTextDocument, record: BodyMapRecord, rgb: np.ndarray | None) -> str:
    """The picture of ``record`` (``rgb``, drawn on the database lane; None: it could not
    be read, so nothing is shown) with its feeling and strength."""
    if rgb is None:
        return ""
    url = f"mit://bodymap/{record.id}"
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), rgb_image(rgb))
    what = emotion_name(record.emotion)
    if record.intensity is not None:
        what += tr(", strength {intensity} of 10").format(intensity=record.intensity)
    return (f'<img src="{url}" height="230"><br>'
            f'<span class="small">{_esc(tr("Body map: {what}").format(what=what))}</span>')


def _averages_html(document: QTextDocument, data: ReportData) -> str:
    """Every feeling painted in the dates as a table (maps, strength, where felt more and
    less), then the mean body map of each feeling, with its count."""
    from mit_desktop.ui.history.aggregate import emotion_table_html

    rows = data.emotion_rows
    table = ""
    if rows:
        table = (f"<h2>{_esc(tr('Body maps by feeling'))}</h2>"
                 + "<p>" + _esc(tr("Every feeling painted in these dates. “Felt more”: the "
                                   "body regions the average map of that feeling marks most "
                                   "strongly as more active; “Felt less”: as less active."))
                 + "</p>" + emotion_table_html(rows))
    if not data.averages:
        return table
    parts = [table, f"<h2>{_esc(tr('Body maps: the average of each feeling'))}</h2>"]
    for average in data.averages:
        url = f"mit://average/{average.emotion}"
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url),
                             rgb_image(average.rgb))
        label = (tr("{feeling}: 1 body map") if average.count == 1
                 else tr("{feeling}: average of {count} body maps"))
        label = label.format(feeling=emotion_name(average.emotion), count=average.count)
        parts.append(f'<p><img src="{url}" height="260"><br>{_esc(label)}</p>')
    return "\n".join(parts)


def write_report_pdf(report: Report, path: Path) -> Path:
    """Print ``report`` to an A4 PDF at ``path`` (atomically, mode 0600); return the path."""
    return write_pdf(report.document,
                     tr("Practice report: {name}").format(name=report.profile_name), path)
