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


def test_closing_ends_a_check_on_real_speech_at_its_next_sentence(window, qtbot,
                                                                   monkeypatch) -> None:
    """A check on real speech still running when the program closes (or the text changes)
    ends at its next sentence instead of making the rest of the script's speech: the
    estimate's advice stays and nothing is left running."""
    from mit_desktop.authoring import checks
    from mit_desktop.ui.studio import editor as editor_module

    window.show_page("studio")
    window.studio.new_blank("Evening calm")
    editor = window.studio.editor
    editor.text.setPlainText(SCRIPT)
    editor.save()  # (closing the window at the end then asks nothing)
    editor.run_checks()
    sentences: list[int] = []

    def closing_meanwhile(text, path, name=None, exact=False, progress=None):  # type: ignore[no-untyped-def]
        def counting(done: int, total: int) -> None:
            sentences.append(done)
            editor.close_preview()  # the program closes while the first sentence is made
            assert progress is not None
            progress(done, total)
        return checks.check_text(text, path, name, exact, counting)

    monkeypatch.setattr(editor_module, "check_text", closing_meanwhile)
    editor.run_exact_check()
    assert sentences == [1]  # ended after one sentence (the script speaks five)
    assert not editor._exact_running and not editor.exact_timer.isActive()
    assert editor.result is not None and not editor.result.exact
