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
