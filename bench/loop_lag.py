"""Does spaCy block the event loop? Event-loop lag while the Enricher works inline, in a thread, or in the NLP process.

A ticker asks to wake every 10 ms while batches of seed articles are enriched: called directly on the loop (what an
agent doing `enricher.enrich(...)` inline would do), through `loop.run_in_executor` on a thread (which still shares
the GIL with the loop), or in the worker's NLP process (agents.nlp.process, what streams/worker/enrich.py does).
Prints the p50 / p99 / max lateness of the ticker and the wall time: heartbeats, commits and HTTP share that loop.
Usage: python bench/loop_lag.py [--articles N] [--batch-size B]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.nlp.factory import build_enricher  # noqa: E402
from agents.nlp.process import EnricherProcess  # noqa: E402
from agents.records import Article  # noqa: E402
from bench.throughput import corpus  # noqa: E402
from streams.settings import Settings  # noqa: E402

TICK = 0.010


async def ticker(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(TICK)
        lateness.append(time.perf_counter() - asked - TICK)


Enrich = Callable[[list[Article]], Awaitable[object]]


async def measure(batches: list[list[Article]], enrich: Enrich) -> tuple[list[float], float]:
    """Ticker lateness while `enrich` runs over the batches, and the wall time of the batches."""
    lateness, stop = [], asyncio.Event()
    ticking = asyncio.create_task(ticker(lateness, stop))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    for batch in batches:
        await enrich(batch)
    seconds = time.perf_counter() - started
    stop.set()
    await ticking
    return lateness, seconds


def report(label: str, measured: tuple[list[float], float]) -> None:
    ordered, seconds = sorted(measured[0]), measured[1]
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    print(
        f"{label:<26} ticks {len(ordered):5d}  lateness p50 {statistics.median(ordered) * 1000:7.1f} ms  "
        f"p99 {p99 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms  wall {seconds:6.2f} s"
    )


async def in_process(settings: Settings, batches: list[list[Article]]) -> tuple[list[float], float]:
    process = EnricherProcess(settings.nlp)
    try:
        await process.start()
        await process.enrich(batches[0][:1], [None])  # warm up
        return await measure(batches, lambda batch: process.enrich(batch, [None] * len(batch)))
    finally:
        process.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    settings = Settings(batch_size=args.batch_size)
    enricher = build_enricher(settings.nlp)
    articles = [Article.model_validate(record) for record in corpus(args.articles)]
    batches = [articles[i : i + args.batch_size] for i in range(0, len(articles), args.batch_size)]
    enricher.enrich(batches[0][:1])  # warm up
    print(f"{len(articles)} seed articles in batches of {args.batch_size}; ticker every {TICK * 1000:.0f} ms")

    async def inline_enrich(batch):  # an inline agent yields only between batches
        enricher.enrich(batch)

    inline = asyncio.run(measure(batches, inline_enrich))
    with ThreadPoolExecutor(max_workers=1) as executor:
        threaded = asyncio.run(
            measure(batches, lambda batch: asyncio.get_running_loop().run_in_executor(executor, enricher.enrich, batch))
        )
    spawned = asyncio.run(in_process(settings, batches))
    report("inline on the loop", inline)
    report("thread executor", threaded)
    report("NLP process (worker)", spawned)
    print(
        f"max lateness inline / thread / process: {max(inline[0]) * 1000:.0f} / {max(threaded[0]) * 1000:.0f} / "
        f"{max(spawned[0]) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
