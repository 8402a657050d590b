"""The bundled ffmpeg (imageio-ffmpeg's binary) for what libsndfile cannot read: probing a
file (container, codec, rate, channels, length, from ``ffmpeg -i``'s report) and decoding
it through a pipe to float32 frames, block by block. Every failure is a
:class:`~mit_desktop.render.clip_errors.ClipError`. Qt-free; no system ffmpeg or ffprobe.
"""

from __future__ import annotations

import functools
import logging
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mit_desktop.render.clip_errors import CONVERT_HINT, check_stream, clip_error

log = logging.getLogger(__name__)


_PIPE_BLOCK_BYTES = 1 << 18


_FFMPEG_PROBE_TIMEOUT_S = 60


class FfmpegUnavailableError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # not installed, or no binary for this platform
        raise FfmpegUnavailableError(str(exc)) from exc


@dataclass(frozen=True)
class FfmpegProbe:
    container: str  # ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    codec: str  # ffmpeg's decoder name, e.g. "aac"
    sample_rate: int
    channels: int  # 0 if the layout was not understood (ffmpeg then mixes to mono)
    duration_ms: int  # 0 if unknown
    duration_exact: bool  # False when ffmpeg estimated it from the bitrate
    format_name: str
    description: str  # for messages: "AAC audio in an MP4 container"


#: ffmpeg demuxer name -> (our name, article for "in a/an ... container").
_CONTAINERS = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("MP4", "an"),
    "ogg": ("Ogg", "an"),
    "matroska,webm": ("Matroska/WebM", "a"),
    "wav": ("WAV", "a"),
    "mp3": ("MP3", "an"),
    "flac": ("FLAC", "a"),
    "aac": ("ADTS", "an"),
    "asf": ("ASF", "an"),
    "aiff": ("AIFF", "an"),
    "caf": ("CAF", "a"),
    "amr": ("AMR", "an"),
}


_CODECS = {"aac": "AAC", "alac": "ALAC", "opus": "Opus", "vorbis": "Vorbis", "flac": "FLAC",
           "mp3": "MP3", "mp3float": "MP3", "wmav2": "WMA", "wmav1": "WMA", "amr_nb": "AMR",
           "ac3": "AC-3", "eac3": "E-AC-3"}


_LAYOUT_CHANNELS = {
    "mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "3.0(back)": 3, "4.0": 4, "quad": 4,
    "quad(side)": 4, "3.1": 4, "5.0": 5, "5.0(side)": 5, "4.1": 5, "5.1": 6, "5.1(side)": 6,
    "6.0": 6, "6.0(front)": 6, "hexagonal": 6, "6.1": 7, "6.1(back)": 7, "6.1(front)": 7,
    "7.0": 7, "7.0(front)": 7, "7.1": 8, "7.1(wide)": 8, "7.1(wide-side)": 8, "octagonal": 8,
    "downmix": 2,
}


_INPUT_RE = re.compile(r"^Input #0, (?P<container>.+?), from ", re.MULTILINE)


_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")


_AUDIO_RE = re.compile(
    r"Stream #0:\d+\S*: Audio: (?P<codec>[\w-]+)[^\n]*?, (?P<rate>\d+) Hz, (?P<layout>[^,\n]+)"
)


def _ffmpeg_file_arg(path: Path) -> str:
    # "file:" stops ffmpeg reading "a:b.mp3" as protocol "a" or "-x.mp3" as an option.
    return "file:" + str(path.absolute())


