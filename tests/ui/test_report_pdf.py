"""The client report: the document's content, and a real PDF read back without poppler.

The PDF check is pure Python: the content streams are inflated and the glyphs
of each ``Tj`` are turned back into text with the fonts' ``ToUnicode`` maps.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from mit_desktop.bodymap import BodyMap, to_bytes
from mit_desktop.bodymap.silhouette import body_mask
from mit_desktop.cli import report as report_cli
from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.history.data import SessionCatalog, SessionInfo
from mit_desktop.ui.history.report import build_report, write_report_pdf

UTC = dt.UTC
REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 3, 19, 20, 0, tzinfo=UTC)
CATALOG = SessionCatalog((
    SessionInfo("nesting-doll", "Nesting Doll", "nesting-doll"),
    SessionInfo("bam", "BAM quick practice", "bam"),
))


class Clock:
    def __init__(self) -> None:
        self.ms = ms(NOW)

    def __call__(self) -> int:
        return self.ms


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@pytest.fixture
def store(private_folders: Path):
    clock = Clock()
    opened = HistoryStore.open(clock=clock, tz=UTC)
    opened.test_clock = clock  # type: ignore[attr-defined]
    yield opened
    opened.close()


#: (day of March 2026, minutes, session, mood before/after, stress before/after, note, rating)
PRACTICES = [
    (3, 20, "nesting-doll", (4, 6), (7, 5), "Quieter than I expected", 7),
    (5, 25, "nesting-doll", (3, 6), (8, 4), "Mum seemed frightened, not cross", 8),
    (6, 3, "bam", (5, 5), (6, 6), "Steady", None),
    (11, 22, "nesting-doll", (5, 8), (6, 3), "Zebra-crossing memory came back", 9),
    (25, 20, "nesting-doll", (2, 9), (9, 1), "After the report dates", 5),
]


def fill(store: HistoryStore, name: str = "Rosalind Example") -> int:
    clock = store.test_clock  # type: ignore[attr-defined]
    pid = store.create_profile(name, "client")
    signed = np.zeros((522, 171))
    signed[150:230, 50:120] = 0.6
    signed[~body_mask()] = 0
    for day, minutes, session, mood, stress, note, rating in PRACTICES:
        start = dt.datetime(2026, 3, day, 10, 0, tzinfo=UTC)
        clock.ms = ms(start) + minutes * 60_000
        practice = store.log_manual_practice(pid, session, ms(start), minutes * 60_000)
        store.record_check_in(practice, "before", mood=mood[0], stress=stress[0])
        store.record_check_in(practice, "after", mood=mood[1], stress=stress[1])
        body_map = None
        if session == "nesting-doll":
            body_map = store.add_body_map(
                pid, to_bytes(BodyMap(stored_map=signed, emotion="sadness", intensity=7)),
                emotion="sadness", intensity=7, practice_id=practice, created_ms=ms(start))
        store.save_reflection(practice, "own", prompt="What did you notice?", note=note,
                              rating=rating, body_map_id=body_map)
    clock.ms = ms(NOW)
    other = store.create_profile("Other Client", "client")
    clock.ms = ms(dt.datetime(2026, 3, 4, 11, 0, tzinfo=UTC))
    practice = store.log_manual_practice(other, "bam", ms(dt.datetime(2026, 3, 4, 10, 0,
                                                                      tzinfo=UTC)), 60_000)
    store.save_reflection(practice, "own", prompt="?", note="Secret of another client")
    clock.ms = ms(NOW)
    return pid


FIRST, LAST = dt.date(2026, 3, 2), dt.date(2026, 3, 15)
IN_RANGE = [p for p in PRACTICES if FIRST.day <= p[0] <= LAST.day]


# --- a small PDF reader ---------------------------------------------------------------


def pdf_objects(data: bytes) -> dict[int, bytes]:
    return {int(num): body for num, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def stream_of(body: bytes) -> bytes | None:
    match = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if match is None:
        return None
    raw = match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[:match.start()] else raw


def to_unicode_map(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst, array in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])", block):
            codes = range(int(lo, 16), int(hi, 16) + 1)
            if dst:
                for offset, code in enumerate(codes):
                    mapping[code] = chr(int(dst, 16) + offset)
            else:
                targets = re.findall(rb"<([0-9A-Fa-f]+)>", array)
                for code, target in zip(codes, targets, strict=False):
                    mapping[code] = bytes.fromhex(target.decode()).decode("utf-16-be")
    return mapping


def pdf_text(path: Path) -> tuple[str, int]:
    """All text drawn in the PDF (glyph by glyph, in drawing order) and the page count."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    objects = pdf_objects(data)
    pages = sum(1 for body in objects.values() if re.search(rb"/Type\s*/Page\b", body))
    font_maps: dict[int, dict[int, str]] = {}
    for num, body in objects.items():
        ref = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", body)
        if re.search(rb"/Type\s*/Font\b", body) and ref:
            font_maps[num] = to_unicode_map(stream_of(objects[int(ref.group(1))]) or b"")
    names: dict[bytes, int] = {}
    for body in objects.values():
        for name, num in re.findall(rb"/(F\d+)\s+(\d+)\s+0\s+R", body):
            if int(num) in font_maps:
                names[name] = int(num)
    text: list[str] = []
    for body in objects.values():
        content = stream_of(body) if b"stream" in body else None
        if not content or b"Tj" not in content:
            continue
        current: dict[int, str] = {}
        for font, glyphs in re.findall(rb"/(F\d+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>\s*Tj", content):
            if font:
                current = font_maps.get(names.get(font, -1), {})
                continue
            width = 4 if len(glyphs) % 4 == 0 else 2
            for i in range(0, len(glyphs), width):
                text.append(current.get(int(glyphs[i:i + width], 16), "\ufffd"))
    return "".join(text), pages


