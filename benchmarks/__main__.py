"""Run every benchmark module and write `build/bench.json`.

Each module `benchmarks/bench_*.py` exposes ``run() -> list[dict]``; a record
is ``{"name", "value", "unit", "baseline", "baseline_value"}`` where the
baseline is measured in the same run as the value. ``python -m benchmarks NAME``
runs only modules whose name contains NAME.
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import sys
from pathlib import Path

import benchmarks

log = logging.getLogger("benchmarks")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    wanted = argv[0] if argv else ""
    records: list[dict] = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_") or wanted not in info.name:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        log.info("running %s", info.name)
        for record in module.run():
            records.append(record)
            print(
                f"{record['name']:<40} {record['value']:>12.3f} {record['unit']:<6}"
                f"  baseline {record['baseline']}: {record['baseline_value']:.3f}",
                flush=True,
            )
    out = Path("build") / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
