"""Does spaCy block the event loop? Event-loop lag while the Enricher works inline vs in the worker's thread executor.

A ticker asks to wake every 10 ms while batches of seed articles are enriched, either called directly on the loop
(what an agent doing `enricher.enrich(...)` inline would do) or through `loop.run_in_executor` (what agents/enrich.py
does). Prints the p50 / p99 / max lateness of the ticker: heartbeats, commits and HTTP share that loop.
Usage: python bench/loop_lag.py [--articles N] [--batch-size B]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.nlp.factory import build_enricher  # noqa: E402
from bench.throughput import corpus  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings import Settings  # noqa: E402

TICK = 0.010


async def ticker(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(TICK)
        lateness.append(time.perf_counter() - asked - TICK)


async def measure(enricher, batches: list[list[Article]], executor: ThreadPoolExecutor | None) -> list[float]:
    loop, lateness, stop = asyncio.get_running_loop(), [], asyncio.Event()
    ticking = asyncio.create_task(ticker(lateness, stop))
    await asyncio.sleep(0.05)
    for batch in batches:
        if executor is None:
            enricher.enrich(batch)
            await asyncio.sleep(0)  # an inline agent yields only between batches
        else:
            await loop.run_in_executor(executor, enricher.enrich, batch)
    stop.set()
    await ticking
    return lateness


def report(label: str, lateness: list[float]) -> None:
    ordered = sorted(lateness)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    print(
        f"{label:<26} ticks {len(ordered):5d}  lateness p50 {statistics.median(ordered) * 1000:7.1f} ms  "
        f"p99 {p99 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    enricher = build_enricher(Settings(batch_size=args.batch_size))
    articles = [Article.model_validate(record) for record in corpus(args.articles)]
    batches = [articles[i : i + args.batch_size] for i in range(0, len(articles), args.batch_size)]
    enricher.enrich(batches[0][:1])  # warm up
    print(f"{len(articles)} seed articles in batches of {args.batch_size}; ticker every {TICK * 1000:.0f} ms")
    inline = asyncio.run(measure(enricher, batches, None))
    with ThreadPoolExecutor(max_workers=1) as executor:
        threaded = asyncio.run(measure(enricher, batches, executor))
    report("inline on the loop", inline)
    report("thread executor (worker)", threaded)
    print(f"max lateness ratio inline / executor: {max(inline) / max(threaded):.1f}x")


if __name__ == "__main__":
    main()
