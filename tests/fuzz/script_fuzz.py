"""Fuzzing `mit-desktop validate` with mutants of the bundled session scripts.

A seeded generator turns the scripts in ``audio/sessions/`` into mutants: huge and
odd numbers, Unicode digits, deeply nested front matter, long clip paths and long
runs of spaces, NUL bytes, special files (folders, FIFOs, devices, symlink loops)
as scripts and as clips, damaged recordings, files of thousands of bad lines, and
plain random edits (lines cut, doubled, swapped, bytes flipped). Each mutant is
checked by ``mit_desktop.cli.main(["validate", PATH])`` in a worker process with a
time limit per input, and classified:

- ``traceback``: an exception escaped ``main`` (or the worker died);
- ``hang``: no answer within the time limit (the worker is killed and restarted);
- ``no_location``: an error line that does not start with ``PATH:LINE:`` (or
  ``PATH:LINE:COLUMN:``), or that shows Python's or a library's own text
  ("invalid literal for int()", "Exceeds the limit", "embedded null byte", ...).

The same seed gives the same mutants. ``python tests/fuzz/script_fuzz.py --seed N
--count N`` (``make fuzz``) prints the counts; tests/fuzz/test_script_fuzz.py runs
1,000 mutants in ``make test``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SESSIONS = REPO / "audio" / "sessions"

#: Python's and libraries' own wording, never meant for a user.
INTERNAL_TEXT = re.compile(
    r"invalid literal|Exceeds the limit|embedded null byte|\[Errno|Traceback|"
    r"object has no attribute|could not convert|maximum recursion|NoneType|"
    r"Error opening (input|output) file|Errno|unsupported operand|index out of range|"
    r"codec can't|OverflowError|RecursionError|cannot convert float"
)

KINDS = ("traceback", "hang", "no_location")


@dataclass
class Mutant:
    """One input: the path given to `validate`, and how it was made (for the report)."""

    path: Path
    operator: str


@dataclass
class Outcome:
    mutant: Mutant
    kind: str  # "ok", "invalid" (a clean refusal), or one of KINDS
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    seed: int
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in KINDS]

    def summary(self) -> str:
        c = self.counts()
        slowest = max(self.outcomes, key=lambda o: o.seconds, default=None)
        lines = [
            f"seed {self.seed}: {len(self.outcomes)} inputs: {c['ok']} valid, {c['invalid']} "
            f"refused with file:line messages; tracebacks {c['traceback']}, hangs {c['hang']}, "
            f"messages without file:line {c['no_location']}",
        ]
        if slowest is not None:
            lines.append(f"slowest input {slowest.seconds:.2f} s ({slowest.mutant.operator})")
        by_op: Counter[tuple[str, str]] = Counter(
            (o.kind, o.mutant.operator) for o in self.failures())
        for (kind, op), n in sorted(by_op.items()):
            lines.append(f"  {kind:<12} {op:<24} {n}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Audio files, good and damaged, that mutants refer to as clips


def _wav_bytes(rate: int = 8000, channels: int = 1, bits: int = 16, fmt: int = 1,
               n_frames: int = 800, data_size: int | None = None) -> bytes:
    block = channels * bits // 8
    payload = bytes((i * 37) & 0xFF for i in range(max(0, n_frames * max(block, 1))))
    size = len(payload) if data_size is None else data_size
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels, rate & 0xFFFFFFFF,
                            (rate * max(block, 1)) & 0xFFFFFFFF, block & 0xFFFF, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk
    body += b"data" + struct.pack("<I", size & 0xFFFFFFFF) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def make_audio(folder: Path, rng: random.Random) -> list[str]:
    """Write good and damaged recordings into `folder`; their names, for [clip NAME]."""
    import numpy as np
    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    tone = (0.3 * np.sin(np.arange(8000 * 2) * 2 * np.pi * 440 / 8000)).astype(np.float32)
    names: list[str] = []
    for fmt, ext in (("WAV", "wav"), ("FLAC", "flac"), ("MP3", "mp3"), ("OGG", "ogg")):
        good = folder / f"good.{ext}"
        sf.write(str(good), tone, 8000 if fmt != "MP3" else 16000, format=fmt)
        data = good.read_bytes()
        names.append(good.name)
        (folder / f"cut-half.{ext}").write_bytes(data[: len(data) // 2])
        (folder / f"cut-head.{ext}").write_bytes(data[: min(len(data), 60)])
        flipped = bytearray(data)
        for _ in range(20):
            i = rng.randrange(len(flipped) // 4, len(flipped))
            flipped[i] ^= 1 << rng.randrange(8)
        (folder / f"flipped.{ext}").write_bytes(bytes(flipped))
        zeroed = bytearray(data)
        a, b = len(data) // 3, 2 * len(data) // 3
        zeroed[a:b] = bytes(b - a)
        (folder / f"zeroed.{ext}").write_bytes(bytes(zeroed))
        names += [f"cut-half.{ext}", f"cut-head.{ext}", f"flipped.{ext}", f"zeroed.{ext}"]
    crafted = {
        "channels0.wav": _wav_bytes(channels=0),
        "bits0.wav": _wav_bytes(bits=0),
        "format-unknown.wav": _wav_bytes(fmt=0x1234),
        "rate-2e31.wav": _wav_bytes(rate=2**31),
        "rate-1.wav": _wav_bytes(rate=1),
        "channels-1000.wav": _wav_bytes(channels=1000, n_frames=2),
        "data-huge.wav": _wav_bytes(data_size=0x7FFFFFF0),
        "empty.wav": b"",
        "text.mp3": b"this is not audio at all\n" * 40,
        "random.ogg": bytes(rng.randrange(256) for _ in range(4096)),
    }
    for name, data in crafted.items():
        (folder / name).write_bytes(data)
        names.append(name)
    (folder / "a-folder.wav").mkdir(exist_ok=True)
    names.append("a-folder.wav")
    _special(folder, "fifo.wav", "fifo")
    _special(folder, "loop.wav", "loop")
    _special(folder, "zero.wav", "devzero")
    _special(folder, "dangling.wav", "dangling")
    names += ["fifo.wav", "loop.wav", "zero.wav", "dangling.wav"]
    return names


def _special(folder: Path, name: str, kind: str) -> Path:
    path = folder / name
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        other = folder / (name + ".other")
        with contextlib.suppress(FileNotFoundError):
            other.unlink()
        os.symlink(other.name, path)
        os.symlink(path.name, other)
    elif kind == "devzero":
        os.symlink("/dev/zero", path)
    elif kind == "dangling":
        os.symlink(name + ".nowhere", path)
    return path


# ----------------------------------------------------------------------------------------
# Mutation operators: each takes (text, rng, ctx) and returns new text (or bytes)


_DIGIT_SETS = ("²³¹", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "①②③", "߀߁߂", "𝟎𝟏𝟐")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _body_index(lines: list[str], rng: random.Random) -> int:
    fences = [i for i, line in enumerate(lines) if line.strip() == "+++"]
    start = fences[1] + 1 if len(fences) > 1 else 0
    return rng.randrange(start, len(lines) + 1)


def _insert_body(text: str, rng: random.Random, new: str) -> str:
    lines = _lines(text)
    lines.insert(_body_index(lines, rng), new)
    return "\n".join(lines)


def _insert_front(text: str, rng: random.Random, new: str) -> str:
    lines = _lines(text)
    fences = [i for i, line in enumerate(lines) if line.strip() == "+++"]
    at = fences[1] if len(fences) > 1 else 1
    # before any [table], so the key lands at the top level
    tables = [i for i in range(1, at) if lines[i].lstrip().startswith("[")]
    lines.insert(tables[0] if tables and rng.random() < 0.7 else at, new)
    return "\n".join(lines)


def _big_digits(rng: random.Random) -> str:
    n = rng.choice((12, 20, 308, 309, 400, 4300, 4301, 5000, 20000))
    return str(rng.randrange(1, 10)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def op_huge_number(text: str, rng: random.Random, ctx: dict) -> str:
    digits = _big_digits(rng)
    forms = [f"[pause {digits}s]", f"[pause {digits}ms]", f"[pause {digits}m]",
             f"[pause {digits}.5s]", f"[pause 1.{digits}s]", f"[bell {digits}]",
             f"[reflect {digits}s note: What do you notice?]", f"[rate {digits}]",
             f"[clip good.wav from {digits}s]", f"[clip good.wav from 0:00 to {digits}:00]",
             f"[clip good.wav to {digits}ms]", f"[pause {digits}m{digits}s]",
             f"[ambience rain {digits}%]", "[pause 999999999999m]", "[reflect 99999999h note: x?]"]
    return _insert_body(text, rng, rng.choice(forms))


def op_replace_numbers(text: str, rng: random.Random, ctx: dict) -> str:
    """Every number in one directive line becomes a huge or odd number."""
    lines = _lines(text)
    candidates = [i for i, line in enumerate(lines) if line.startswith("[") and re.search(r"\d", line)]
    if not candidates:
        return op_huge_number(text, rng, ctx)
    i = rng.choice(candidates)
    replacement = rng.choice((_big_digits(rng), "inf", "nan", "1e999", "-5", "0", "00", ".5", "1..2"))
    lines[i] = re.sub(r"\d+", replacement, lines[i], count=1)
    return "\n".join(lines)


def op_unicode_digits(text: str, rng: random.Random, ctx: dict) -> str:
    digits = rng.choice(_DIGIT_SETS)
    d = "".join(rng.choice(digits) for _ in range(rng.randrange(1, 4)))
    forms = [f"[bell {d}]", f"[pause {d}s]", f"[pause {d}ms]", f"[reflect {d}s note: Notice?]",
             f"[clip good.wav from 0:{d}]", f"[clip good.wav from {d}:00 to 0:{d}{d}]",
             f"[ambience rain {d}%]", f"[rate {d}]", f"[bell chime {d}]"]
    if rng.random() < 0.3:
        return _insert_front(text, rng, rng.choice((f"minutes = {d}", f"rate = {d}")))
    return _insert_body(text, rng, rng.choice(forms))


def op_deep_toml(text: str, rng: random.Random, ctx: dict) -> str:
    n = rng.choice((50, 200, 999, 1000, 3000, 20000))
    kind = rng.randrange(4)
    if kind == 0:
        line = "deep = " + "[" * n + "]" * n
    elif kind == 1:
        line = "deep = " + "{a = " * n + "1" + "}" * n
    elif kind == 2:
        line = "summary = " + "[" * n + '"x"' + "]" * n
    else:
        line = "[variables]\nx = " + "[" * n + "1" + "]" * n
    return _insert_front(text, rng, line)


def op_front_values(text: str, rng: random.Random, ctx: dict) -> str:
    big = _big_digits(rng)
    line = rng.choice((
        f"minutes = {big}", "minutes = inf", "minutes = nan", "minutes = 1e999", "minutes = -inf",
        f"rate = {big}", "rate = nan", "rate = inf", f"minutes = {big}.0", "minutes = 0x" + "f" * 5000,
        "rate = true", "minutes = 1979-05-27", 'id = "\x00"', 'title = "' + "t" * 100_000 + '"',
        'voice = "' + "v" * 5000 + '"', 'language = "' + "e" * 10000 + '"',
        "[variables]\nloved_one = " + big, 'safety = """' + "s " * 50_000 + '"""',
    ))
    return _insert_front(text, rng, line)


def op_long_clip_path(text: str, rng: random.Random, ctx: dict) -> str:
    n = rng.choice((255, 256, 300, 1000, 4096, 5000, 20000))
    kind = rng.randrange(5)
    if kind == 0:
        path = "a" * n + ".wav"
    elif kind == 1:
        path = "d/" * (n // 2) + "x.wav"
    elif kind == 2:
        path = "../" * (n // 3) + "x.wav"
    elif kind == 3:
        path = "/" + "b" * n
    else:
        path = "clips/" + "é" * n + ".mp3"
    return _insert_body(text, rng, f"[clip {path}]")


def op_nul_and_controls(text: str, rng: random.Random, ctx: dict) -> str:
    bad = rng.choice(("\x00", "\x1b[2J", "\r", "\x0b", "\x0c", "\u2028", "\ufeff", "\x7f", "\ud800"))
    kind = rng.randrange(3)
    if kind == 0:
        return _insert_body(text, rng, f"[clip good{bad}.wav]")
    if kind == 1:
        return _insert_body(text, rng, f"[clip {bad}]")
    i = rng.randrange(len(text) + 1)
    return text[:i] + bad + text[i:]


def op_spaces(text: str, rng: random.Random, ctx: dict) -> str:
    n = rng.choice((1000, 10_000, 50_000, 100_000, 300_000))
    sp = rng.choice((" ", "\t", " \t", "\u3000"))
    run = (sp * n)[:n]
    forms = [f"[clip a{run}b]", f"[clip good.wav{run}from{run}0:01{run}to{run}0:02]",
             f"[clip {run}]", f"[clip good.wav from{run}]", f"[pause{run}8s]",
             f"[bell{run}]", f"[reflect{run}note:{run}x?]", f"[reflect 8s{run}x{run}:]",
             f"Some{run}words.", f"#{run}", f"[{run}]", f"[ambience{run}rain{run}5%]",
             f"[clip good.wav to{run}x{run}]"]
    return _insert_body(text, rng, rng.choice(forms))


def op_long_line(text: str, rng: random.Random, ctx: dict) -> str:
    n = rng.choice((10_000, 100_000, 500_000))
    words = ["bowl", "x", "chime", "2", "zz", "rating", "note", "{", "}", "{a}", "from", "to"]
    toks = " ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(n // 8))
    form = rng.choice(("[bell {}]", "[reflect {}: why?]", "[ambience {}]", "{}",
                       "[reflect 9s rating: a | {} | 0 a | 10 b]", "[clip {}]", "[voice {}]"))
    return _insert_body(text, rng, form.format(toks))


def op_many_bad_lines(text: str, rng: random.Random, ctx: dict) -> str:
    n = rng.choice((10_000, 100_000, 900_000))
    bad = rng.choice(("[paus 8s]", "[bell 99]", "{x}", "[x", "[reflect 5s bad: y]"))
    return text + "\n" + "\n".join([bad] * n) + "\n"


def op_clip_special(text: str, rng: random.Random, ctx: dict) -> str:
    name = rng.choice(ctx["audio"])
    prefix = "clips/"
    extra = rng.choice(("", "", " from 0:00.5", " to 0:01", " from 0:01 to 0:01.5", " from 9:00"))
    return _insert_body(text, rng, f"[clip {prefix}{name}{extra}]")


def op_random_edit(text: str, rng: random.Random, ctx: dict) -> str | bytes:
    lines = _lines(text)
    for _ in range(rng.randrange(1, 6)):
        if not lines:
            lines = [""]
        kind = rng.randrange(9)
        i = rng.randrange(len(lines))
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 3 and lines[i]:
            k = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:k] + lines[i][k + 1:]
        elif kind == 4:
            k = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:k] + rng.choice("[]{}:|%#/+ \t\\\"'=0123456789msh.") + lines[i][k:]
        elif kind == 5:
            lines = lines[:i]
        elif kind == 6:
            lines[i] = lines[i].upper()
        elif kind == 7:
            name = rng.choice(("pause", "bell", "ambience", "clip", "reflect", "voice", "rate", "paus"))
            arg = rng.choice(("", "8s", "3", "chime 2", "rain 5%", "off", "x.wav", "0.8",
                              "note: Q?", "body-map note rating: a | b | 0 c | 10 d", "-1", "1.5.5s"))
            lines.insert(i, f"[{name} {arg}]".replace(" ]", "]"))
        else:
            lines.insert(i, "+++")
    out = "\n".join(lines)
    if rng.random() < 0.2:
        data = bytearray(out.encode("utf-8", "surrogatepass"))
        for _ in range(rng.randrange(1, 8)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return out


OPERATORS = {
    "huge_number": (op_huge_number, 8),
    "replace_numbers": (op_replace_numbers, 6),
    "unicode_digits": (op_unicode_digits, 6),
    "deep_toml": (op_deep_toml, 5),
    "front_values": (op_front_values, 6),
    "long_clip_path": (op_long_clip_path, 5),
    "nul_and_controls": (op_nul_and_controls, 5),
    "spaces": (op_spaces, 4),
    "long_line": (op_long_line, 2),
    "many_bad_lines": (op_many_bad_lines, 1),
    "clip_special": (op_clip_special, 10),
    "random_edit": (op_random_edit, 30),
}

#: The script itself as a special file: validate PATH where PATH is not a plain script.
SPECIAL_SCRIPTS = ("fifo", "loop", "devzero", "dangling", "folder", "huge_file", "empty",
                   "binary", "long_name")


def _write_special_script(folder: Path, index: int, kind: str, rng: random.Random) -> Path:
    path = folder / f"special-{index}.session.md"
    if kind in ("fifo", "loop", "devzero", "dangling"):
        return _special(folder, path.name, kind)
    if kind == "folder":
        path.mkdir()
    elif kind == "huge_file":
        with path.open("wb") as fh:
            fh.write(b"+++\nid = \"x\"\ntitle = \"X\"\n+++\n")
            line = b"[paus 8s] and {unknown} words\n"
            fh.write(line * (rng.choice((2, 11)) * 1_000_000 // len(line)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 50_000))))
    elif kind == "long_name":
        return folder / ("n" * rng.choice((256, 5000)) + ".session.md")
    return path


def generate(seed: int, count: int, folder: Path) -> list[Mutant]:
    """`count` mutants of the bundled scripts, written under `folder`; same seed, same files."""
    rng = random.Random(seed)
    scripts = sorted(SESSIONS.glob("*.session.md"))
    texts = [p.read_text(encoding="utf-8") for p in scripts]
    ctx = {"audio": make_audio(folder / "clips", rng)}
    shutil.copy(folder / "clips" / "good.wav", folder / "good.wav")
    names = list(OPERATORS)
    weights = [OPERATORS[n][1] for n in names]
    mutants: list[Mutant] = []
    # every special file and every operator at least once, then a random mix
    first = [("special", kind) for kind in SPECIAL_SCRIPTS] + [("op", name) for name in names]
    for index in range(count):
        planned = first[index] if index < len(first) else None
        if (planned and planned[0] == "special") or (planned is None and rng.random() < 0.02):
            kind = planned[1] if planned else rng.choice(SPECIAL_SCRIPTS)
            mutants.append(Mutant(_write_special_script(folder, index, kind, rng), f"script_{kind}"))
            continue
        text = rng.choice(texts)
        ops = [planned[1]] if planned else rng.choices(names, weights, k=rng.choice((1, 1, 1, 2, 3)))
        result: str | bytes = text
        for op in ops:
            if isinstance(result, bytes):
                break
            result = OPERATORS[op][0](result, rng, ctx)
        path = folder / f"m{index:05d}.session.md"
        data = result if isinstance(result, bytes) else result.encode("utf-8", "surrogatepass")
        path.write_bytes(data)
        mutants.append(Mutant(path, "+".join(ops)))
    return mutants


# ----------------------------------------------------------------------------------------
# Running: a worker process validates one path at a time; the parent enforces the limit


def _worker_main() -> int:
    """Read one path per line on stdin; answer one JSON line per path on stdout."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray prints (and C libraries) must not break the protocol
    from mit_desktop import cli

    for line in sys.stdin:
        path = json.loads(line)
        stdout, stderr = io.StringIO(), io.StringIO()
        answer: dict[str, object] = {}
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                answer["rc"] = cli.main(["validate", path])
        except SystemExit as exc:
            answer["rc"] = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - that is what we look for
            answer["traceback"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        answer["stdout"] = stdout.getvalue()[:4000]
        lines = stderr.getvalue().splitlines()
        answer["n_error_lines"] = len(lines)
        # every line's start (where the location is) and its telling part, of the first 500
        answer["stderr"] = "\n".join(line.replace(path, "<PATH>", 1)[:600] for line in lines[:500])
        out.write(json.dumps(answer) + "\n")
    return 0


class _Worker:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=self.env, cwd=str(REPO), bufsize=1,
        )

    def ask(self, path: str, limit_s: float) -> dict | None:
        """The worker's answer for `path`, or None if it took longer than `limit_s` or died."""
        process = self.process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(path) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            self.restart()
            return {"traceback": "the worker process died"}
        ready, _, _ = select.select([process.stdout], [], [], limit_s)
        if not ready:
            self.restart()
            return None
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            self.restart()
            return {"traceback": f"the worker process died (exit {code})"}
        return json.loads(line)

    def restart(self) -> None:
        self.close()
        self.process = self._start()

    def close(self) -> None:
        process = self.process
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def classify(mutant: Mutant, answer: dict | None) -> tuple[str, str]:
    if answer is None:
        return "hang", ""
    if "traceback" in answer:
        return "traceback", str(answer["traceback"])[:300]
    rc = answer.get("rc")
    if "fault in MIT Desktop" in str(answer.get("stderr", "")):  # validate's catch-all
        return "traceback", "caught by validate: " + str(answer.get("stderr", ""))[:300]
    if rc == 0:
        return "ok", ""
    lines = [line for line in str(answer.get("stderr", "")).splitlines() if line.strip()]
    if rc != 1 or not lines:
        return "no_location", f"exit {rc} with {len(lines)} error lines"
    where = re.compile(r"^<PATH>:\d+(:\d+)?: \S")
    for line in lines:
        if not where.match(line) or INTERNAL_TEXT.search(line):
            return "no_location", line[:300]
    return "invalid", "\n".join(lines[:20])


