"""Enrichment throughput: raw spaCy `nlp.pipe` against the worker end to end through the real local Kafka.

Same texts, same batch size, same model. Prints words/s and articles/s for both and the ratio (pipeline / raw).
Usage: python bench/throughput.py [--articles N] [--batch-size B]   (the local Kafka must be running)
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.nlp.factory import build_enricher  # noqa: E402
from agents.nlp.pipeline import load_nlp  # noqa: E402
from streams.records import Article  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.integration.harness import Namespace, Worker, produce, read_topic, seed_articles  # noqa: E402


def corpus(n: int) -> list[dict]:
    seeds = seed_articles()
    return [
        {**seeds[i % len(seeds)], "id": f"bench-{i:05d}", "text": seeds[i % len(seeds)]["text"] + f" ({i})"}
        for i in range(n)
    ]


def rate(label: str, articles: int, words: int, seconds: float) -> float:
    print(f"{label:<34} {articles / seconds:8.1f} articles/s {words / seconds:10.0f} words/s ({seconds:.2f}s)")
    return words / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    records = corpus(args.articles)
    texts = [r["text"] for r in records]
    words = sum(len(t.split()) for t in texts)
    settings = Settings(batch_size=args.batch_size)
    print(f"{len(texts)} articles, {words} words, batch size {args.batch_size}, model {settings.spacy_model}")

    nlp = load_nlp(settings.spacy_model)
    list(nlp.pipe(texts[:5]))  # warm-up
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=args.batch_size))
    raw = rate("raw nlp.pipe", len(texts), words, time.perf_counter() - started)

    enricher = build_enricher(settings)
    articles = [Article.model_validate(r) for r in records]
    enricher.enrich(articles[:5])
    started = time.perf_counter()
    for start in range(0, len(articles), args.batch_size):
        enricher.enrich(articles[start : start + args.batch_size])
    offline = rate("Enricher.enrich (offline, all NLP)", len(texts), words, time.perf_counter() - started)

    namespace = Namespace()
    worker = Worker(namespace, SITREP_BATCH_SIZE=str(args.batch_size), SITREP_BATCH_TIMEOUT="0.05").start()
    try:
        produce(namespace, "articles.raw", [(r["id"].encode(), json.dumps(r).encode()) for r in records])
        started = time.perf_counter()
        # the clock stops when the last enriched article is on the topic
        read_topic(namespace.topic("articles.enriched"), expected=len(records), timeout=600, idle=0)
        streamed = rate("worker via Kafka (end to end)", len(texts), words, time.perf_counter() - started)
        rss_kb = peak_rss_kb(worker.process.pid)
    finally:
        worker.stop()
    print(
        f"ratio enrich/raw {offline / raw:.2f}   ratio pipeline/raw {streamed / raw:.2f}   "
        f"(pipeline overhead {1 - streamed / raw:+.0%})"
    )
    print(
        f"worker peak RSS {rss_kb / 1024:.0f} MB; bench process peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
