"""A session shared as one file comes back identical in another data folder, and a hostile or
damaged share file is refused with a plain message and nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.cli.main import main
from mit_desktop.content import session_bundle
from mit_desktop.content.session_bundle import BundleError, export_session, import_bundle
from mit_desktop.session.parser import parse_session

SCRIPT = ('+++\nid = "talk"\ntitle = "Anna\'s talk"\nmodule = "recording"\n+++\n\n# Talk\n\n'
          "[clip recordings/my talk.wav to 0:01]\n[reflect 30s note: What do you notice?]\n\n"
          "[clip recordings/my talk.wav from 0:01]\n")


@pytest.fixture
def own(tmp_path: Path) -> Path:
    folder = tmp_path / "sender" / "sessions"
    (folder / "recordings").mkdir(parents=True)
    tone = (np.sin(np.arange(44_100) / 10) * 3000).astype(np.int16)
    sf.write(folder / "recordings" / "my talk.wav", tone, 22_050)
    (folder / "recordings" / "my talk.txt").write_text("Hello.\n\nNow rest.\n", encoding="utf-8")
    path = folder / "talk.session.md"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def shared(own: Path, tmp_path: Path) -> Path:
    return export_session(own, tmp_path / "talk.mitsession")


@pytest.fixture
def receiver(tmp_path: Path) -> Path:
    """A receiving library that already has a session of its own."""
    folder = tmp_path / "receiver" / "sessions"
    (folder / "recordings").mkdir(parents=True)
    (folder / "mine.session.md").write_text(
        '+++\nid = "mine"\ntitle = "Mine"\n+++\n\n# Mine\n\nBreathe.\n', encoding="utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in folder.parent.rglob("*")}


def _rebuild(shared: Path, out: Path, *, manifest_edit=None, members=None, raw_infos=()) -> Path:
    """A copy of `shared` with its manifest edited, members replaced/added (name -> bytes) and
    raw ZipInfo members added; checksums kept as in the manifest unless edited."""
    with zipfile.ZipFile(shared) as archive:
        content = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(content.pop("manifest.json"))
    content.update(members or {})
    if manifest_edit is not None:
        manifest_edit(manifest)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in content.items():
            archive.writestr(name, data)
        for info, data in raw_infos:
            archive.writestr(info, data)
    return out


def _relist(manifest: dict, name: str, data: bytes) -> None:
    """List member `name` with `data`'s true size and checksum (a consistent forgery)."""
    manifest["members"] = [m for m in manifest["members"] if m["name"] != name]
    manifest["members"].append({"name": name, "size": len(data),
                                "sha256": hashlib.sha256(data).hexdigest()})


def test_round_trip_gives_the_same_script_and_recordings_and_it_validates(
        own: Path, shared: Path, receiver: Path) -> None:
    result = import_bundle(shared, receiver)
    assert result.session_id == "talk" and result.renamed_from is None
    session = parse_session(result.path)
    original = parse_session(own)
    assert session.title == original.title and session.cues[:1] == original.cues[:1]
    assert [type(c) for c in session.cues] == [type(c) for c in original.cues]
    clip = session.clips[0]
    assert receiver.resolve() in clip.path.resolve().parents
    assert clip.path.read_bytes() == (own.parent / "recordings" / "my talk.wav").read_bytes()
    assert clip.path.with_suffix(".txt").read_text(encoding="utf-8") == "Hello.\n\nNow rest.\n"
    assert stat.S_IMODE(os.stat(result.path).st_mode) == 0o600
    assert not [p for p in receiver.rglob("*") if p.name.endswith(".partial")]


