"""The streaming pipeline in-process, with no broker: the same pure code as the agents, in event-time order.

Used by `sitrep replay CORPUS --offline --snapshots OUT.jsonl`; gives the snapshots the worker emits when articles
reach it in event-time order (one partition), and the same final snapshot for any partitioning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from agents.dedupe import Deduplicator, Verdict
from agents.nlp.pipeline import Enricher
from agents.situation.state import SituationState, new_situation_state
from streams.records import Article, EnrichedArticle, SituationSnapshot
from streams.settings import Settings


def enrich_stream(articles: Iterable[Article], enricher: Enricher, batch_size: int) -> Iterator[EnrichedArticle]:
    """Deduplicate and enrich in batches, as the enrich agent does."""
    deduplicator = Deduplicator({}, {})
    batch: list[Article] = []

    def flush() -> list[EnrichedArticle]:
        verdicts = [v for v in deduplicator.classify_batch(batch) if v[1] is not Verdict.SEEN_ID]
        results = enricher.enrich([article for article, _, _ in verdicts], [first for _, _, first in verdicts])
        for article, _, _ in verdicts:
            deduplicator.record(article)
        batch.clear()
        return results

    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def situation_snapshots(enriched: Iterable[EnrichedArticle], settings: Settings) -> Iterator[SituationSnapshot]:
    """One snapshot per article counted into a situation, as the situation agent emits them."""
    states: dict[str, SituationState] = {}
    for article in enriched:
        for situation in article.situations:
            if situation not in states:
                states[situation] = new_situation_state(situation, settings)
            state = states[situation]
            if state.add(article):
                snapshot = state.snapshot()
                snapshot.counted_article_id = article.article_id
                yield snapshot