def squeeze(text: str) -> str:
    """Without white space, ligatures (fi, fl) spelled out: glyph order is what is compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- tests ------------------------------------------------------------------------------


def test_report_document_holds_summary_trend_reflections_and_body_maps(
    qapp, store: HistoryStore
) -> None:
    pid = fill(store)
    report = build_report(store, pid, FIRST, LAST, catalog=CATALOG)
    text = report.document.toPlainText()
    assert "Practice report: Rosalind Example" in text
    assert "From Monday, 2 March 2026 to Sunday, 15 March 2026." in text
    minutes = sum(p[1] for p in IN_RANGE)
    assert f"{len(IN_RANGE)} practices on {len(IN_RANGE)} days, {minutes} minutes in all." in text
    # per week (weeks of 2 and 9 March)
    assert report.practices == len(IN_RANGE) and report.listened_ms == minutes * 60_000
    assert [(w.week_start, w.days_practiced) for w in report.weeks] == [
        (dt.date(2026, 3, 2), 3), (dt.date(2026, 3, 9), 1)]
    # full practices against the aim (BAM counted apart): 2 Nesting Dolls, then 1
    assert "2 / 5: minimum reached" in text and "1 / 5: below the minimum" in text
    assert "BAM 1" in text and "3 / 5" not in text
    assert "No program start date is set" in text
    store.set_program_start(pid, dt.date(2026, 3, 4))
    store.assign_module(pid, 2, "eye-center")
    planned = build_report(store, pid, FIRST, LAST, catalog=CATALOG).document.toPlainText()
    assert ("The program started on Wednesday, 4 March 2026; Sunday, 15 March 2026 is in "
            "week 2. Chosen by the therapist: week 2: Eye in the Center.") in planned
    mood = sum(p[3][1] - p[3][0] for p in IN_RANGE) / len(IN_RANGE)
    assert f"mood was on average {mood:.1f} points higher after practice" in text
    stress = sum(p[4][1] - p[4][0] for p in IN_RANGE) / len(IN_RANGE)
    assert f"stress was on average {abs(stress):.1f} points lower after practice" in text
    for _day, _m, _s, _mood, _stress, note, rating in IN_RANGE:
        assert note in text
        if rating is not None:
            assert f"Rating: {rating} of 10" in text
    assert "After the report dates" not in text
    assert "Secret of another client" not in text
    assert "Body map: Sadness, strength 7 of 10" in text
    assert "Sadness: average of 3 body maps" in text
    resources = ["mit://chart/mood", "mit://chart/stress", "mit://average/sadness"] + [
        f"mit://bodymap/{i}" for i in report.body_map_ids]
    assert len(report.body_map_ids) == 3
    for url in resources:
        image = report.document.resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
        assert isinstance(image, QImage) and not image.isNull(), url
    chart = report.document.resource(QTextDocument.ResourceType.ImageResource,
                                     QUrl("mit://chart/mood"))
    assert chart.width() >= 1000  # sharp enough to print


def test_a_distress_stop_appears_in_the_report_on_its_own(qapp, store: HistoryStore) -> None:
    pid = fill(store)
    clock = store.test_clock  # type: ignore[attr-defined]
    practice = store.list_practices(pid)[-1].id  # the first in the dates (oldest)
    clock.ms = ms(dt.datetime(2026, 3, 3, 10, 9, tzinfo=UTC))
    stop = store.record_safety_event(pid, "need_to_stop", practice_id=practice,
                                     session_id="nesting-doll", section="The nesting doll",
                                     position_ms=9 * 60_000 + 40_000)
    store.set_grounding_used(stop, True)
    clock.ms = ms(dt.datetime(2026, 3, 5, 10, 30, tzinfo=UTC))
    store.record_safety_event(pid, "support_offered", session_id="nesting-doll",
                              detail={"phase": "after", "reasons": ["mood_drop"]})
    clock.ms = ms(dt.datetime(2026, 3, 25, 10, 30, tzinfo=UTC))  # after the report's dates
    store.record_safety_event(pid, "need_to_stop", session_id="bam", position_ms=1000)
    clock.ms = ms(NOW)
    report = build_report(store, pid, FIRST, LAST, catalog=CATALOG)
    text = report.document.toPlainText()
    assert [e.kind for e in report.safety_events] == ["need_to_stop", "support_offered"]
    assert "“I need to stop” was pressed 1 times; help was offered after a check-in 1 times" in text
    assert ("“I need to stop” in Nesting Doll, in “The nesting doll”, at 9:40. The grounding "
            "steps were used afterwards.") in text
    assert "help offered after the check-in after Nesting Doll, for a marked drop in mood" in text
    assert text.count("I need to stop”") == 2  # the count line and the one event in range


def test_pdf_is_written_privately_with_pages_and_the_profile_text(
    qapp, store: HistoryStore, tmp_path: Path
) -> None:
    pid = fill(store)
    folder = tmp_path / "reports"
    folder.mkdir()
    out = write_report_pdf(build_report(store, pid, FIRST, LAST, catalog=CATALOG),
                           folder / "report.pdf")
    assert out == folder / "report.pdf"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["report.pdf"]  # no temporary file left
    text, pages = pdf_text(out)
    assert pages >= 2
    flat = squeeze(text)
    for expected in ("Practice report: Rosalind Example", "Mum seemed frightened, not cross",
                     "Zebra-crossing memory came back", "Rating: 8 of 10",
                     "Sadness: average of 3 body maps"):
        assert squeeze(expected) in flat, expected
    assert squeeze("Secret of another client") not in flat
    assert squeeze("After the report dates") not in flat


def test_pdf_reader_would_notice_missing_text(qapp, store: HistoryStore, tmp_path: Path) -> None:
    pid = store.create_profile("Empty Profile")
    out = write_report_pdf(build_report(store, pid, FIRST, LAST, catalog=CATALOG),
                           tmp_path / "empty.pdf")
    text, pages = pdf_text(out)
    assert pages >= 1
    assert squeeze("Practice report: Empty Profile") in squeeze(text)
    assert squeeze("Rosalind") not in squeeze(text)
    assert squeeze("No reflections in these dates.") in squeeze(text)


def test_a_backwards_range_is_refused(qapp, store: HistoryStore) -> None:
    pid = fill(store)
    with pytest.raises(InvalidInputError):
        build_report(store, pid, LAST, FIRST, catalog=CATALOG)


def test_report_cli_module_loads_no_qt() -> None:
    code = ("import sys; import mit_desktop.cli.report; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr


def test_report_command_registers_under_history_and_writes_the_pdf(
    qapp, store: HistoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from mit_desktop.cli import history as history_cli

    fill(store)
    store.close()  # the command opens the history itself, as a separate run would
    parser = argparse.ArgumentParser(prog="mit-desktop")
    history = history_cli.register(parser.add_subparsers(dest="command"))
    report_cli.register_report(history)
    out = tmp_path / "client.pdf"
    args = parser.parse_args(["history", "report", "--profile", "rosalind example", "--from",
                              "2026-03-02", "--to", "2026-03-15", "-o", str(out)])
    assert args.func(args) == 0
    assert squeeze("Quieter than I expected") in squeeze(pdf_text(out)[0])
    assert f"{len(IN_RANGE)} practices" in capsys.readouterr().out


def test_report_command_explains_user_mistakes(
    qapp, store: HistoryStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    store.close()
    assert report_cli.main(["--profile", "Nobody", "--from", "2026-03-01", "--to",
                            "2026-03-02", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "There is no profile called 'Nobody'" in capsys.readouterr().err
    assert report_cli.main(["--profile", "Rosalind Example", "--from", "2026-03-09", "--to",
                            "2026-03-02", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "--to is before --from" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        report_cli.main(["--profile", "A", "--from", "March", "--to", "2026-03-02", "-o", "x.pdf"])
    assert exit_info.value.code == 2
    assert not (tmp_path / "x.pdf").exists()


def test_questionnaires_are_charted_with_their_bands_and_item_9_is_flagged(
        qapp, store: HistoryStore) -> None:
    pid = fill(store)
    clock = store.test_clock  # type: ignore[attr-defined]
    clock.ms = ms(dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    store.record_measure(pid, "phq9", [2, 2, 2, 2, 1, 1, 1, 1, 0], occasion="start")  # 12
    store.record_measure(pid, "who5", [3, 3, 2, 2, 2], occasion="start")  # 48 %
    clock.ms = ms(dt.datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    store.record_measure(pid, "phq9", [1, 1, 1, 1, 1, 1, 0, 0, 1], occasion="weekly")  # 7
    store.record_safety_event(pid, "support_offered", detail={
        "source": "questionnaire", "reasons": ["self_harm_thoughts"], "instrument": "phq9",
        "item": 9, "answer": 1, "answer_label": "Several days"})
    clock.ms = ms(NOW)
    report = build_report(store, pid, FIRST, LAST, catalog=CATALOG)
    text = report.document.toPlainText()
    assert "PHQ-9: 12 (Moderate) on 2026-03-02, then 7 (Mild) on 2026-03-09" in text
    assert "WHO-5: 48% (Poor well-being" in text
    assert "0–4 Minimal; 5–9 Mild; 10–14 Moderate" in text  # the bands, as published
    assert "question 9 of the PHQ-9" in text and "Several days" in text
    image = report.document.resource(QTextDocument.ResourceType.ImageResource,
                                     QUrl("mit://chart/measure-phq9"))
    assert isinstance(image, QImage) and not image.isNull()


def test_the_report_summarises_early_response_with_its_counts(qapp, store: HistoryStore
                                                               ) -> None:
    pid = fill(store)
    store.set_program_start(pid, FIRST)
    report = build_report(store, pid, FIRST, LAST, catalog=CATALOG)
    text = report.document.toPlainText()
    assert "Early response: the change during practice, week by week" in text
    assert "Week 1 (2 Mar to 8 Mar 2026)" in text
    assert "practice" in text.split("Week 1 (2 Mar to 8 Mar 2026)")[1].split("\n")[0]


def test_practice_by_program_week_against_the_plan(qapp, store: HistoryStore) -> None:
    from mit_desktop.content.program import load_program
    from mit_desktop.practice.program_week_dose import program_week_doses

    pid = fill(store)
    text = build_report(store, pid, FIRST, LAST, catalog=CATALOG).document.toPlainText()
    assert "Practice by program week, against the plan" in text
    assert "No program week falls in these dates" in text
    store.set_program_start(pid, dt.date(2026, 3, 4))  # a Wednesday: weeks run Wed to Tue
    weeks = program_week_doses(store, pid, FIRST, LAST, load_program())
    # 3 March is before the start; week 1 is 4-10 March (Nesting Doll 25 min on the 5th,
    # BAM 3 min on the 6th), week 2 is 11-17 March, counted up to the 15th
    assert [(w.week, w.first_day, w.last_day, w.whole_week) for w in weeks] == [
        (1, dt.date(2026, 3, 4), dt.date(2026, 3, 10), True),
        (2, dt.date(2026, 3, 11), dt.date(2026, 3, 15), False)]
    one, two = weeks
    assert one.modules == ("stretch-breathe", "eye-center") and not one.assigned
    assert (one.days_practiced, one.listened_ms, one.dose.full, one.dose.bam,
            one.planned_practices) == (2, 28 * 60_000, 1, 1, 0)
    assert two.modules == ("nesting-doll",) and two.title == "Nesting Doll"
    assert (two.days_practiced, two.listened_ms, two.dose.full, two.planned_practices) == (
        1, 22 * 60_000, 1, 1)
    store.assign_module(pid, 1, "nesting-doll")
    text = build_report(store, pid, FIRST, LAST, catalog=CATALOG).document.toPlainText()
    section = text.split("Practice by program week, against the plan")[1].split(
        "Mood and stress")[0]
    assert "Week 1 (Wednesday, 4 March 2026 to Tuesday, 10 March 2026)" in section
    assert "Nesting Doll (chosen by the therapist)" in section
    assert "(part of the week, inside these dates)" in section
    assert section.count("1 / 5: below the minimum") == 2
    assert "Times the planned practice was done" in section
    # after the program's four weeks: any practice counts, none is planned
    late = program_week_doses(store, pid, dt.date(2026, 4, 1), dt.date(2026, 4, 8),
                              load_program())
    assert [w.week for w in late] == [5, 6] and late[0].modules == ()


def test_the_report_tables_every_feeling_painted(qapp, store: HistoryStore) -> None:
    from mit_desktop.bodymap.silhouette import region_mask

    pid = fill(store)
    clock = store.test_clock  # type: ignore[attr-defined]
    signed = np.zeros((522, 171))
    signed[region_mask("hands")] = 0.9
    clock.ms = ms(dt.datetime(2026, 3, 7, 10, 0, tzinfo=UTC))
    store.add_body_map(pid, to_bytes(BodyMap(stored_map=signed)), emotion="anger", intensity=9)
    store.add_body_map(pid, to_bytes(BodyMap(stored_map=-signed)))  # no feeling named
    clock.ms = ms(NOW)
    text = build_report(store, pid, FIRST, LAST, catalog=CATALOG).document.toPlainText()
    section = text.split("Body maps by feeling")[1]
    for words in ("Sadness", "Anger", "no feeling named", "Average strength (0–10)",
                  "7.0", "9.0", "Hands"):
        assert words in section, words
    assert section.index("Sadness") < section.index("Anger") < section.index("no feeling")


def test_body_maps_are_drawn_with_the_reading_not_while_laying_out(
        qapp, store: HistoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window reads the report on its database lane and lays it out on the GUI thread:
    every body map picture (the costliest part of a long report) is drawn with the reading,
    so laying out draws none."""
    from mit_desktop.bodymap import render
    from mit_desktop.ui.history import report as report_module
    from mit_desktop.ui.history import report_data
    from mit_desktop.ui.history.report import lay_out_report

    pid = fill(store)
    data = report_data.read_report(store, pid, FIRST, LAST, catalog=CATALOG)
    entry_maps = [e.body_map_id for e in data.entries if e.body_map_id is not None]
    assert len(entry_maps) == 3 and set(data.pictures) == set(entry_maps)
    for rgb in data.pictures.values():
        assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
        assert rgb.shape[0] > 522 and rgb.shape[1] > 171  # the map, its scale and labels
    assert [(a.emotion, a.count) for a in data.averages] == [("sadness", 3)]

    def drawn_while_laying_out(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a body map was drawn while laying out")

    for module in (render, report_data, report_module):
        monkeypatch.setattr(module, "render_map_image", drawn_while_laying_out, raising=False)
    report = lay_out_report(data)
    for url in [f"mit://bodymap/{i}" for i in entry_maps] + ["mit://average/sadness"]:
        image = report.document.resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
        assert isinstance(image, QImage) and not image.isNull(), url
    assert "Sadness: average of 3 body maps" in report.document.toPlainText()


def test_a_body_map_that_cannot_be_read_is_left_out_and_the_rest_is_reported(
        qapp, store: HistoryStore, caplog: pytest.LogCaptureFixture) -> None:
    pid = fill(store)
    first = store.conn.execute("SELECT min(id) FROM body_maps").fetchone()[0]
    with store.conn:
        store.conn.execute("UPDATE body_maps SET data = ? WHERE id = ?",
                           (b"not a body map", first))
    with caplog.at_level("WARNING"):
        report = build_report(store, pid, FIRST, LAST, catalog=CATALOG)
    assert len(report.body_map_ids) == 3
    resource = report.document.resource(QTextDocument.ResourceType.ImageResource,
                                        QUrl(f"mit://bodymap/{first}"))
    assert resource is None or (isinstance(resource, QImage) and resource.isNull())
    for other in report.body_map_ids[1:]:
        image = report.document.resource(QTextDocument.ResourceType.ImageResource,
                                          QUrl(f"mit://bodymap/{other}"))
        assert isinstance(image, QImage) and not image.isNull(), other
    text = report.document.toPlainText()
    assert "Quieter than I expected" in text  # its reflection is still there
    assert "Sadness: average of 2 body maps" in text  # the two that can be read
    assert report.document.resource(QTextDocument.ResourceType.ImageResource,
                                     QUrl("mit://average/sadness")) is not None
    assert "body map left out of the report" in caplog.text
    assert "a body map of sadness left out of its average" in caplog.text
