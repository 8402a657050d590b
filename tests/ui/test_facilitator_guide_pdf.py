"""The facilitator guide as a PDF, from the command line and from Settings › Program."""

from __future__ import annotations

from pathlib import Path

from mit_desktop.cli import main


def test_the_command_line_prints_a_pdf(qapp, tmp_path: Path, capsys) -> None:
    out = tmp_path / "week3.pdf"
    assert main(["guide", "--week", "3", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-") and out.stat().st_size > 5_000
    assert "week 3, Situation Solver" in capsys.readouterr().out


def test_settings_save_the_chosen_weeks_guide(window, qtbot, store, tmp_path: Path) -> None:
    store.set_region(window.ctx.profile_id, "GB")
    window.ctx.reload_profile()
    window.show_page("settings")
    program = window.settings.program
    qtbot.waitUntil(lambda: program.plan is not None, timeout=2000)
    assert program.guide_button.isVisible()
    program.week.setValue(4)
    written = program.save_guide(tmp_path / "week4.html")
    page = written.read_text(encoding="utf-8")
    assert "Week 4 of 4: Life Globe" in page and "116 123" in page and "988" not in page
    assert program.guide_label.text() == f"Guide for week 4 saved: {written}"
    pdf = program.save_guide(tmp_path / "week4.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert program.save_guide(tmp_path / "missing" / "x.pdf") is None
    assert program.guide_label.text().startswith("The guide could not be saved")
