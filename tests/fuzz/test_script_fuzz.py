"""1,000 fuzzed session scripts: no traceback, no hang, every message at a file:line.

The mutants come from the bundled scripts (audio/sessions/) with a fixed seed, so a
failure here is reproducible with ``python tests/fuzz/script_fuzz.py --seed 11``;
``make fuzz`` runs a larger set with a new seed. Each input has 20 s (hangs on the old
code lasted from 20 s for 100,000 spaces to for ever; the slowest input now takes about
1 s, 5 s on a busy machine).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from script_fuzz import KINDS, run  # noqa: E402

SEED = 11
COUNT = 1000
LIMIT_S = 20.0  # generous: the suite runs on busy machines


def test_a_thousand_fuzzed_scripts_give_no_traceback_no_hang_and_only_located_messages(
        tmp_path: Path) -> None:
    report = run(SEED, COUNT, LIMIT_S, folder=tmp_path)
    assert len(report.outcomes) == COUNT
    counts = report.counts()
    # the generator reaches the parser's every corner: both clean refusals and valid mutants
    assert counts["invalid"] > COUNT // 2 and counts["ok"] > 0, report.summary()
    failures = [f"{o.kind}: {o.mutant.operator}: {o.mutant.path.name}: {o.detail[:300]}"
                for o in report.failures()]
    assert not failures, report.summary() + "\n" + "\n".join(failures[:20])
    assert all(counts[kind] == 0 for kind in KINDS)
