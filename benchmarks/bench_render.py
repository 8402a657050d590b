"""Render benchmarks (issue 2), each beside its baseline measured in the same run.

- render.cold_vs_piper: cold render of a ~20-minute script / Piper alone on the same sentences.
- render.warm_vs_cold: re-render with a warm speech cache / the cold render.
- render.peak_rss_mb_60min: peak RSS above the interpreter's baseline (after imports and
  loading the voice) while rendering 60 minutes to a file, measured in a child process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SENTENCES = [
    "Let your attention rest for a moment on the breath.",
    "You might notice the air moving in, and moving out.",
    "If your mind wanders, that is perfectly fine.",
    "Gently, when you notice, you can come back to the breath.",
    "There is nothing you need to do right now.",
    "Notice the places where your body touches the chair.",
    "Feel the weight of your feet resting on the floor.",
    "Allow the shoulders to soften, if that feels right.",
]


def _script(minutes: int, unique: str) -> str:
    """A script of about `minutes` at the default pace: numbered unique sentences and pauses."""
    lines = ['+++', f'id = "bench-{minutes}"', f'title = "Benchmark {minutes}"', '+++', '',
             '# Practice', '[ambience stream 15%]', '[bell]']
    blocks = round(minutes * 60 / 25)  # each block (a sentence, its gap, a pause) is about 25 s
    for i in range(blocks):
        # every sentence unique, so neither side gains from a repeated sentence
        lines.append(f"{SENTENCES[i % len(SENTENCES)][:-1]}, in part {i + 1} of {unique}.")
        lines.append("")
        lines.append("[pause 15s]")
        if i % 10 == 9:
            lines.append("[reflect 20s note: What do you notice now?]")
    lines += ["[bell 2]", "[ambience off]"]
    return "\n".join(lines) + "\n"


_CHILD = r"""
import json, sys, time
from pathlib import Path
from mit_desktop.render.engine import Engine
from mit_desktop.render.writer import write_audio
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings
script, out, cache = sys.argv[1:4]
engine = Engine(Path(cache))
session = parse_session(Path(script))
timeline = engine.timeline(session, ListeningSettings())  # warm: speech already cached
engine.speech._model(engine.speech.voice(None))  # the voice loaded, as in a cold render
# VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's size.
def status_kb(key):
    text = Path('/proc/self/status').read_text()
    return int([l for l in text.splitlines() if l.startswith(key)][0].split()[1])
base_peak = status_kb('VmHWM')
current = status_kb('VmRSS')
write_audio(engine.mixer(timeline), Path(out))
peak = status_kb('VmHWM')
print(json.dumps({"baseline_kb": current, "peak_kb": peak, "base_peak_kb": base_peak,
                  "seconds": timeline.duration_ms / 1000}))
"""


def run() -> list[dict]:
    from mit_desktop.render.engine import Engine
    from mit_desktop.render.writer import write_audio
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.text import split_sentences
    from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder

    records = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        script = tmp_path / "bench-20.session.md"
        script.write_text(_script(20, "the practice"), encoding="utf-8")
        session = parse_session(script)
        settings = ListeningSettings()

        # Piper alone: the same sentences, same voice and rate, no cache, no mixing.
        engine = Engine(tmp_path / "cache-piper")
        builder = TimelineBuilder(session, settings, engine, engine, engine)
        from mit_desktop.session.model import Paragraph
        from mit_desktop.session.text import substitute
        sentences = [s for c in session.cues if isinstance(c, Paragraph)
                     for s in split_sentences(substitute(c.text, builder.variables))]
        engine.speech._model(engine.speech.voice(None))  # load outside the timing, as below
        start = time.perf_counter()
        for sentence in sentences:
            engine.speech.synthesize(None, settings.rate, sentence)
        piper_s = time.perf_counter() - start

        cold_engine = Engine(tmp_path / "cache-cold")
        cold_engine.speech._model(cold_engine.speech.voice(None))
        start = time.perf_counter()
        timeline = cold_engine.timeline(session, settings)
        write_audio(cold_engine.mixer(timeline), tmp_path / "cold.wav")
        cold_s = time.perf_counter() - start

        warm_engine = Engine(tmp_path / "cache-cold")
        start = time.perf_counter()
        timeline = warm_engine.timeline(session, settings)
        write_audio(warm_engine.mixer(timeline), tmp_path / "warm.wav")
        warm_s = time.perf_counter() - start
        minutes = timeline.duration_ms / 60_000

        records.append({"name": "render.cold_vs_piper", "value": cold_s / piper_s, "unit": "ratio",
                        "baseline": f"Piper alone on the same {len(sentences)} sentences "
                                    f"({piper_s:.2f} s; cold render {cold_s:.2f} s of a "
                                    f"{minutes:.1f}-minute session)",
                        "baseline_value": piper_s})
        records.append({"name": "render.warm_vs_cold", "value": warm_s / cold_s, "unit": "ratio",
                        "baseline": f"cold render ({cold_s:.2f} s; warm {warm_s:.2f} s)",
                        "baseline_value": cold_s})

        long_script = tmp_path / "bench-60.session.md"
        long_script.write_text(_script(60, "the hour"), encoding="utf-8")
        cache = tmp_path / "cache-60"
        warm = Engine(cache)
        warm.timeline(parse_session(long_script), settings)  # fill the speech cache first
        env = dict(os.environ, PYTHONPATH=str(REPO))
        result = subprocess.run([sys.executable, "-c", _CHILD, str(long_script), str(tmp_path / "60.wav"),
                                 str(cache)], capture_output=True, text=True, env=env, check=True)
        child = json.loads(result.stdout.strip().splitlines()[-1])
        above_mb = (child["peak_kb"] - child["baseline_kb"]) / 1024
        records.append({"name": "render.peak_rss_mb_60min", "value": above_mb, "unit": "MB",
                        "baseline": f"RSS after imports and voice load ({child['baseline_kb'] / 1024:.0f} MB); "
                                    f"{child['seconds'] / 60:.1f} min rendered; whole-session buffer "
                                    f"would be {child['seconds'] * 22050 * 4 / 2**20:.0f} MB as float32",
                        "baseline_value": child["baseline_kb"] / 1024})
    return records
