"""Practice bundles: what the caregiver exports is what the therapist's copy holds; the
same bundle twice changes nothing, a newer one adds only what is new; another client's
bundle asks first; a damaged, wrong-version or hostile bundle is refused with nothing
written."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from history_helpers import START_MS, FakeClock

from mit_desktop.history import bundle
from mit_desktop.history.bundle import BundleError, OtherClientError
from mit_desktop.history.store import HistoryStore

UTC = dt.UTC
DAY = 86_400_000


def _open(folder: Path, clock: FakeClock) -> HistoryStore:
    return HistoryStore.open(folder / "history.sqlite3", clock=clock, tz=UTC)


@pytest.fixture
def client(tmp_path: Path):
    clock = FakeClock(START_MS + 30 * DAY)
    store = _open(tmp_path / "client", clock)
    yield store
    store.close()


@pytest.fixture
def therapist(tmp_path: Path):
    clock = FakeClock(START_MS + 31 * DAY)
    store = _open(tmp_path / "therapist", clock)
    yield store
    store.close()


def _fill(store: HistoryStore, days: range) -> int:
    try:
        pid = store.profile_by_name("Ann").id
    except Exception:  # noqa: BLE001
        pid = store.create_profile("Ann")
    for day in days:
        start = START_MS + day * DAY
        practice = store.start_practice(pid, "nesting-doll", "h1", "hands-free",
                                        started_ms=start)
        store.record_check_in(practice, "before", mood=3, stress=7, recorded_ms=start)
        map_id = store.add_body_map(pid, b"MITBMAP-1 fake" + bytes([day]), practice_id=practice,
                                    emotion="sadness", intensity=6, created_ms=start + 60_000)
        store.save_reflection(practice, "r1", prompt="What do you notice?",
                              note=f"Day {day}: tight chest", rating=4, body_map_id=map_id)
        store.finish_practice(practice, True, 20 * 60_000, 20 * 60_000)
        store.record_check_in(practice, "after", mood=6, stress=4, recorded_ms=start + 1_300_000)
        store.record_measure(pid, "phq9", [1] * 8 + [day % 2], occasion="weekly",
                             recorded_ms=start + 2_000_000)
        store.record_safety_event(pid, "need_to_stop", practice_id=practice,
                                  session_id="nesting-doll", section="The doll",
                                  position_ms=5000, recorded_ms=start + 100_000)
    return pid


def _content(document: dict) -> dict:
    """The bundle's content without what differs between copies (numbers, whose copy)."""
    text = json.dumps({k: document[k] for k in ("practices", "body_maps", "measures",
                                                "safety_events")}, sort_keys=True)
    for key in ("uid", "practice_uid", "body_map_uid"):
        text = __import__("re").sub(rf'"{key}": ("[^"]*"|null)', f'"{key}": "-"', text)
    return json.loads(text)


def test_round_trip_the_therapists_copy_holds_exactly_what_was_exported(
        client, therapist, tmp_path: Path) -> None:
    pid = _fill(client, range(0, 3))
    out = tmp_path / "ann.mitbundle"
    counts = bundle.export_bundle(client, pid, out)
    assert counts == {"practice": 3, "check_in": 6, "reflection": 3, "body_map": 3,
                      "measure": 3, "safety_event": 3}
    assert out.stat().st_mode & 0o777 == 0o600
    result = bundle.import_bundle(therapist, out, "Ann (client)")
    assert result.added_total == 21 and result.already_there == 0
    copy = bundle.collect_bundle(therapist, result.profile_id)
    assert _content(copy) == _content(bundle.collect_bundle(client, pid))
    reflection = copy["practices"][0]["reflections"][0]
    assert reflection["body_map_uid"] is not None  # the map is still beside its reflection
    assert therapist.get_profile(result.profile_id).kind == "client"


