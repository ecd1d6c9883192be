"""Enrichment throughput: raw spaCy `nlp.pipe` against the worker end to end through the real local Kafka.

Same texts, same batches, same spaCy minibatch (SITREP_PARSE_BATCH_SIZE), same model. Each round times raw
`nlp.pipe`, the Enricher offline and a fresh worker (its own topics) end to end, back to back, so a slow spell of a
shared machine hits all three; the ratios are taken from the medians. Prints words/s and articles/s per round, the
median ratios (pipeline / raw) and the worker's peak RSS with its NLP process.
Usage: python bench/throughput.py [--articles N] [--batch-size B] [--rounds R]   (the local Kafka must be running)
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.nlp.factory import build_enricher  # noqa: E402
from agents.nlp.pipeline import Enricher  # noqa: E402
from agents.records import Article  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.integration.harness import Namespace, Worker, produce, read_topic, seed_articles  # noqa: E402


def corpus(n: int, round_number: int = 0) -> list[dict]:
    """n seed texts, each made unique (so the worker's dedup passes every one to the NLP)."""
    seeds = seed_articles()
    return [
        {
            **seeds[i % len(seeds)],
            "id": f"bench-{round_number}-{i:05d}",
            "text": seeds[i % len(seeds)]["text"] + f" ({round_number}-{i})",
        }
        for i in range(n)
    ]


def rate(label: str, articles: int, words: int, seconds: float) -> float:
    print(f"  {label:<34} {articles / seconds:8.1f} articles/s {words / seconds:10.0f} words/s ({seconds:.2f}s)")
    return words / seconds


def time_raw(enricher: Enricher, texts: list[str], batch_size: int) -> float:
    started = time.perf_counter()
    list(enricher.nlp.pipe(texts, batch_size=batch_size))
    return time.perf_counter() - started


def time_enricher(enricher: Enricher, articles: list[Article], batch_size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(articles), batch_size):
        enricher.enrich(articles[start : start + batch_size])
    return time.perf_counter() - started


def time_worker(records: list[dict], batch_size: int) -> tuple[float, int]:
    """Seconds from producing the articles to the last enriched one written (its Kafka timestamp, so the reader's
    polling does not count), and the peak RSS (kB) of the worker with its NLP process."""
    namespace = Namespace()
    worker = Worker(namespace, SITREP_BATCH_SIZE=str(batch_size), SITREP_BATCH_TIMEOUT="0.05").start()
    try:
        started = time.time()
        produce(namespace, "articles.raw", [(r["id"].encode(), json.dumps(r).encode()) for r in records])
        enriched = read_topic(namespace.topic("articles.enriched"), expected=len(records), timeout=600, idle=0)
        return max(m.timestamp for m in enriched) / 1000 - started, peak_rss_kb(worker.process.pid)
    finally:
        worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(batch_size=args.batch_size)
    enricher = build_enricher(settings.nlp)
    enricher.enrich([Article.model_validate(r) for r in corpus(5, -1)])  # warm-up
    raw, offline, streamed, rss = [], [], [], []
    for round_number in range(args.rounds):
        records = corpus(args.articles, round_number)
        texts = [r["text"] for r in records]
        words = sum(len(t.split()) for t in texts)
        print(
            f"round {round_number + 1}: {len(texts)} articles, {words} words, batch size {args.batch_size} "
            f"(spaCy minibatch {enricher.parse_batch_size})"
        )
        seconds = time_raw(enricher, texts, enricher.parse_batch_size)
        raw.append(rate("raw nlp.pipe", len(texts), words, seconds))
        articles = [Article.model_validate(r) for r in records]
        seconds = time_enricher(enricher, articles, args.batch_size)
        offline.append(rate("Enricher.enrich (offline, all NLP)", len(texts), words, seconds))
        seconds, peak = time_worker(records, args.batch_size)
        streamed.append(rate("worker via Kafka (end to end)", len(texts), words, seconds))
        rss.append(peak)
    raw_median, offline_median, streamed_median = map(statistics.median, (raw, offline, streamed))
    print(f"model {settings.spacy_model}; medians of {args.rounds} rounds (words/s):")
    print(f"  raw {raw_median:.0f}   Enricher {offline_median:.0f}   worker end to end {streamed_median:.0f}")
    print(
        f"ratio enrich/raw {offline_median / raw_median:.2f}   ratio pipeline/raw {streamed_median / raw_median:.2f}   "
        f"(pipeline overhead {1 - streamed_median / raw_median:+.0%})"
    )
    print(
        f"worker peak RSS (with its NLP process) {max(rss) / 1024:.0f} MB; bench process peak RSS "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def peak_rss_kb(pid: int) -> int:
    """Peak RSS of the worker and its NLP process (agents.nlp.process) together."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(vm_hwm_kb(p) for p in [pid, *map(int, children)])


def vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
