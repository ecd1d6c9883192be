"""Offline replay throughput: the demo corpus, and the corpus repeated N times, through the whole in-process pipeline.

Enrichment (one spaCy parse per article, claims, signals) and the situation indicators, exactly what
`sitrep replay CORPUS --offline` runs. The model load is outside the timing. Repeated copies get new ids and are
shifted in event time by the corpus span (plus a day) per repetition, so every copy lands in fresh windows.
Usage: python bench/replay_offline.py [--corpus DIR] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.nlp.factory import build_enricher  # noqa: E402
from agents.nlp.pipeline import Enricher  # noqa: E402
from agents.records import Article  # noqa: E402
from streams.corpus import read_corpus  # noqa: E402
from streams.offline import LanguageEnrichers, enrich_stream, situation_snapshots  # noqa: E402
from streams.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def repeated(articles: list[Article], times: int) -> list[Article]:
    span = articles[-1].published_at - articles[0].published_at + timedelta(days=1)
    return [
        article.model_copy(update={"id": f"{article.id}-r{copy}", "published_at": article.published_at + copy * span})
        for copy in range(times)
        for article in articles
    ]


def replay_rate(label: str, articles: list[Article], enricher: Enricher, settings: Settings) -> float:
    started = time.perf_counter()
    enriched = enrich_stream(articles, LanguageEnrichers(settings.nlp, enrichers={"en": enricher}), settings.batch_size)
    snapshots = sum(1 for _ in situation_snapshots(enriched, settings.situations))
    seconds = time.perf_counter() - started
    rate = len(articles) / seconds
    print(f"{label:<28} {len(articles):6d} articles {snapshots:6d} snapshots {seconds:8.2f}s {rate:8.1f} articles/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "2022-ukraine")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = Settings()
    articles = read_corpus(args.corpus).articles
    words = sum(len(article.text.split()) for article in articles)
    print(
        f"corpus {args.corpus}: {len(articles)} articles, {words} words; model {settings.spacy_model}, "
        f"batch size {settings.batch_size}"
    )
    started = time.perf_counter()
    enricher = build_enricher(settings.nlp)
    enricher.enrich(articles[:8])  # warm-up
    print(f"model and data load + warm-up: {time.perf_counter() - started:.2f}s (not counted)")
    single = replay_rate("demo corpus", articles, enricher, settings)
    many = replay_rate(f"demo corpus x{args.repeat}", repeated(articles, args.repeat), enricher, settings)
    print(f"ratio x{args.repeat} / x1 throughput: {many / single:.2f}")


if __name__ == "__main__":
    main()