def test_the_same_bundle_twice_changes_nothing_and_a_newer_adds_only_what_is_new(
        client, therapist, tmp_path: Path) -> None:
    pid = _fill(client, range(0, 2))
    first = tmp_path / "week1.mitbundle"
    bundle.export_bundle(client, pid, first)
    target = bundle.import_bundle(therapist, first, "Ann").profile_id
    before = therapist.conn.execute("SELECT count(*) FROM bundle_imports").fetchone()
    again = bundle.import_bundle(therapist, first, "Ann")
    assert again.added_total == 0 and again.already_there == 14
    assert therapist.conn.execute("SELECT count(*) FROM bundle_imports").fetchone() == before
    _fill(client, range(7, 8))
    newer = tmp_path / "week2.mitbundle"
    bundle.export_bundle(client, pid, newer)
    result = bundle.import_bundle(therapist, newer, "Ann")
    assert result.added == {"practice": 1, "check_in": 2, "reflection": 1, "body_map": 1,
                            "measure": 1, "safety_event": 1}
    assert len(therapist.list_practices(target)) == 3


def test_a_period_keeps_to_its_days(client, tmp_path: Path) -> None:
    pid = _fill(client, range(0, 10))
    first = dt.date(2026, 3, 4)  # START_MS is 2026-03-02
    document = bundle.collect_bundle(client, pid, first, first + dt.timedelta(days=2))
    assert len(document["practices"]) == 3 and len(document["measures"]) == 3


def test_another_clients_bundle_into_a_profile_with_data_asks_first(
        client, therapist, tmp_path: Path) -> None:
    pid = _fill(client, range(0, 1))
    out = tmp_path / "ann.mitbundle"
    bundle.export_bundle(client, pid, out)
    _fill(therapist, range(0, 1))  # the therapist's "Ann" already holds other practice
    with pytest.raises(OtherClientError):
        bundle.import_bundle(therapist, out, "Ann")
    assert len(therapist.list_practices(therapist.profile_by_name("Ann").id)) == 1
    result = bundle.import_bundle(therapist, out, "Ann", allow_other_client=True)
    assert result.added["practice"] == 1


def _bundle_file(path: Path, data: object, *, manifest: dict | None = None,
                 extra: dict[str, bytes] | None = None, raw: bytes | None = None) -> Path:
    payload = raw if raw is not None else json.dumps(data).encode("utf-8")
    info = {"format": bundle.FORMAT, "version": bundle.VERSION, "created_ms": 1,
            "data_sha256": hashlib.sha256(payload).hexdigest(), "data_bytes": len(payload),
            "counts": {}}
    info.update(manifest or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(info))
        archive.writestr("data.json", payload)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    path.write_bytes(buffer.getvalue())
    return path


def _good(client: HistoryStore) -> dict:
    pid = _fill(client, range(0, 1))
    return bundle.collect_bundle(client, pid)


def _hostile(good: dict, kind: str) -> dict:
    bad = json.loads(json.dumps(good))
    if kind == "formula":
        bad["practices"][0]["reflections"][0]["note"] = '=HYPERLINK("http://x","click")'
    elif kind == "dde":
        bad["safety_events"][0]["section"] = "-cmd|' /C calc'!A0"
    elif kind == "unknown field":
        bad["measures"][0]["score"] = 27
    elif kind == "rating out of range":
        bad["practices"][0]["check_ins"][0]["mood"] = 11
    elif kind == "huge text":
        bad["practices"][0]["reflections"][0]["note"] = "x" * 30_000
    elif kind == "bad uid":
        bad["practices"][0]["uid"] = "../../etc"
    elif kind == "huge count":
        bad["measures"] = [dict(bad["measures"][0], uid=str(n)) for n in range(200_001)]
    elif kind == "wrong type":
        bad["practices"][0]["started_ms"] = "yesterday"
    return bad


HOSTILE = ["formula", "dde", "unknown field", "rating out of range", "huge text", "bad uid",
           "huge count", "wrong type"]


def _nothing_written(therapist: HistoryStore) -> bool:
    conn = therapist.conn
    return all(conn.execute(f"SELECT count(*) FROM {t}").fetchone() == (0,)
               for t in ("profiles", "practices", "measure_responses", "bundle_imports",
                         "body_maps", "safety_events"))


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_content_is_refused_and_nothing_is_written(client, therapist, tmp_path: Path,
                                                           kind: str) -> None:
    path = _bundle_file(tmp_path / "bad.mitbundle", _hostile(_good(client), kind))
    with pytest.raises(BundleError, match="cannot be imported"):
        bundle.import_bundle(therapist, path, "Ann")
    assert _nothing_written(therapist)