def _sniff_description(path: Path) -> str | None:
    """What the first bytes say the file is, for messages only ("AAC audio in an MP4 ...")."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if head[4:8] == b"ftyp":
        return "audio in an MP4 container (usually AAC)"
    if head.startswith(b"OggS"):
        return "Ogg audio"
    if head.startswith(b"fLaC"):
        return "FLAC audio"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "WAV audio"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MPEG audio (MP3 or AAC)"
    if head.startswith(b"\x30\x26\xb2\x75"):
        return "Windows Media audio"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "Matroska/WebM audio"
    return None


def ffmpeg_probe(path: Path) -> FfmpegProbe:
    """Ask ffmpeg (``ffmpeg -i``, which prints the header and exits) what ``path`` holds."""
    try:
        exe = ffmpeg_exe()
    except FfmpegUnavailableError as exc:
        sniffed = _sniff_description(path)
        what = f"it is {sniffed}, which" if sniffed else "its format is not one that"
        raise clip_error(
            path,
            f"{what} this computer cannot decode (ffmpeg is not available: {exc}).",
            format_name=sniffed,
            hint=CONVERT_HINT,
        ) from exc
    try:
        result = subprocess.run(
            [exe, "-hide_banner", "-nostdin", "-i", _ffmpeg_file_arg(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=_FFMPEG_PROBE_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise clip_error(path, f"the audio decoder (ffmpeg) could not be started ({exc}).",
                     hint=CONVERT_HINT) from exc
    text = result.stderr.decode("utf-8", "replace")
    input_match = _INPUT_RE.search(text)
    audio_match = _AUDIO_RE.search(text)
    if input_match is None:
        reason = _ffmpeg_reason(text)
        sniffed = _sniff_description(path)
        if sniffed:
            raise clip_error(path, f"it looks like {sniffed} but is damaged or incomplete "
                               f"({reason}).", format_name=sniffed,
                         hint="Copy or export the recording again, or " + CONVERT_HINT[0].lower()
                         + CONVERT_HINT[1:])
        raise clip_error(path, "it is not an audio file this program can read "
                           "(the format was not recognised).", hint=CONVERT_HINT)
    container = input_match["container"]
    container_name, article = _CONTAINERS.get(container, (container.split(",")[0].upper(), "a"))
    if audio_match is None:
        raise clip_error(path, f"the {container_name} file contains no audio stream.",
                     format_name=container_name, hint=CONVERT_HINT)
    codec = audio_match["codec"]
    codec_name = _CODECS.get(codec, codec.upper())
    layout = audio_match["layout"].strip()
    channels = _LAYOUT_CHANNELS.get(layout, 0)
    if not channels and (m := re.match(r"(\d+) channels", layout)):
        channels = int(m[1])
    if codec == "none" or "unknown codec" in text:
        raise clip_error(path, f"its audio is in an encoding this program cannot decode (the "
                           f"{container_name} header names none it knows); the file may be damaged.",
                     format_name=container_name,
                     hint="Copy or export the recording again, or " + CONVERT_HINT[0].lower()
                     + CONVERT_HINT[1:])
    if layout.startswith("0 channels") or "unspecified number of channels" in text:
        raise clip_error(path, "its header gives 0 channels; the file is damaged.",
                     format_name=container_name, hint="Copy or export the recording again.")
    check_stream(path, int(audio_match["rate"][:9]), channels or 1, container_name)
    duration_ms = 0
    if (d := _DURATION_RE.search(text)) is not None:
        duration_ms = round((int(d["h"]) * 3600 + int(d["m"]) * 60 + float(d["s"])) * 1000)
    if container_name in ("Ogg", "Matroska/WebM") and codec_name != container_name:
        format_name = f"{container_name.upper()}/{codec_name} (ffmpeg)"
    else:
        format_name = f"{codec_name} (ffmpeg)"
    if container_name == codec_name or (container_name, codec_name) == ("ADTS", "AAC"):
        description = f"{codec_name} audio"
    else:
        description = f"{codec_name} audio in {article} {container_name} container"
    return FfmpegProbe(
        container=container,
        codec=codec,
        sample_rate=int(audio_match["rate"]),
        channels=channels,
        duration_ms=duration_ms,
        duration_exact="Estimating duration from bitrate" not in text,
        format_name=format_name,
        description=description,
    )


#: ffmpeg's words -> ours. Anything else is summed up as "the decoder reported an error";
#: ffmpeg's own text goes to the log (INFO), never into a message.
_FFMPEG_REASONS = (
    ("moov atom not found", "the MP4 index ('moov atom') is missing, so the file is probably "
                            "incomplete"),
    ("End of file", "the file ends too early"),
    ("Invalid data found", "its data is not valid audio"),
    ("Header missing", "its frames are damaged"),
    ("Decoding error", "its audio data is damaged"),
    ("Error while decoding", "its audio data is damaged"),
    ("Invalid argument", "its header describes audio that cannot be decoded"),
    ("Error opening output", "its header describes audio that cannot be decoded"),
    ("Permission denied", "permission denied"),
)


def _ffmpeg_reason(stderr_text: str) -> str:
    """Plain words for ffmpeg's complaint (its own text is logged, not shown)."""
    lines = [re.sub(r"^\[[^\]]*\]\s*", "", line).strip() for line in stderr_text.splitlines()]
    lines = [line for line in lines if line]
    log.info("ffmpeg: %s", " | ".join(lines[-5:]))
    for needle, words in _FFMPEG_REASONS:
        if any(needle in line for line in lines):
            return words
    return "the decoder reported an error"


class FfmpegDecode:
    """``ffmpeg ... -f f32le -ac N -ar NATIVE -`` as a subprocess, read in blocks.

    ffmpeg keeps the source's channels and rate (both forced, so the framing is
    known); mono mixing (averaging, like the soundfile path: ffmpeg's own ``-ac 1``
    mixes stereo at -3 dB per channel) and resampling (soxr) happen in Python, so
    clips sound the same whichever decoder read them.
    """

    def __init__(self, path: Path, probe: FfmpegProbe):
        self.path = path
        self.probe = probe
        self.channels = probe.channels or 1
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        command = [
            ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
            "-i", _ffmpeg_file_arg(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-f", "f32le", "-acodec", "pcm_f32le",
            "-ac", str(self.channels), "-ar", str(probe.sample_rate), "-",
        ]
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
            )
        except OSError as exc:
            self._stderr.close()
            raise clip_error(path, f"the audio decoder (ffmpeg) could not be started ({exc}).",
                         format_name=probe.format_name, hint=CONVERT_HINT) from exc

    def blocks(self) -> Iterator[np.ndarray]:
        """The decoded float32 frames, shape ``(n, channels)``, block by block."""
        process = self._process
        assert process is not None and process.stdout is not None
        frame_bytes = 4 * self.channels
        block_bytes = max(frame_bytes, _PIPE_BLOCK_BYTES // frame_bytes * frame_bytes)
        leftover = b""
        while True:
            chunk = process.stdout.read(block_bytes)
            if not chunk:
                break
            if leftover:
                chunk = leftover + chunk
            usable = len(chunk) // frame_bytes * frame_bytes
            leftover = chunk[usable:]
            if not usable:
                continue
            frames = np.frombuffer(chunk, dtype="<f4", count=usable // 4)
            yield frames.reshape(-1, self.channels)
        returncode = process.wait()
        if returncode != 0:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace")
            raise clip_error(
                self.path,
                f"{self.probe.description} could not be decoded ({_ffmpeg_reason(text)}).",
                format_name=self.probe.format_name,
                hint=CONVERT_HINT,
            )

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._stderr.close()
