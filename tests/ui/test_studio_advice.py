"""The script editor's safety advice ends up as the very lines `mit-desktop validate --strict`
prints: shown at once on estimated speech lengths ("at about"), then replaced by the check
on real speech."""

from __future__ import annotations

from mit_desktop.cli import main

SCRIPT = ('+++\nid = "evening-calm"\ntitle = "Evening calm"\n+++\n\n# Rest\n\n'
          "Let your eyes close.\nRest with the picture.\n[pause 3m]\nStay with it.\n[pause 3m]\n"
          "Now let your eyes open.\n[reflect 20s note: What is there?]\n")


def test_the_editor_lists_what_validate_strict_prints(window, qtbot, capsys,
                                                      monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from mit_desktop.ui.studio import editor as editor_module

    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    editor.text.setPlainText(SCRIPT)
    editor.save()
    editor.run_checks()

    def listed() -> list[str]:
        items = [editor.problems.item(i) for i in range(editor.problems.count())]
        return [i.text() for i in items if i.flags() & Qt.ItemFlag.ItemIsEnabled]

    assert not editor.result.exact
    assert any("(at about " in line for line in listed())
    assert editor.exact_timer.isActive()  # the check on real speech follows
    assert editor_module.EXACT_CHECK_DELAY_MS >= 1000  # not while the therapist types

    assert main(["validate", "--strict", str(editor.path)]) == 1
    cli = capsys.readouterr().err.strip().splitlines()
    assert len(cli) == 2  # the unspoken question and the eyes-closed stretch
    editor.exact_timer.stop()
    editor.run_exact_check()  # what the timer starts (the tasks run at once in these tests)
    assert editor.result.exact and listed() == cli
    assert not editor.exact_timer.isActive()
