"""Enrichment throughput: `nlp.pipe` with one process per core against the worker end to end through the real Kafka.

Same texts, same batches, same spaCy minibatch (SITREP_PARSE_BATCH_SIZE), same model. Each round times raw
`nlp.pipe` of the stock model in this process, its `nlp.pipe(n_process=cores)` (the machine's limit for this model:
the reference), sitrep's own load of the model (agents.nlp.pipeline.load_nlp: the attribute ruler indexed), the
Enricher offline and a fresh worker (its own topics) end to end, back to back, so a slow spell of a shared machine hits
all of them. Prints words/s per round, the worker/reference ratio per round with its median and spread, and the peak
RSS of the worker with its NLP processes.
Usage: python bench/throughput.py [--articles N] [--batch-size B] [--rounds R] [--nlp-processes P [P ...]]
[--batches-in-flight F [F ...]]
(the local Kafka must be running; P and F default to the worker's defaults; `--nlp-processes 2 1` times a worker with
each in every round, so N and N-1 processes meet the same spells of a shared machine; likewise
`--batches-in-flight 4 1`)
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language

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


def time_raw(nlp: Language, texts: list[str], batch_size: int, processes: int = 1) -> float:
    """`processes` > 1: spaCy's own multiprocessing (its start-up is timed too, as the worker's batches are)."""
    started = time.perf_counter()
    list(nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    return time.perf_counter() - started


def time_enricher(enricher: Enricher, articles: list[Article], batch_size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(articles), batch_size):
        enricher.enrich(articles[start : start + batch_size])
    return time.perf_counter() - started


def time_worker(records: list[dict], batch_size: int, nlp_processes: int, in_flight: int) -> tuple[float, int]:
    """Seconds from producing the articles to the last enriched one written (its Kafka timestamp, so the reader's
    polling does not count), and the peak RSS (kB) of the worker with its NLP processes."""
    namespace = Namespace()
    worker = Worker(
        namespace,
        SITREP_BATCH_SIZE=str(batch_size),
        SITREP_BATCH_TIMEOUT=str(Settings().batch_timeout),  # the worker's default (the test harness shortens it)
        SITREP_NLP_PROCESSES=str(nlp_processes),
        SITREP_BATCHES_IN_FLIGHT=str(in_flight),
    ).start()
    try:
        started = time.time()
        produce(namespace, "articles.raw", [(r["id"].encode(), json.dumps(r).encode()) for r in records])
        enriched = read_topic(namespace.topic("articles.enriched"), expected=len(records), timeout=600, idle=0)
        return max(m.timestamp for m in enriched) / 1000 - started, peak_rss_kb(worker.process.pid)
    finally:
        worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--nlp-processes", type=int, nargs="+", default=[Settings().nlp_processes], help="one worker per value a round"
    )
    parser.add_argument(
        "--batches-in-flight",
        type=int,
        nargs="+",
        default=[Settings().batches_in_flight],
        help="one worker per value (and per --nlp-processes value) a round",
    )
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    settings = Settings(batch_size=args.batch_size)
    enricher = build_enricher(settings.nlp)
    enricher.enrich([Article.model_validate(r) for r in corpus(5, -1)])  # warm-up
    stock = spacy.load(settings.spacy_model)
    list(stock.pipe(r["text"] for r in corpus(5, -1)))
    raw, reference, indexed, offline = [], [], [], []
    workers = list(itertools.product(args.nlp_processes, args.batches_in_flight))  # (NLP processes, batches in flight)
    streamed: dict[tuple[int, int], list[float]] = {worker: [] for worker in workers}
    rss: dict[tuple[int, int], list[int]] = {worker: [] for worker in workers}
    for round_number in range(args.rounds):
        records = corpus(args.articles, round_number)
        texts = [r["text"] for r in records]
        words = sum(len(t.split()) for t in texts)
        print(
            f"round {round_number + 1}: {len(texts)} articles, {words} words, batch size {args.batch_size} "
            f"(spaCy minibatch {enricher.parse_batch_size})"
        )
        seconds = time_raw(stock, texts, enricher.parse_batch_size)
        raw.append(rate("raw nlp.pipe, 1 process", len(texts), words, seconds))
        seconds = time_raw(stock, texts, enricher.parse_batch_size, processes=cores)
        reference.append(rate(f"raw nlp.pipe, {cores} processes", len(texts), words, seconds))
        seconds = time_raw(enricher.nlp, texts, enricher.parse_batch_size)
        indexed.append(rate("sitrep's nlp.pipe, 1 process", len(texts), words, seconds))
        articles = [Article.model_validate(r) for r in records]
        seconds = time_enricher(enricher, articles, args.batch_size)
        offline.append(rate("Enricher.enrich (offline, 1 process)", len(texts), words, seconds))
        for worker in workers:
            seconds, peak = time_worker(records, args.batch_size, *worker)
            streamed[worker].append(rate(worker_label(*worker), len(texts), words, seconds))
            print(f"    / nlp.pipe with {cores} processes: {streamed[worker][-1] / reference[-1]:.2f}")
            rss[worker].append(peak)
    medians = [statistics.median(runs) for runs in (raw, reference, indexed, offline)]
    print(f"model {settings.spacy_model}; medians of {args.rounds} rounds (words/s):")
    print(
        "  raw {:.0f}   raw on {} cores {:.0f}   sitrep's nlp {:.0f}   Enricher {:.0f}".format(
            medians[0], cores, *medians[1:]
        )
    )
    print(f"  sitrep's nlp/raw in one process {medians[2] / medians[0]:.2f}")
    print(f"  enrich/raw in one process {medians[3] / medians[0]:.2f}")
    for worker, runs in streamed.items():
        ratios = sorted(w / r for w, r in zip(runs, reference, strict=True))
        each = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"{worker_label(*worker)}: {statistics.median(runs):.0f} words/s; / nlp.pipe with one "
            f"process per core: median {statistics.median(ratios):.2f} (rounds {each}; "
            f"spread {ratios[-1] - ratios[0]:.2f}; target >= 0.80); peak RSS with its NLP processes "
            f"{max(rss[worker]) / 1024:.0f} MB"
        )
    print(f"bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def worker_label(nlp_processes: int, in_flight: int) -> str:
    return f"worker, {nlp_processes} NLP processes, {in_flight} batches in flight"


def peak_rss_kb(pid: int) -> int:
    """Peak RSS of the worker and its children (the NLP processes of agents.nlp.process) together."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return sum(vm_hwm_kb(p) for p in [pid, *map(int, children)])


def vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
