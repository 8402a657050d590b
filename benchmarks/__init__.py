"""`make bench`: each `bench_*.py` module here has `run() -> list[dict]`."""
