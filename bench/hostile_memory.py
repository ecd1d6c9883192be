"""Peak memory on hostile input: the generated hostile corpus (tests/hostile.py) through `sitrep extract`.

Prints the peak RSS of the `sitrep extract` process (target < 1 GB), its wall time, what the normalisation changed and
whether every embedded claim was found. (The worker's peak RSS on ordinary news, with its NLP processes, is printed by
bench/throughput.py.)
Usage: python bench/hostile_memory.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import SPEAKER, write_corpus  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        corpus, out = Path(work) / "hostile.jsonl", Path(work) / "enriched.jsonl"
        write_corpus(corpus)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "streams.cli", "extract", str(corpus), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        enriched = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    found = sum(any(claim["speaker_text"] == SPEAKER for claim in result["claims"]) for result in enriched)
    print(f"sitrep extract on {corpus.name}: exit {done.returncode}, {seconds:.1f} s, peak RSS {peak_mb:.0f} MB")
    print(f"  embedded claim found in {found} of {len(enriched)} articles")
    for line in done.stderr.splitlines():
        if line.startswith(("enriched", "texts normalised")):
            print(f"  {line}")


if __name__ == "__main__":
    main()