def test_the_cli_shares_and_imports_through_the_library(own: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(own.parent.parent))
    out = tmp_path / "gift.mitsession"
    assert main(["library", "export", "talk", "-o", str(out)]) == 0
    assert main(["library", "export", "nobody", "-o", str(tmp_path / "x")]) == 1
    assert "no session with id 'nobody'" in capsys.readouterr().err
    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(tmp_path / "fresh"))
    assert main(["library", "import", str(out)]) == 0
    imported = tmp_path / "fresh" / "sessions" / "talk.session.md"
    assert main(["validate", str(imported)]) == 0
    assert main(["library", "import", str(out)]) == 0  # again: a copy beside it, not over it
    assert "talk-2" in capsys.readouterr().out
    assert parse_session(imported).title == "Anna's talk"
    second = parse_session(imported.with_name("talk-2.session.md"))
    assert second.title == "Anna's talk (shared copy)"


def test_an_id_already_in_the_library_is_never_overwritten(shared: Path, receiver: Path) -> None:
    (receiver / "talk.session.md").write_text(
        '+++\nid = "talk"\ntitle = "Old"\n+++\n\n# Old\n\nOld words.\n', encoding="utf-8")
    before = (receiver / "talk.session.md").read_bytes()
    result = import_bundle(shared, receiver)
    assert result.session_id == "talk-2" and result.renamed_from == "talk"
    assert (receiver / "talk.session.md").read_bytes() == before
    assert parse_session(result.path).id == "talk-2"


