"""Live feeds under load: 100 concurrent SSE clients on loopback against one worker, through the real local Kafka.

Rounds alternate between no clients and N clients (half on /feeds/claims, half on /feeds/situations); each round
sends fresh articles and times the worker until the last one is on the enriched topic. Prints articles/s per round,
each loaded round's rate against the idle rounds around it, the median change, and checks that every client received
every event of its stream (the worker's own sitrep_sse_events_total tells how many were published).
Usage: python bench/sse_load.py [--clients 100] [--articles 40] [--pairs 3]   (the local Kafka must be running)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.harness import Namespace, Worker, produce, read_topic, seed_articles  # noqa: E402

STREAMS = ("claims", "situations")


def articles(round_: int, n: int) -> list[tuple[bytes, bytes]]:
    seeds = seed_articles()
    records = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        record = {**seed, "id": f"sse-{round_}-{i:04d}", "text": f"{seed['text']} (round {round_}, copy {i})"}
        records.append((record["id"].encode(), json.dumps(record).encode()))
    return records


def metric(worker: Worker, name: str, stream: str) -> float:
    for line in worker.metrics().splitlines():
        if line.startswith(f'{name}{{stream="{stream}"}}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def published(worker: Worker) -> dict[str, float]:
    return {stream: metric(worker, "sitrep_sse_events_total", stream) for stream in STREAMS}


def dropped(worker: Worker) -> float:
    return sum(metric(worker, "sitrep_sse_dropped_total", stream) for stream in STREAMS)


async def follow(session: aiohttp.ClientSession, url: str, counts: list[int], slot: int) -> None:
    """A light client: counts `event:` lines without decoding them, so the bench process takes little CPU from
    the worker (both share the machine)."""
    async with session.get(url) as response:
        async for line in response.content:
            if line.startswith(b"event:"):
                counts[slot] += 1


async def timed_round(namespace: Namespace, round_: int, n: int, total: int) -> float:
    """Seconds from producing `n` new articles until `total` enriched articles are on the topic."""
    records = articles(round_, n)
    started = time.perf_counter()
    await asyncio.to_thread(produce, namespace, "articles.raw", records)
    await asyncio.to_thread(read_topic, namespace.topic("articles.enriched"), total, 600, 0)
    return time.perf_counter() - started


async def quiet(sample, seconds: float = 3.0, timeout: float = 120.0) -> None:
    """Wait until `sample()` stops changing for `seconds` (the situation agent trails enrichment, clients trail
    the worker)."""
    last, quiet_since, deadline = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() - quiet_since < seconds and time.monotonic() < deadline:
        now = sample()
        if now != last:
            last, quiet_since = now, time.monotonic()
        await asyncio.sleep(0.5)


async def loaded_round(session, worker, namespace, round_, args, total) -> tuple[float, int]:
    """A round with clients; returns (seconds, clients that missed an event)."""
    counts = [0] * args.clients
    streams = [STREAMS[slot % 2] for slot in range(args.clients)]
    tasks = [
        asyncio.create_task(follow(session, worker.url(f"/feeds/{stream}"), counts, slot))
        for slot, stream in enumerate(streams)
    ]
    while worker.metric("sitrep_sse_clients") < args.clients:
        await asyncio.sleep(0.2)
    before, dropped_before = published(worker), dropped(worker)
    seconds = await timed_round(namespace, round_, args.articles, total)
    await quiet(lambda: published(worker))
    events = {stream: published(worker)[stream] - before[stream] for stream in STREAMS}
    await quiet(lambda: sum(counts))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    short = [slot for slot in range(args.clients) if counts[slot] != events[streams[slot]]]
    print(
        f"round {round_}: {args.clients:3d} clients  {args.articles / seconds:6.1f} articles/s ({seconds:.1f}s)  "
        f"published {events['claims']:.0f} claims, {events['situations']:.0f} snapshots; "
        f"clients with every event: {args.clients - len(short)}/{args.clients}, "
        f"dropped for slow clients: {dropped(worker) - dropped_before:.0f}",
        flush=True,
    )
    return seconds, len(short)


async def run(args: argparse.Namespace) -> int:
    namespace = Namespace()
    worker = Worker(namespace, SITREP_BATCH_TIMEOUT="0.05", SITREP_SSE_HEARTBEAT_SECONDS="5").start()
    rates: list[float] = []
    failures = 0
    try:
        total = args.articles
        await timed_round(namespace, 0, args.articles, total)  # warm-up: model caches, topic metadata
        await quiet(lambda: published(worker))
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
            for round_ in range(1, 2 * args.pairs + 2):
                total += args.articles
                if round_ % 2:
                    seconds = await timed_round(namespace, round_, args.articles, total)
                    await quiet(lambda: published(worker))
                    print(f"round {round_}:   0 clients  {args.articles / seconds:6.1f} articles/s ({seconds:.1f}s)")
                else:
                    seconds, missed = await loaded_round(session, worker, namespace, round_, args, total)
                    failures += missed
                rates.append(args.articles / seconds)
    finally:
        worker.stop()
    # Each loaded round against the mean of the idle rounds around it: drifts of the machine's load cancel out.
    ratios = [rates[i] / ((rates[i - 1] + rates[i + 1]) / 2) for i in range(1, len(rates), 2)]
    change = statistics.median(ratios) - 1
    idle, busy = statistics.median(rates[0::2]), statistics.median(rates[1::2])
    print(f"median without clients {idle:.1f} articles/s, with {args.clients} clients {busy:.1f} articles/s")
    print(
        f"loaded/idle per round: {', '.join(f'{r:.2f}' for r in ratios)}; median change {change:+.1%} "
        f"(budget -10%); clients missing events: {failures}"
    )
    return 0 if failures == 0 and change >= -0.10 else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--articles", type=int, default=40, help="articles per round")
    parser.add_argument("--pairs", type=int, default=3, help="loaded rounds, each between two idle rounds")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