def run(seed: int, count: int, limit_s: float = 10.0, folder: Path | None = None,
        progress: bool = False) -> Report:
    """Generate `count` mutants with `seed` and validate each within `limit_s` seconds."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="mit-fuzz-")) if folder is None else folder
    try:
        mutants = generate(seed, count, folder / "inputs")
        env = dict(os.environ)
        env["MIT_DESKTOP_CACHE_DIR"] = str(folder / "cache")
        env["MIT_DESKTOP_DATA_DIR"] = str(folder / "data")
        env["MIT_DESKTOP_KEEP_STDERR"] = "1"
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        report = Report(seed)
        worker = _Worker(env)
        try:
            for n, mutant in enumerate(mutants, start=1):
                started = time.perf_counter()
                answer = worker.ask(str(mutant.path), limit_s)
                kind, detail = classify(mutant, answer)
                report.outcomes.append(
                    Outcome(mutant, kind, detail, time.perf_counter() - started))
                if progress and (kind in KINDS or n % 100 == 0):
                    print(f"[{n}/{count}] {kind} {mutant.operator} {detail[:160]}",
                          file=sys.stderr, flush=True)
        finally:
            worker.close()
        return report
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the counts as JSON")
    parser.add_argument("--show-messages", action="store_true",
                        help="print every distinct message (numbers and quoted text blanked)")
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main()
    started = time.perf_counter()
    report = run(args.seed, args.count, args.limit, progress=not args.quiet)
    if args.show_messages:
        shapes: Counter[str] = Counter()
        for outcome in report.outcomes:
            for line in outcome.detail.splitlines():
                line = re.sub(r"^<PATH>:\d+(:\d+)?: ", "", line)
                line = re.sub(r"'[^']*'", "'…'", re.sub(r"[0-9][0-9,.]*", "N", line))
                shapes[line[:150]] += 1
        for shape, n in shapes.most_common():
            print(f"{n:6d}  {shape}")
    print(report.summary())
    print(f"{time.perf_counter() - started:.1f} s in all")
    if args.json:
        c = report.counts()
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "seed": args.seed, "inputs": len(report.outcomes),
            **{k: c[k] for k in ("ok", "invalid", *KINDS)},
        }, indent=1) + "\n", encoding="utf-8")
    return 1 if report.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
