"""A full disk and broken voice files: clear messages that name the file and say what to
do (real 2 MiB tmpfs; needs root)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from disk_helpers import fill_disk


def test_export_to_a_full_disk_names_the_file_asked_for(
        private_folders: Path, full_disk: Path, capsys) -> None:
    from mit_desktop.cli import history as cli
    from mit_desktop.history import HistoryStore

    with HistoryStore.open() as store:
        ann = store.create_profile("Ann")
        for _ in range(30):
            p = store.start_practice(ann, "bam", "h", "hands-free")
            store.save_reflection(p, "k", prompt="?", note="n" * 5000, rating=3)
    fill_disk(full_disk)
    out = full_disk / "for-my-therapist.json"
    assert cli.main(["history", "export", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "The disk is full" in err and str(out) in err and ".partial" not in err
    assert not out.exists()


def test_user_voice_with_a_huge_sample_rate_is_left_out_with_a_reason(
        private_folders: Path, caplog) -> None:
    from mit_desktop.render.voices import VoiceError, find_voice, list_voices

    folder = private_folders / "voices"
    folder.mkdir(parents=True)
    for name, config in (("huge", {"audio": {"sample_rate": 2 ** 40}}),
                         ("infinite", '{"audio": {"sample_rate": 1e999}}'),
                         ("odd", {"audio": {"sample_rate": 22050}, "language": "en"})):
        (folder / f"{name}.onnx").write_bytes(b"model")
        text = config if isinstance(config, str) else json.dumps(config)
        (folder / f"{name}.onnx.json").write_text(text)
    ids = [v.id for v in list_voices(folder)]
    assert "huge" not in ids and "infinite" not in ids and "odd" not in ids
    assert "sample rate" in caplog.text
    with pytest.raises(VoiceError):
        find_voice("huge", folder)
