"""Latency at load: article -> situation snapshot, p50/p99, with the producer paced at 50 % and 80 % of capacity.

One worker (default settings) through the real local Kafka. Capacity is measured first: a burst of articles produced
at once, articles/s from the first produced to the last snapshot. Then, for each load, articles are produced one by one
at that fraction of capacity; an article's latency runs from its send to the Kafka timestamp of the snapshot that
counted it (`counted_article_id` on situation.updates). Every article is a seed text made unique and dated at its
send, so none is a duplicate or late; articles of no situation make no snapshot and are left out of the figures.
Usage: python bench/latency.py [--articles N] [--burst B] [--capacity ARTICLES_PER_S] [--batch-timeout S]
(the local Kafka must be running)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaProducer  # noqa: E402

from bench.throughput import corpus  # noqa: E402
from streams import topics  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.topics import ensure_topics  # noqa: E402
from tests.integration.harness import BOOTSTRAP, Namespace, Worker, read_topic  # noqa: E402

LOADS = (0.5, 0.8)


def send_paced(producer: KafkaProducer, topic: str, records: list[dict], per_second: float | None) -> dict[str, float]:
    """Send each record (dated now) at the given pace, or all at once; article id -> send time (Unix seconds)."""
    sent: dict[str, float] = {}
    started = time.monotonic()
    for index, record in enumerate(records):
        if per_second:
            time.sleep(max(0.0, started + index / per_second - time.monotonic()))
        now = time.time()
        record = {**record, "published_at": datetime.fromtimestamp(now, UTC).isoformat()}
        producer.send(topic, key=record["id"].encode(), value=json.dumps(record).encode())
        producer.flush()
        sent[record["id"]] = now
    return sent


def snapshot_times(namespace: Namespace, ids: set[str], timeout: float) -> dict[str, float]:
    """Counted article id -> Kafka timestamp (Unix seconds) of its snapshot, for the given ids."""
    found: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(found) < len(ids):
        for message in read_topic(namespace.topic(topics.SITUATION_UPDATES), timeout=5, idle=0.5):
            counted = json.loads(message.value).get("counted_article_id")
            if counted in ids:
                found.setdefault(counted, message.timestamp / 1000)
        if len(found) < len(ids):
            time.sleep(1)
    return found


def enriched_times(namespace: Namespace, ids: set[str]) -> dict[str, float]:
    """Article id -> Kafka timestamp (Unix seconds) of its enriched record, for the given ids."""
    messages = read_topic(namespace.topic(topics.ENRICHED), timeout=5, idle=0.5)
    return {m.key.decode(): m.timestamp / 1000 for m in messages if m.key and m.key.decode() in ids}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=40, help="articles per load")
    parser.add_argument("--burst", type=int, default=40, help="articles of the capacity measurement")
    parser.add_argument("--capacity", type=float, help="articles/s; skips the measurement")
    parser.add_argument("--batch-timeout", type=float, default=Settings().batch_timeout, help="SITREP_BATCH_TIMEOUT")
    args = parser.parse_args()
    namespace = Namespace()
    ensure_topics(namespace.settings())
    raw = namespace.topic(topics.RAW)
    # the test harness shortens the batch timeout; here it is the worker's default unless asked otherwise
    worker = Worker(namespace, SITREP_BATCH_TIMEOUT=str(args.batch_timeout)).start()
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    try:
        warm = send_paced(producer, raw, corpus(4, 100), None)
        snapshot_times(namespace, set(warm), timeout=120)
        capacity = args.capacity
        if capacity is None:
            burst = corpus(args.burst, 101)
            started = time.time()
            sent = send_paced(producer, raw, burst, None)
            # to the last snapshot, not the last enriched record: the situation agents' share of the CPU counts too
            snapshots = snapshot_times(namespace, set(sent), timeout=600)
            capacity = len(snapshots) / (max(snapshots.values()) - started)
        print(
            f"capacity {capacity:.2f} articles/s ({args.burst} articles at once; worker defaults, batch timeout "
            f"{args.batch_timeout} s)"
        )
        for round_number, load in enumerate(LOADS, start=102):
            rate = load * capacity
            sent = send_paced(producer, raw, corpus(args.articles, round_number), rate)
            snapshots = snapshot_times(namespace, set(sent), timeout=120)
            latencies = [snapshots[i] - sent[i] for i in snapshots]
            if not latencies:
                print(f"  load {load:.0%}: no snapshot for any of {len(sent)} articles")
                continue
            print(
                f"  load {load:.0%} ({rate:.2f} articles/s): article -> snapshot p50 "
                f"{statistics.median(latencies) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
                f"max {max(latencies) * 1000:.0f} ms ({len(latencies)} of {len(sent)} articles made a snapshot)"
            )
            # where the time goes: the enrich agent (batching, NLP, send), then the situation agents' two hops
            enriched = enriched_times(namespace, set(snapshots))
            for stage, spans in (
                ("article -> enriched", [enriched[i] - sent[i] for i in enriched]),
                ("enriched -> snapshot", [snapshots[i] - enriched[i] for i in enriched]),
            ):
                print(
                    f"    {stage:21} p50 {statistics.median(spans) * 1000:.0f} ms, "
                    f"p99 {percentile(spans, 0.99) * 1000:.0f} ms"
                )
    finally:
        producer.close()
        worker.stop()


if __name__ == "__main__":
    main()
