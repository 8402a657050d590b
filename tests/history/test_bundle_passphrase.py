"""A passphrase on a practice bundle: sealed with the cryptography library (scrypt,
AES-256-GCM); the right passphrase brings back exactly what was exported, a wrong or
missing one is refused in plain words with nothing written, a changed file or a hostile
header is refused, and the command line never takes a passphrase as an argument."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from history_helpers import START_MS, FakeClock
from test_history_bundle import _content, _fill

from mit_desktop.history import bundle, bundle_lock
from mit_desktop.history.bundle_lock import (
    PassphraseError,
    PassphraseNeededError,
    WrongPassphraseError,
)
from mit_desktop.history.store import HistoryStore

DAY = 86_400_000
PASS = "blue kettle by the window"


@pytest.fixture(autouse=True)
def _quick_scrypt(monkeypatch) -> None:
    # the lowest cost a reader accepts, so the tests do not spend 128 MiB per key
    monkeypatch.setattr(bundle_lock, "SCRYPT_N", 2**14)


def _open(folder: Path, clock: FakeClock) -> HistoryStore:
    return HistoryStore.open(folder / "history.sqlite3", clock=clock, tz=dt.UTC)


@pytest.fixture
def stores(tmp_path: Path):
    client = _open(tmp_path / "client", FakeClock(START_MS + 30 * DAY))
    therapist = _open(tmp_path / "therapist", FakeClock(START_MS + 31 * DAY))
    yield client, therapist
    client.close()
    therapist.close()


def _rows(store: HistoryStore) -> dict[str, int]:
    return {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("profiles", "practices", "check_ins", "reflections", "body_maps",
                      "measure_responses", "safety_events", "bundle_imports")}


def test_a_protected_bundle_round_trips_with_its_passphrase_and_hides_everything(
        stores, tmp_path: Path) -> None:
    client, therapist = stores
    pid = _fill(client, range(0, 3))
    out = tmp_path / "ann.mitbundle"
    bundle.export_bundle(client, pid, out, passphrase=PASS)
    raw = out.read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600
    assert raw.startswith(bundle_lock.MAGIC) and bundle.is_protected(out)
    for secret in (b"tight chest", b"nesting-doll", b"Ann", b"manifest.json", b"PK\x03\x04"):
        assert secret not in raw
    result = bundle.import_bundle(therapist, out, "Ann", passphrase=PASS)
    assert result.added_total == 21
    assert _content(bundle.collect_bundle(therapist, result.profile_id)) == \
        _content(bundle.collect_bundle(client, pid))
    again = bundle.import_bundle(therapist, out, "Ann", passphrase=PASS)
    assert again.added_total == 0


def test_a_wrong_or_missing_passphrase_is_refused_plainly_and_nothing_is_written(
        stores, tmp_path: Path) -> None:
    client, therapist = stores
    pid = _fill(client, range(0, 2))
    out = tmp_path / "ann.mitbundle"
    bundle.export_bundle(client, pid, out, passphrase=PASS)
    before = _rows(therapist)
    with pytest.raises(WrongPassphraseError, match="does not open the bundle.*Nothing was"):
        bundle.import_bundle(therapist, out, "Ann", passphrase=PASS.upper())
    with pytest.raises(PassphraseNeededError, match="protected by a passphrase"):
        bundle.import_bundle(therapist, out, "Ann")
    assert _rows(therapist) == before  # not even the profile was made


def test_a_changed_byte_or_a_hostile_header_is_refused(stores, tmp_path: Path) -> None:
    client, therapist = stores
    pid = _fill(client, range(0, 1))
    out = tmp_path / "ann.mitbundle"
    bundle.export_bundle(client, pid, out, passphrase=PASS)
    raw = bytearray(out.read_bytes())
    raw[-20] ^= 1
    changed = tmp_path / "changed.mitbundle"
    changed.write_bytes(bytes(raw))
    with pytest.raises(WrongPassphraseError):
        bundle.import_bundle(therapist, changed, "Ann", passphrase=PASS)
    # a header asking for 1 GiB of scrypt memory is refused before any key is made
    start = len(bundle_lock.MAGIC) + 2
    length = int.from_bytes(raw[len(bundle_lock.MAGIC):start], "big")
    header = json.loads(bytes(raw[start:start + length]))
    header["n"] = 2**20
    new_header = json.dumps(header).encode()
    hostile = tmp_path / "hostile.mitbundle"
    hostile.write_bytes(bundle_lock.MAGIC + len(new_header).to_bytes(2, "big") + new_header
                        + bytes(raw[start + length:]))
    with pytest.raises(PassphraseError, match="does not read"):
        bundle.import_bundle(therapist, hostile, "Ann", passphrase=PASS)
    truncated = tmp_path / "short.mitbundle"
    truncated.write_bytes(bytes(raw[:len(bundle_lock.MAGIC) + 5]))
    with pytest.raises(PassphraseError, match="cut short"):
        bundle.import_bundle(therapist, truncated, "Ann", passphrase=PASS)
    assert _rows(therapist)["practices"] == 0


def test_a_too_short_passphrase_writes_no_file(stores, tmp_path: Path) -> None:
    client, _therapist = stores
    pid = _fill(client, range(0, 1))
    out = tmp_path / "ann.mitbundle"
    with pytest.raises(PassphraseError, match="at least 8 characters"):
        bundle.export_bundle(client, pid, out, passphrase="short")
    assert not out.exists()


def test_the_command_line_takes_the_passphrase_from_a_file_or_asks_never_as_an_argument(
        tmp_path: Path, monkeypatch, capsys) -> None:
    from mit_desktop.cli import history as cli_history
    from mit_desktop.cli.main import main

    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "c"))
    store = HistoryStore.open()
    _fill(store, range(0, 2))
    store.close()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")
    out = tmp_path / "ann.mitbundle"
    assert main(["history", "export", "--bundle", "-o", str(out),
                 "--passphrase-file", str(secret)]) == 0
    assert "protected by a passphrase" in capsys.readouterr().out
    assert bundle.is_protected(out)
    # there is no option that takes the passphrase itself, and the refusal does not
    # repeat it (--passphrase is not taken as short for --passphrase-file)
    for command in (["history", "export", "--bundle", "-o", str(tmp_path / "x.mitbundle")],
                    ["history", "import", str(out), "--profile", "Ann"]):
        with pytest.raises(SystemExit) as usage:
            main([*command, "--passphrase", PASS])
        assert usage.value.code == 2
        err = capsys.readouterr().err
        assert "never typed on the command line" in err and PASS not in err

    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "t"))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    assert main(["history", "import", str(out), "--profile", "Ann",
                 "--passphrase-file", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert "does not open the bundle" in err and "Traceback" not in err
    # no terminal and no file: told how to give it, nothing written
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert main(["history", "import", str(out), "--profile", "Ann"]) == 1
    assert "--passphrase-file" in capsys.readouterr().err
    # in a terminal it is asked for (getpass: not echoed)
    monkeypatch.setattr(cli_history, "_ask_passphrase", lambda prompt: PASS)
    monkeypatch.setattr(cli_history, "_import_passphrase",
                        lambda args: cli_history._ask_passphrase("?"))
    assert main(["history", "import", str(out), "--profile", "Ann"]) == 0
    assert "Imported into Ann: 2 practices" in capsys.readouterr().out


def test_export_asks_twice_and_refuses_two_different_passphrases(
        tmp_path: Path, monkeypatch, capsys) -> None:
    from mit_desktop.cli import history as cli_history
    from mit_desktop.cli.main import main

    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "c"))
    store = HistoryStore.open()
    _fill(store, range(0, 1))
    store.close()
    answers = iter([PASS, PASS + "!"])
    monkeypatch.setattr(cli_history, "_ask_passphrase", lambda prompt: next(answers))
    out = tmp_path / "ann.mitbundle"
    assert main(["history", "export", "--bundle", "-o", str(out), "--protect"]) == 1
    assert "differ" in capsys.readouterr().err and not out.exists()
    answers = iter([PASS, PASS])
    assert main(["history", "export", "--bundle", "-o", str(out), "--protect"]) == 0
    assert bundle.is_protected(out)