def _evil_cases(shared: Path, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    wav = b"RIFF" + b"\0" * 40
    link = zipfile.ZipInfo("recordings/link.wav")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    traversal_script = SCRIPT.replace("recordings/my talk.wav", str(Path("/etc/hostname").resolve())).encode()
    bad_script = b'+++\nid = "talk"\n+++\n\n[reflect forever: x]\n'
    cases = {
        "newer version": (_rebuild(shared, tmp_path / "v.zip", manifest_edit=lambda m: m.update(
            format_version=99)), "newer MIT Desktop"),
        "unknown version": (_rebuild(shared, tmp_path / "u.zip", manifest_edit=lambda m: m.update(
            format_version="one")), "does not know"),
        "not ours": (_rebuild(shared, tmp_path / "f.zip", manifest_edit=lambda m: m.update(
            format="other")), "not a practice shared"),
        "checksum": (_rebuild(shared, tmp_path / "c.zip", manifest_edit=lambda m: [
            x.update(sha256="0" * 64) for x in m["members"] if x["name"] != "session.session.md"]),
            "do not match"),
        "traversal": (_rebuild(shared, tmp_path / "t.zip", members={"../evil.wav": wav},
                               manifest_edit=lambda m: _relist(m, "../evil.wav", wav)),
                      "not allowed"),
        "absolute": (_rebuild(shared, tmp_path / "a.zip", members={"/tmp/evil.wav": wav},
                              manifest_edit=lambda m: _relist(m, "/tmp/evil.wav", wav)),
                     "not allowed"),
        "symlink": (_rebuild(shared, tmp_path / "l.zip", raw_infos=[(link, b"/etc/passwd")],
                             manifest_edit=lambda m: _relist(m, "recordings/link.wav",
                                                             b"/etc/passwd")), "link"),
        "unlisted member": (_rebuild(shared, tmp_path / "x.zip", members={"recordings/x.wav": wav}),
                            "damaged"),
        "clip outside": (_rebuild(shared, tmp_path / "o.zip",
                                  members={"session.session.md": traversal_script},
                                  manifest_edit=lambda m: _relist(m, "session.session.md",
                                                                  traversal_script)),
                         "outside the file"),
        "invalid script": (_rebuild(shared, tmp_path / "s.zip",
                                    members={"session.session.md": bad_script},
                                    manifest_edit=lambda m: _relist(m, "session.session.md",
                                                                    bad_script)),
                           "has a problem"),
        "not a zip": (tmp_path / "n.zip", "not a practice shared"),
        "truncated": (tmp_path / "cut.zip", "not a practice shared"),
    }
    (tmp_path / "n.zip").write_bytes(b"hello, this is text")
    (tmp_path / "cut.zip").write_bytes(shared.read_bytes()[: shared.stat().st_size // 2])
    return cases


def test_each_hostile_or_damaged_file_is_refused_with_nothing_written(
        shared: Path, receiver: Path, tmp_path: Path) -> None:
    before = _snapshot(receiver)
    for case, (path, words) in _evil_cases(shared, tmp_path).items():
        with pytest.raises(BundleError, match=words) as caught:
            import_bundle(path, receiver)
        assert "Traceback" not in str(caught.value), case
        assert _snapshot(receiver) == before, case


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(
        shared: Path, receiver: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(receiver)
    monkeypatch.setattr(session_bundle, "MAX_TOTAL_BYTES", 10 * 1024**2)
    zeros = b"\0" * (11 * 1024**2)  # compresses to about 11 kB
    bomb = _rebuild(shared, tmp_path / "bomb.zip", members={"recordings/z.wav": zeros},
                    manifest_edit=lambda m: _relist(m, "recordings/z.wav", zeros))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(BundleError, match="would take 11 MB once opened; a shared practice may take at most 10 MB"):
        import_bundle(bomb, receiver)
    monkeypatch.setattr(session_bundle, "MAX_MEMBERS", 2)
    with pytest.raises(BundleError, match="may hold at most 2"):
        import_bundle(shared, receiver)
    assert _snapshot(receiver) == before


def test_a_member_larger_than_its_manifest_says_is_refused(
        shared: Path, receiver: Path, tmp_path: Path) -> None:
    """The manifest's small size is a lie: reading stops there, nothing is written."""
    before = _snapshot(receiver)
    lying = _rebuild(shared, tmp_path / "lie.zip", manifest_edit=lambda m: [
        x.update(size=10) for x in m["members"] if x["name"].endswith(".wav")])
    with pytest.raises(BundleError, match="damaged"):
        import_bundle(lying, receiver)
    assert _snapshot(receiver) == before


def test_a_killed_imports_leftover_is_removed_at_the_next_import(shared: Path,
                                                                  receiver: Path) -> None:
    leftover = receiver / ".share-import.abc123.partial"
    (leftover / "recordings").mkdir(parents=True)
    (leftover / "recordings" / "half.wav").write_bytes(b"RIFF")
    os.utime(leftover, (1_000_000, 1_000_000))
    fresh = receiver / ".share-import.busy.partial"  # another import still writing
    fresh.mkdir()
    import_bundle(shared, receiver)
    assert not leftover.exists() and fresh.exists()


class _CancelAfter:
    """Cancels at the n-th check, like the user pressing Cancel mid-way."""

    def __init__(self, checks: int) -> None:
        self.left = checks

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt("cancelled")


def test_cancelling_leaves_no_file_and_nothing_added(own: Path, shared: Path, receiver: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "cancelled.mitsession"
    with pytest.raises(KeyboardInterrupt):
        export_session(own, out, _CancelAfter(0))
    assert not out.exists() and not [p for p in tmp_path.iterdir() if ".partial" in p.name]
    before = _snapshot(receiver)
    for checks in (0, 3):  # while checking the checksums, then while unpacking
        with pytest.raises(KeyboardInterrupt):
            import_bundle(shared, receiver, _CancelAfter(checks))
        assert _snapshot(receiver) == before


def test_a_compressed_recording_is_stored_as_it_is_and_a_wav_packed(own: Path,
                                                                    tmp_path: Path) -> None:
    sf.write(own.parent / "recordings" / "b.ogg", np.zeros(22_050, dtype=np.float32), 22_050)
    own.write_text(SCRIPT + "[clip recordings/b.ogg]\n", encoding="utf-8")
    with zipfile.ZipFile(export_session(own, tmp_path / "two.mitsession")) as archive:
        assert archive.getinfo("recordings/b.ogg").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("recordings/my-talk.wav").compress_type == zipfile.ZIP_DEFLATED
    result = import_bundle(tmp_path / "two.mitsession", tmp_path / "in")
    assert len({c.path for c in parse_session(result.path).clips}) == 2
