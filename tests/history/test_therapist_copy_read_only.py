"""The therapist's copy of a client's practice is read-only in the store: a note, a
check-in, a body map or a grounding answer cannot be written onto an imported record;
the client's own history is unaffected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from history_helpers import START_MS, FakeClock
from test_history_bundle import _fill

from mit_desktop.history import bundle
from mit_desktop.history.errors import ReadOnlyCopyError
from mit_desktop.history.store import HistoryStore

DAY = 86_400_000


@pytest.fixture
def copy(tmp_path: Path):
    client = HistoryStore.open(tmp_path / "c" / "h.sqlite3", clock=FakeClock(START_MS + 30 * DAY),
                               tz=dt.UTC)
    therapist = HistoryStore.open(tmp_path / "t" / "h.sqlite3",
                                  clock=FakeClock(START_MS + 31 * DAY), tz=dt.UTC)
    pid = _fill(client, range(0, 2))
    out = tmp_path / "ann.mitbundle"
    bundle.export_bundle(client, pid, out)
    profile = bundle.import_bundle(therapist, out, "Ann").profile_id
    yield client, pid, therapist, profile
    client.close()
    therapist.close()


def test_imported_notes_check_ins_body_maps_and_stops_cannot_be_changed(copy) -> None:
    client, client_pid, therapist, profile = copy
    assert bundle.is_therapist_copy(therapist, profile)
    assert not bundle.is_therapist_copy(client, client_pid)
    practice = therapist.list_practices(profile)[0]
    before = bundle.collect_bundle(therapist, profile)
    with pytest.raises(ReadOnlyCopyError, match="imported from a client's practice bundle"):
        therapist.save_reflection(practice.id, "r1", prompt="?", note="edited by therapist")
    with pytest.raises(ReadOnlyCopyError):
        therapist.save_reflection(practice.id, "new-key", note="added")
    with pytest.raises(ReadOnlyCopyError):
        therapist.record_check_in(practice.id, "after", mood=0, stress=10)
    with pytest.raises(ReadOnlyCopyError):
        therapist.save_draft(practice.id, "r1", "a draft")
    with pytest.raises(ReadOnlyCopyError):
        therapist.add_body_map(profile, b"MITBMAP-1 x", practice_id=practice.id)
    event = therapist.safety_events(profile)[0]
    with pytest.raises(ReadOnlyCopyError, match="time they needed to stop"):
        therapist.set_grounding_used(event.id, True)
    assert bundle.collect_bundle(therapist, profile) == before
    # the client's own records stay theirs to change
    own = client.list_practices(client_pid)[0]
    client.save_reflection(own.id, "r1", prompt="?", note="changed my mind")
    client.set_grounding_used(client.safety_events(client_pid)[0].id, True)


def test_the_command_line_deletes_a_therapists_copy_only_when_asked_and_only_a_copy(
        tmp_path: Path, monkeypatch, capsys) -> None:
    from mit_desktop.cli.main import main

    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "client"))
    client = HistoryStore.open()
    _fill(client, range(0, 2))
    client.close()
    out = tmp_path / "ann.mitbundle"
    assert main(["history", "export", "--bundle", "-o", str(out)]) == 0
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "therapist"))
    assert main(["history", "import", str(out), "--profile", "Ann (client)"]) == 0
    therapist = HistoryStore.open()
    _fill(therapist, range(0, 1))  # the therapist's own profile "Ann", not a copy
    therapist.close()
    capsys.readouterr()
    assert main(["history", "delete-copy", "Ann"]) == 1
    assert "not a therapist's copy" in capsys.readouterr().err
    assert main(["history", "delete-copy", "Ann (client)"]) == 1  # no --yes: only says
    assert "2 practices" in capsys.readouterr().out
    with HistoryStore.open() as store:
        assert len(store.list_practices(store.profile_by_name("Ann (client)").id)) == 2
    assert main(["history", "delete-copy", "Ann (client)", "--yes"]) == 0
    with HistoryStore.open() as store:
        assert [p.name for p in store.list_profiles()] == ["Ann"]
        for table in ("bundle_imports", "measure_responses", "safety_events"):
            left = store.conn.execute(
                f"SELECT count(*) FROM {table} t JOIN profiles p ON p.id = t.profile_id "
                "WHERE p.name != 'Ann'").fetchone()[0]
            assert left == 0, table
        assert store.conn.execute("SELECT count(*) FROM bundle_imports").fetchone()[0] == 0


def test_nothing_new_is_recorded_in_a_therapists_copy(copy, tmp_path: Path) -> None:
    from mit_desktop.history.errors import TherapistCopyError

    _client, _pid, therapist, profile = copy
    before = bundle.collect_bundle(therapist, profile)
    now = therapist.clock()
    for write in (
            lambda: therapist.start_practice(profile, "nesting-doll", "h", "hands-free"),
            lambda: therapist.log_manual_practice(profile, "bam", now - 600_000, 300_000),
            lambda: therapist.record_measure(profile, "phq9", [0] * 9),
            lambda: therapist.add_body_map(profile, b"MITBMAP-1 x"),
            lambda: therapist.record_safety_event(profile, "need_to_stop", session_id="bam")):
        with pytest.raises(TherapistCopyError, match="“Ann” is your copy.*choose your own"):
            write()
    assert bundle.collect_bundle(therapist, profile) == before


def test_a_caregiver_who_imports_their_own_bundle_keeps_recording(copy, tmp_path: Path) -> None:
    client, client_pid, _therapist, _profile = copy
    out = tmp_path / "mine.mitbundle"
    bundle.export_bundle(client, client_pid, out)
    new_computer = HistoryStore.open(tmp_path / "new" / "h.sqlite3",
                                     clock=FakeClock(START_MS + 40 * DAY), tz=dt.UTC)
    try:
        me = new_computer.create_profile("Me")  # a caregiver's own profile
        bundle.import_bundle(new_computer, out, "Me")
        assert not bundle.is_therapist_copy(new_computer, me)
        practice = new_computer.start_practice(me, "nesting-doll", "h", "hands-free")
        new_computer.record_check_in(practice, "before", mood=5)
        imported = [p for p in new_computer.list_practices(me) if p.id != practice][0]
        with pytest.raises(ReadOnlyCopyError):  # what was imported stays as it was
            new_computer.save_reflection(imported.id, "r1", note="changed")
    finally:
        new_computer.close()
