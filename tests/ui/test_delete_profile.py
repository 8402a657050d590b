"""Deleting a profile from Settings: it says how much will go, asks, deletes only that profile's
records, and shows another profile; the only profile and a running practice are refused."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def _practice_with_answer(store, profile_id: int, note: str) -> int:
    practice = store.start_practice(profile_id, "eye-center", "0" * 64, "interactive")
    store.save_reflection(practice, "r1", prompt="How?", note=note, profile_id=profile_id)
    return practice


def _click(box: QMessageBox, role: QMessageBox.ButtonRole) -> None:
    chosen = next(b for b in box.buttons() if box.buttonRole(b) == role)
    chosen.click()


def test_deleting_a_client_profile_deletes_only_its_records(window, qtbot, store) -> None:
    me = window.ctx.profile_id
    client = store.create_profile("Client AJ", "client")
    _practice_with_answer(store, me, "mine")
    _practice_with_answer(store, client, "theirs")
    _practice_with_answer(store, client, "theirs again")
    window.refresh_profiles()
    window.ctx.set_profile(client)
    qtbot.waitUntil(lambda: window.ctx.profile_id == client, timeout=5000)
    window.show_page("settings")
    window.settings.delete_profile_button.click()
    qtbot.waitUntil(lambda: window.settings.delete_dialog is not None, timeout=5000)
    box = window.settings.delete_dialog
    assert "Client AJ" in box.text() and "2 practices" in box.text()
    assert "2 reflection answers" in box.text()
    _click(box, QMessageBox.ButtonRole.RejectRole)  # "Keep it": nothing happens
    qtbot.waitUntil(lambda: window.settings.delete_dialog is None, timeout=5000)
    assert [p.name for p in store.list_profiles()] == ["Client AJ", "Me"]

    window.settings.delete_profile_button.click()
    qtbot.waitUntil(lambda: window.settings.delete_dialog is not None, timeout=5000)
    _click(window.settings.delete_dialog, QMessageBox.ButtonRole.DestructiveRole)
    qtbot.waitUntil(lambda: window.ctx.profile_id == me, timeout=5000)
    assert [p.name for p in store.list_profiles()] == ["Me"]
    assert store.profile_data_counts(me)["practices"] == 1
    for table in ("practices", "body_maps"):  # nothing of the client's is left behind
        left = store.conn.execute(f"SELECT count(*) FROM {table} WHERE profile_id = ?",
                                  (client,)).fetchone()[0]
        assert left == 0, table
    assert store.conn.execute("SELECT count(*) FROM reflections WHERE note LIKE 'theirs%'"
                              ).fetchone()[0] == 0
    qtbot.waitUntil(lambda: [window.profile_combo.itemText(i)
                             for i in range(window.profile_combo.count())] == ["Me"], timeout=5000)
    assert str(client) not in window.ctx.state.listening


def test_the_only_profile_is_not_deleted(window, qtbot, store) -> None:
    messages: list[str] = []
    window.settings.message.connect(messages.append)
    window.show_page("settings")
    window.settings.delete_profile_button.click()
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert "only profile" in messages[-1]
    assert window.settings.delete_dialog is None
    assert len(store.list_profiles()) == 1


def test_no_deleting_during_a_practice(window, qtbot, store) -> None:
    store.create_profile("Other", "client")
    messages: list[str] = []
    window.settings.message.connect(messages.append)
    window.settings.is_practising = lambda: True
    window.settings.ask_delete_profile()
    assert "Finish or stop the practice first" in messages[-1]
    assert window.settings.delete_dialog is None
    assert len(store.list_profiles()) == 2