def test_damaged_truncated_wrong_version_and_odd_archives_are_refused(
        client, therapist, tmp_path: Path) -> None:
    good = _good(client)
    cases = {
        "truncated": None,
        "changed after": _bundle_file(tmp_path / "c.mitbundle", good,
                                      manifest={"data_sha256": "0" * 64}),
        "newer version": _bundle_file(tmp_path / "v.mitbundle", good, manifest={"version": 2}),
        "a path with ..": _bundle_file(tmp_path / "p.mitbundle", good,
                                       extra={"../../evil.sh": b"rm -rf ~"}),
        "deep nesting": _bundle_file(tmp_path / "d.mitbundle", None,
                                     raw=b"[" * 100_000 + b"]" * 100_000),
        "not json": _bundle_file(tmp_path / "j.mitbundle", None, raw=b"\xff\xfe nonsense"),
        "not a zip": tmp_path / "n.mitbundle",
    }
    whole = _bundle_file(tmp_path / "whole.mitbundle", good).read_bytes()
    cases["truncated"] = tmp_path / "t.mitbundle"
    cases["truncated"].write_bytes(whole[: len(whole) // 2])
    cases["not a zip"].write_text("hello", "utf-8")
    for name, path in cases.items():
        with pytest.raises(BundleError) as caught:
            bundle.import_bundle(therapist, path, "Ann")
        assert "Nothing was changed" in str(caught.value) or "cannot be read" in \
            str(caught.value), name
        assert _nothing_written(therapist), name
    assert bundle.import_bundle(therapist, tmp_path / "whole.mitbundle", "Ann").added_total


def test_a_zip_bomb_is_read_no_further_than_the_limit(client, therapist, tmp_path: Path,
                                                      monkeypatch) -> None:
    monkeypatch.setattr(bundle, "MAX_DATA_BYTES", 1000)
    path = _bundle_file(tmp_path / "bomb.mitbundle", None, raw=b" " * 5_000_000)
    with pytest.raises(BundleError, match="too large"):
        bundle.import_bundle(therapist, path, "Ann")
    assert _nothing_written(therapist)


def test_each_hostile_bundle_is_refused_for_its_own_reason(client, therapist,
                                                          tmp_path: Path) -> None:
    good = _good(client)
    reasons = {"formula": "spreadsheet formula", "dde": "spreadsheet formula",
               "unknown field": "unknown field 'score'", "rating out of range": "0 to 10",
               "huge text": "at most 20000", "bad uid": "bad record number",
               "huge count": "too many records", "wrong type": "whole number"}
    for kind, words in reasons.items():
        path = _bundle_file(tmp_path / f"{kind}.mitbundle", _hostile(good, kind))
        with pytest.raises(BundleError, match=words):
            bundle.import_bundle(therapist, path, "Ann")


def test_the_command_line_exports_and_imports_a_bundle(tmp_path: Path, monkeypatch,
                                                       capsys) -> None:
    from mit_desktop.cli.main import main

    client_dir, therapist_dir = tmp_path / "c", tmp_path / "t"
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(client_dir))
    store = HistoryStore.open()
    _fill(store, range(0, 2))
    store.close()
    out = tmp_path / "ann.mitbundle"
    assert main(["history", "export", "--bundle", "-o", str(out)]) == 0
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(therapist_dir))
    assert main(["history", "import", str(out), "--profile", "Ann"]) == 0
    assert "Imported into Ann: 2 practices" in capsys.readouterr().out
    assert main(["history", "import", str(out), "--profile", "Ann"]) == 0
    assert "Nothing new" in capsys.readouterr().out
    (tmp_path / "bad.mitbundle").write_bytes(out.read_bytes()[:100])
    assert main(["history", "import", str(tmp_path / "bad.mitbundle"), "--profile", "Ann"]) == 1
    assert "cannot be imported" in capsys.readouterr().err
