"""The window reaches the history store through one ordered lane (`TaskManager.db`): store
jobs run one at a time on one thread, in the order they were handed over, from the GUI
thread or another (the practice recorder's, on the player's feeder thread); their
results come back on the GUI thread."""

from __future__ import annotations

import threading

from mit_desktop.ui.workers import TaskManager


def test_store_jobs_from_any_thread_run_on_one_thread_in_order(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(TaskManager, "synchronous", False)
    tasks = TaskManager()
    ran: list[tuple[str, int]] = []
    delivered: list[tuple[str, bool]] = []
    gate = threading.Event()

    def job(name: str):
        def run() -> str:
            if name == "first":
                gate.wait(5)  # later jobs are handed over while this one runs
            ran.append((name, threading.get_ident()))
            return name
        return run

    def done(name: str) -> None:
        delivered.append((name, threading.current_thread() is threading.main_thread()))

    tasks.db(job("first"), done)
    feeder = threading.Thread(target=lambda: tasks.db(job("from the feeder"), done))
    feeder.start()
    feeder.join()
    tasks.db(job("from the window"), done)
    gate.set()
    qtbot.waitUntil(lambda: len(delivered) == 3, timeout=5000)
    assert [name for name, _thread in ran] == ["first", "from the feeder", "from the window"]
    assert len({thread for _name, thread in ran}) == 1
    assert ran[0][1] != threading.get_ident()
    assert delivered == [("first", True), ("from the feeder", True), ("from the window", True)]
    assert tasks.wait()


def test_synchronous_tasks_run_a_store_job_from_another_thread_on_the_gui_thread_in_order(
        qtbot, sync_tasks) -> None:
    tasks = TaskManager()
    ran: list[tuple[str, bool]] = []

    def job(name: str):
        return lambda: ran.append((name, threading.current_thread() is threading.main_thread()))

    feeder = threading.Thread(target=lambda: tasks.db(job("from the feeder")))
    feeder.start()
    feeder.join()
    assert ran == []  # waits for the GUI thread
    tasks.db(job("from the window"))
    assert ran == [("from the feeder", True), ("from the window", True)]
    feeder = threading.Thread(target=lambda: tasks.db(job("later, from the feeder")))
    feeder.start()
    feeder.join()
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=5000)  # the event loop runs it
    assert ran[2] == ("later, from the feeder", True)
