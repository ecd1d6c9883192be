"""The streaming pipeline in-process, with no broker: the same pure code as the agents, in event-time order.

Used by `sitrep replay CORPUS --offline --snapshots OUT.jsonl`; gives the snapshots the worker emits when articles
reach it in event-time order (one partition), and the same final snapshot for any partitioning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from agents.dedupe import Deduplicator, Verdict
from agents.language import Detection, group_by_language
from agents.nlp.pipeline import Enricher
from agents.situation.state import SituationState, new_situation_state
from streams.records import Article, EnrichedArticle, SituationSnapshot
from streams.settings import Settings


class LanguageEnrichers:
    """What the enrich agent does per language, in-process: one Enricher per configured language (built on first use),
    and every article in a language without a model reported to `report` and counted in `unsupported`."""

    def __init__(self, settings: Settings, report: Callable[[Article, Detection], None]):
        self.settings = settings
        self.report = report
        self.enrichers: dict[str, Enricher] = {}
        self.unsupported: Counter[str] = Counter()

    def enricher(self, language: str) -> Enricher:
        if language not in self.enrichers:
            from agents.nlp.factory import build_enricher

            model = self.settings.models_by_language[language]
            self.enrichers[language] = build_enricher(self.settings.model_copy(update={"spacy_model": model}))
        return self.enrichers[language]

    def enrich(
        self, articles: Sequence[Article], duplicates: Iterable[str | None] | None = None
    ) -> list[EnrichedArticle]:
        """The enriched articles of the supported languages, grouped by language as the agent sends them."""
        marks = list(duplicates) if duplicates is not None else [None] * len(articles)
        groups, unsupported = group_by_language(
            zip(articles, marks, strict=True), lambda pair: pair[0], self.settings.models_by_language
        )
        for (article, _), detection in unsupported:
            self.unsupported[detection.language] += 1
            self.report(article, detection)
        results = []
        for language, pairs in groups.items():
            results.extend(self.enricher(language).enrich([a for a, _ in pairs], [mark for _, mark in pairs]))
        return results

    @property
    def normalised(self) -> Counter[str]:
        """Texts changed before the parse, by reason (agents.nlp.normalise), over every language."""
        return sum((enricher.normalised for enricher in self.enrichers.values()), Counter())


def enrich_stream(articles: Iterable[Article], enricher: Enricher, batch_size: int) -> Iterator[EnrichedArticle]:
    """Deduplicate and enrich in batches, as the enrich agent does (an Enricher, or LanguageEnrichers)."""
    deduplicator = Deduplicator({}, {})
    batch: list[Article] = []

    def flush() -> list[EnrichedArticle]:
        verdicts = [v for v in deduplicator.classify_batch(batch) if v[1] is not Verdict.SEEN_ID]
        results = enricher.enrich([article for article, _, _ in verdicts], [first for _, _, first in verdicts])
        enriched = {result.article_id for result in results}
        for article, _, _ in verdicts:
            if article.id in enriched:  # an article reported unsupported is not a first report of its text
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
