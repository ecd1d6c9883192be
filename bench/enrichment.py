"""Enrichment throughput without Kafka: raw `nlp.pipe` against `Enricher.enrich` on the same texts, in one run.

Texts: the seed articles repeated to --articles documents, plus the demo corpus (corpus/2022-ukraine) when present.
Prints words/s and articles/s for both, the ratio (target >= 0.9) by CPU time (robust on shared cores) and by wall
time, the cost of each spaCy component, the cost of each post-parse stage timed separately on pre-parsed Docs, and the
peak RSS of this process (the worker's RSS under load is printed by bench/throughput.py).
The worker end to end through Kafka is bench/throughput.py.
Usage: python bench/enrichment.py [--articles N] [--batch-size B] [--rounds R]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.nlp.factory import build_enricher  # noqa: E402
from agents.nlp.pipeline import content_terms  # noqa: E402
from agents.nlp.quantities import extract_quantities  # noqa: E402
from agents.records import Article  # noqa: E402
from bench.throughput import corpus  # noqa: E402
from streams.corpus import read_corpus  # noqa: E402
from streams.settings import Settings  # noqa: E402

DEMO_CORPUS = ROOT / "corpus" / "2022-ukraine"


def articles_for(n: int) -> list[Article]:
    articles = [Article.model_validate(record) for record in corpus(n)]
    if DEMO_CORPUS.exists():
        articles += read_corpus(DEMO_CORPUS).articles
    return articles


@dataclass
class Timing:
    wall: float
    cpu: float  # process CPU time: robust when other processes share the cores


def timed(run: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def best(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def report(label: str, articles: int, words: int, timing: Timing) -> None:
    wall = f"{articles / timing.wall:5.1f} articles/s {words / timing.wall:7.0f} words/s ({timing.wall:.1f}s)"
    cpu = f"{articles / timing.cpu:5.1f} articles/s {words / timing.cpu:7.0f} words/s ({timing.cpu:.1f}s)"
    print(f"{label:<16} wall {wall}   CPU {cpu}")


def component_timings(nlp, texts: list[str], batch_size: int) -> dict[str, Timing]:
    """Time per spaCy component, piping all docs through one component at a time."""
    docs = [nlp.make_doc(text) for text in texts]
    spent = {}
    for name, component in nlp.pipeline:
        wall, cpu = time.perf_counter(), time.process_time()
        docs = list(component.pipe(docs, batch_size=batch_size))
        spent[name] = Timing(time.perf_counter() - wall, time.process_time() - cpu)
    return spent


def stage_timings(enricher, articles: list[Article], parsed, rounds: int) -> dict[str, Timing]:
    """Time per post-parse stage of Enricher.build, each timed alone on the pre-parsed Docs (best of rounds)."""
    docs = [doc for doc, _ in parsed]
    annotated = [enricher.actors.annotate(doc) for doc in docs]
    terms = [content_terms(doc) for doc in docs]
    stages: dict[str, Callable[[], object]] = {
        "actors": lambda: [enricher.actors.annotate(doc) for doc in docs],
        "quantities": lambda: [extract_quantities(doc) for doc in docs],
        "content terms": lambda: [content_terms(doc) for doc in docs],
        "situations": lambda: [enricher.situations.match(a.counts, t) for a, t in zip(annotated, terms, strict=True)],
        "claims": lambda: [
            enricher.claims.extract(doc, article.id, actors)
            for doc, article, actors in zip(docs, articles, annotated, strict=True)
        ],
        "build (all)": lambda: [
            enricher.build(article, doc, text) for article, (doc, text) in zip(articles, parsed, strict=True)
        ],
    }
    return {name: best([timed(run) for _ in range(rounds)]) for name, run in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100, help="seed articles, repeated")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of raw and enrich; best counts")
    args = parser.parse_args()
    settings = Settings(batch_size=args.batch_size)
    enricher = build_enricher(settings.nlp)
    nlp = enricher.nlp
    articles = articles_for(args.articles)
    texts = [article.text for article in articles]
    words = sum(len(text.split()) for text in texts)
    print(
        f"{len(texts)} articles ({args.articles} seed copies + {len(texts) - args.articles} demo), {words} words, "
        f"batch size {args.batch_size} (spaCy minibatch {enricher.parse_batch_size}), model {settings.spacy_model}, "
        f"components {', '.join(nlp.pipe_names)}"
    )
    enricher.enrich(articles[:5])  # warm-up

    def raw() -> None:
        for _ in nlp.pipe(texts, batch_size=enricher.parse_batch_size):
            pass

    def enrich() -> None:
        for start in range(0, len(articles), args.batch_size):
            enricher.enrich(articles[start : start + args.batch_size])

    raw_runs, enrich_runs = [], []
    for _ in range(args.rounds):  # alternate so that load from other processes hits both alike; the best counts
        raw_runs.append(timed(raw))
        enrich_runs.append(timed(enrich))
    raw_best, enrich_best = best(raw_runs), best(enrich_runs)
    report("raw nlp.pipe", len(texts), words, raw_best)
    report("Enricher.enrich", len(texts), words, enrich_best)
    print(
        f"ratio enrich/raw: CPU {raw_best.cpu / enrich_best.cpu:.3f}, wall {raw_best.wall / enrich_best.wall:.3f} "
        "(target >= 0.9)"
    )

    print("\nspaCy components (CPU seconds for all texts, share):")
    components = component_timings(nlp, texts, enricher.parse_batch_size)
    total = sum(t.cpu for t in components.values())
    for name, timing in components.items():
        print(f"  {name:<16} {timing.cpu:7.2f}s {timing.cpu / total:6.1%}")

    parsed = list(enricher.parse(articles))
    print("\npost-parse stages on pre-parsed Docs (CPU seconds for all texts, ms per article, share of the raw parse):")
    for name, timing in stage_timings(enricher, articles, parsed, args.rounds).items():
        print(
            f"  {name:<16} {timing.cpu:7.3f}s {1000 * timing.cpu / len(texts):7.2f} ms {timing.cpu / raw_best.cpu:6.1%}"
        )
    print(f"\npeak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
