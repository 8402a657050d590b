"""History → Export in the window: CSV (zip) or JSON with the profile's name, session
titles, module and weeks, and the body maps' data; the message names the file."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.serialize import to_bytes
from mit_desktop.bodymap.strokes import Brush, Layer, Stroke, StrokeKind


def _fill(store, pid: int) -> bytes:
    samples = [(i * 10, 100 + i, 200 + i) for i in range(40)]
    stroke = Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.SMALL, samples)
    blob = to_bytes(BodyMap(strokes=(stroke,), emotion="calm", intensity=3))
    p = store.start_practice(pid, "bam", "h", "hands-free")
    map_id = store.add_body_map(pid, blob, emotion="calm", intensity=3, practice_id=p)
    store.save_reflection(p, "body", prompt="Where?", note="shoulders", rating=5,
                          body_map_id=map_id)
    store.finish_practice(p, True, 30_000, 30_000)
    return blob


def _save_in_passphrase_dialog(view, first: str = "", again: str = "") -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = view.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.first.setText(first)
    dialog.again.setText(again)
    QTest.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _export(window, qtbot, monkeypatch, out: Path, chosen: str) -> str:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), chosen))
    window.show_page("history")
    view = window.history
    QTest.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    return view.report_label.text()


def test_history_export_as_json_from_the_window(window, qtbot, store, monkeypatch,
                                                tmp_path: Path) -> None:
    blob = _fill(store, window.ctx.profile_id)
    out = tmp_path / "mine"  # no suffix typed: the chosen filter decides
    said = _export(window, qtbot, monkeypatch, out, "One JSON file (*.json)")
    written = tmp_path / "mine.json"
    assert str(written) in said and "exported" in said
    document = json.loads(written.read_text())
    assert document["profile"]["name"] == "Me"
    [practice] = document["practices"]
    assert practice["session_title"] == "BAM quick practice"
    assert practice["module"] == "bam"
    assert practice["reflections"][0]["note"] == "shoulders"
    assert base64.b64decode(document["body_maps"][0]["data_base64"]) == blob


def test_history_export_as_csv_zip_from_the_window(window, qtbot, store, monkeypatch,
                                                   tmp_path: Path) -> None:
    _fill(store, window.ctx.profile_id)
    out = tmp_path / "tables.zip"
    said = _export(window, qtbot, monkeypatch, out, "Tables for a spreadsheet, CSV in a zip "
                   "file (*.zip)")
    assert str(out) in said
    names = zipfile.ZipFile(out).namelist()
    assert {"practices.csv", "reflections.csv", "checkins.csv", "body_maps.csv"} <= set(names)
    assert any(n.startswith("body_maps/map-") for n in names)


def test_history_export_failure_names_the_file(window, qtbot, store, monkeypatch,
                                               tmp_path: Path) -> None:
    _fill(store, window.ctx.profile_id)
    out = tmp_path / "no-such-folder" / "x.zip"
    said = _export(window, qtbot, monkeypatch, out, "")
    assert "could not be saved" in said and str(out) in said and not out.exists()


def test_a_bundle_goes_from_the_caregivers_window_into_the_therapists(
        window, qtbot, store, monkeypatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    _fill(store, window.ctx.profile_id)
    out = tmp_path / "me.mitbundle"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.show_page("history")
    view = window.history
    view.set_date_range(view.today() - __import__("datetime").timedelta(days=3), view.today())
    QTest.mouseClick(view.bundle_button, Qt.MouseButton.LeftButton)
    # the passphrase field: left empty, the bundle is saved without one
    _save_in_passphrase_dialog(view)
    assert out.exists() and "1 practices" in view.report_label.text()
    assert "no passphrase" in view.report_label.text()
    assert view.bundle_button.accessibleName() and view.import_button.accessibleDescription()
    # the therapist imports it into a new client profile
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ann (client)", True))
    QTest.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert "Imported into Ann (client)" in view.report_label.text()
    ann = store.profile_by_name("Ann (client)").id
    assert len(store.list_practices(ann)) == 1
    assert window.profile_combo.findText("Ann (client)") >= 0
    QTest.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert "Nothing new" in view.report_label.text()
    # into the caregiver's own profile, which holds other practice: asked first, "No"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Me", True))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    _fill(store, store.create_profile("Ben"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ben", True))
    QTest.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert asked and "Nothing was imported" in view.report_label.text()
    assert len(store.list_practices(store.profile_by_name("Ben").id)) == 1


def test_a_bundle_with_a_passphrase_from_the_window(window, qtbot, store, monkeypatch,
                                                   tmp_path: Path) -> None:
    import datetime as dt

    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from mit_desktop.history import bundle, bundle_lock

    monkeypatch.setattr(bundle_lock, "SCRYPT_N", 2**14)
    _fill(store, window.ctx.profile_id)
    out = tmp_path / "me.mitbundle"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.show_page("history")
    view = window.history
    view.set_date_range(view.today() - dt.timedelta(days=3), view.today())
    QTest.mouseClick(view.bundle_button, Qt.MouseButton.LeftButton)
    dialog = view.passphrase_dialog
    assert dialog.first.echoMode() == QLineEdit.EchoMode.Password
    _save_in_passphrase_dialog(view, "kettle by the window", "kettle by the windwo")
    assert dialog.isVisible() and "differ" in dialog.problem.text() and not out.exists()
    _save_in_passphrase_dialog(view, "short", "short")
    assert "at least 8" in dialog.problem.text() and not out.exists()
    _save_in_passphrase_dialog(view, "kettle by the window", "kettle by the window")
    assert bundle.is_protected(out) and "protected by your passphrase" in view.report_label.text()
    # the therapist: asked for the passphrase (hidden); a wrong one is said plainly
    answers = {"Import into the profile:": "Ann (client)"}
    asked = []

    def get_text(parent, title, label, *rest, **kw):
        if label in answers:
            return answers[label], True
        asked.append(rest[0] if rest else kw.get("echo"))
        return answers["passphrase"], True

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", get_text)
    answers["passphrase"] = "kettle by the door"
    QTest.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert asked == [QLineEdit.EchoMode.Password]
    assert "does not open the bundle" in view.report_label.text()
    try:
        store.profile_by_name("Ann (client)")
        made = True
    except Exception:  # noqa: BLE001
        made = False
    assert not made  # nothing written, not even the profile
    answers["passphrase"] = "kettle by the window"
    QTest.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    assert "Imported into Ann (client)" in view.report_label.text()
    assert len(store.list_practices(store.profile_by_name("Ann (client)").id)) == 1


def test_the_therapists_copy_is_read_only_in_the_window_and_says_why(
        window, qtbot, store, monkeypatch, tmp_path: Path) -> None:
    from mit_desktop.history import bundle

    me = window.ctx.profile_id
    _fill(store, me)
    out = tmp_path / "me.mitbundle"
    bundle.export_bundle(store, me, out)
    ann = bundle.import_bundle(store, out, "Ann (client)").profile_id
    window.refresh_profiles()
    window.show_page("history")
    view = window.history
    assert view.log_button.isEnabled() and not view.read_only_label.isVisibleTo(view)
    window.ctx.set_profile(ann)
    qtbot.waitUntil(lambda: window.ctx.profile_id == ann, timeout=5000)
    view = window.history
    view.refresh()
    assert not view.log_button.isEnabled()
    said = view.read_only_label.text()
    assert view.read_only_label.isVisibleTo(view)
    assert "read-only" in said and "Ann (client)" in said and "newer bundle" in said
    assert view.log_button.toolTip() == said
    # Settings: deleting the copy is refused, in words, and nothing is deleted
    messages: list[str] = []
    window.settings.message.connect(messages.append)
    window.show_page("settings")
    window.settings.delete_profile_button.click()
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert "read-only" in messages[-1] and "Ann (client)" in messages[-1]
    assert window.settings.delete_dialog is None
    assert len(store.list_practices(ann)) == 1


def test_saving_a_report_shows_the_wait_cursor_while_it_holds_the_window(
        window, qtbot, store, monkeypatch, tmp_path: Path) -> None:
    """Laying out and printing a long report holds the GUI thread for seconds: the wait
    cursor shows for that time, and is gone after, whether the report was saved or not."""
    from PySide6.QtWidgets import QApplication

    from mit_desktop.ui.history import view as view_module

    _fill(store, window.ctx.profile_id)
    window.show_page("history")
    view = window.history
    qtbot.waitUntil(view.report_button.isEnabled, timeout=5000)
    shapes: list[object] = []
    real_write = view_module.write_report_pdf

    def write(report, path):  # type: ignore[no-untyped-def]
        cursor = QApplication.overrideCursor()
        shapes.append(cursor.shape() if cursor is not None else None)
        return real_write(report, path)

    monkeypatch.setattr(view_module, "write_report_pdf", write)
    view.save_report(tmp_path / "report.pdf")
    qtbot.waitUntil(lambda: "Report saved" in view.report_label.text(), timeout=10_000)
    view.save_report(tmp_path / "no such folder" / "report.pdf")
    qtbot.waitUntil(lambda: "could not be saved" in view.report_label.text(), timeout=10_000)
    assert shapes == [Qt.CursorShape.WaitCursor, Qt.CursorShape.WaitCursor]
    assert QApplication.overrideCursor() is None
