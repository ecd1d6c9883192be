"""Situation table: update cost per article (pure code) and article-to-snapshot latency through Kafka and a worker.

1. Pure: the demo corpus is enriched once, then repeated with fresh ids and shifted dates into a long event-time
   stream (so the state reaches its retention-bounded steady size); prints µs per `SituationState.add`, per
   `snapshot()`, and the stored size of the state.
2. Streaming: a real `sitrep worker` on the local Kafka; articles are produced at a steady rate with strictly
   increasing published_at, and each snapshot (its as_of names the article) is matched to the article's send time.
   Latency = snapshot message timestamp (set by the worker's producer) - article send time; prints p50/p99.
Usage: python bench/situations.py [--repeat N] [--rate ARTICLES_PER_S] [--seconds S]   (the local Kafka must run)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.records import SituationSnapshot  # noqa: E402
from agents.situation.state import new_situation_state  # noqa: E402
from streams.corpus import read_corpus  # noqa: E402
from streams.offline import LanguageEnrichers, enrich_stream  # noqa: E402
from streams.settings import Settings  # noqa: E402
from streams.topics import ensure_topics  # noqa: E402
from tests.integration.harness import BOOTSTRAP, ROOT, Namespace, Worker, read_topic  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaProducer

DEMO = ROOT / "corpus" / "2022-ukraine"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pure_cost(repeat: int) -> None:
    settings = Settings()
    articles = read_corpus(DEMO).articles
    enriched = list(enrich_stream(articles, LanguageEnrichers(settings.nlp), settings.batch_size))
    span = enriched[-1].published_at - enriched[0].published_at + timedelta(days=1)
    stream = [
        e.model_copy(update={"article_id": f"{e.article_id}-r{r}", "published_at": e.published_at + r * span})
        for r in range(repeat)
        for e in enriched
        if e.situations
    ]
    state = new_situation_state("russia-ukraine", settings.situations)
    add_times, snapshot_times = [], []
    for article in stream:
        started = time.perf_counter()
        counted = state.add(article)
        added = time.perf_counter()
        if counted:
            state.snapshot()
        snapshot_times.append(time.perf_counter() - added)
        add_times.append(added - started)
    stored = len(json.dumps(state.to_dict()))
    claims = sum(len(e.claims) for e in stream) / len(stream)
    print(f"pure: {len(stream)} articles over {repeat} x {span.days} days, {claims:.1f} claims per article")
    for label, times in (("add", add_times), ("snapshot", snapshot_times)):
        micros = [t * 1e6 for t in times]
        print(
            f"  {label:<9} mean {statistics.fmean(micros):8.0f} µs  p50 {percentile(micros, 0.5):8.0f} µs  "
            f"p99 {percentile(micros, 0.99):8.0f} µs"
        )
    total = [(a + s) * 1e6 for a, s in zip(add_times, snapshot_times, strict=True)]
    print(f"  update (add + snapshot) mean {statistics.fmean(total):.0f} µs per article")
    print(f"  stored state {stored / 1024:.0f} KiB ({len(state.buckets)} hourly buckets, retention bounded)")


def streaming_latency(rate: float, seconds: float) -> None:
    articles = read_corpus(DEMO).articles
    count = int(rate * seconds)
    namespace = Namespace(partitions=4)
    settings = Settings(broker=f"kafka://{BOOTSTRAP}", topic_prefix=namespace.name, partitions=namespace.partitions)
    ensure_topics(settings)
    worker = Worker(namespace).start()
    base = articles[0].published_at
    sent: dict[str, float] = {}
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks=1, linger_ms=0)
    try:
        started = time.monotonic()
        for i in range(count):
            source = articles[i % len(articles)]
            article = source.model_copy(update={"id": f"lat-{i:05d}", "published_at": base + timedelta(minutes=i)})
            wait = started + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            sent[article.published_at.isoformat()] = time.time()
            producer.send(settings.topic("articles.raw"), key=article.id.encode(), value=article.to_bytes())
            producer.flush()
        messages = read_topic(namespace.topic("situation.updates"), expected=1, timeout=120, idle=10)
    finally:
        producer.close()
        worker.stop()
    latencies = []
    for message in messages:
        snapshot = SituationSnapshot.model_validate_json(message.value)
        produced = sent.get(snapshot.as_of.isoformat())
        if produced is not None:
            latencies.append(message.timestamp / 1000 - produced)
    millis = [latency * 1000 for latency in latencies]
    print(f"streaming: {count} articles at {rate:g}/s through Kafka + 1 worker, {len(millis)} snapshots matched")
    print(
        f"  article produced -> snapshot on the topic: p50 {percentile(millis, 0.5):.0f} ms  "
        f"p99 {percentile(millis, 0.99):.0f} ms  max {max(millis):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=4, help="copies of the demo corpus in the pure stream")
    parser.add_argument("--rate", type=float, default=4.0, help="articles per second for the latency run")
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--skip-streaming", action="store_true")
    args = parser.parse_args()
    pure_cost(args.repeat)
    if not args.skip_streaming:
        streaming_latency(args.rate, args.seconds)


if __name__ == "__main__":
    main()
