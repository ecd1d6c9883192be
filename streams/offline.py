"""The streaming pipeline in-process, with no broker: the agents' steps (agents.steps) run in event-time order.

Used by `sitrep replay CORPUS --offline --snapshots OUT.jsonl`; gives the snapshots the worker emits when articles
reach it in event-time order (one partition), and the same final snapshot for any partitioning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter

from agents.config import NlpSettings, SituationSettings
from agents.dedupe import Deduplicator
from agents.language import Detection, group_by_language
from agents.nlp.pipeline import Enricher
from agents.records import Article, EnrichedArticle, SituationSnapshot
from agents.steps import DictStore, EnrichmentStep, Entry, SituationStep, enrichment_inputs


def ignore(article: Article, detection: Detection) -> None:
    pass


class LanguageEnrichers:
    """What the enrich agent's NLP processes do, in-process: one Enricher per configured language (built on first use,
    or given), and every article in a language without a model reported to `report` and counted in `unsupported`."""

    def __init__(
        self,
        settings: NlpSettings,
        report: Callable[[Article, Detection], None] = ignore,
        enrichers: dict[str, Enricher] | None = None,
    ):
        self.settings = settings
        self.report = report
        self.enrichers: dict[str, Enricher] = dict(enrichers or {})
        self.unsupported: Counter[str] = Counter()

    @property
    def languages(self) -> Iterable[str]:
        return self.settings.models_by_language

    def enricher(self, language: str) -> Enricher:
        if language not in self.enrichers:
            from agents.nlp.factory import build_enricher

            self.enrichers[language] = build_enricher(self.settings.for_language(language))
        return self.enrichers[language]

    def refuse(self, unsupported: Iterable[tuple[Entry, Detection]]) -> None:
        for (_, article, _), detection in unsupported:
            self.unsupported[detection.language] += 1
            self.report(article, detection)

    def enrich(self, articles: Sequence[Article]) -> list[EnrichedArticle]:
        """The enriched articles of the supported languages, language by language as the agent sends them (no
        duplicate detection: `sitrep extract`)."""
        entries = ((None, article, None) for article in articles)
        groups, unsupported = group_by_language(entries, itemgetter(1), self.languages)
        self.refuse(unsupported)
        results = []
        for language, group in groups.items():
            results.extend(self.enricher(language).enrich(*enrichment_inputs(group)))
        return results

    @property
    def normalised(self) -> Counter[str]:
        """Texts changed before the parse, by reason (agents.nlp.normalise), over every language."""
        return sum((enricher.normalised for enricher in self.enrichers.values()), Counter())


def batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def enrich_stream(
    articles: Iterable[Article], enrichers: LanguageEnrichers, batch_size: int
) -> Iterator[EnrichedArticle]:
    """The enrich agent's step, batch by batch: classify, enrich per language, record."""
    step = EnrichmentStep(Deduplicator({}, {}), enrichers.languages)
    for batch in batches(articles, batch_size):
        classified = step.classify([(article, article) for article in batch])
        enrichers.refuse(classified.unsupported)
        for language, entries in classified.by_language.items():
            results = enrichers.enricher(language).enrich(*enrichment_inputs(entries))
            for _, article, _ in entries:
                step.record(article)
            yield from results


def situation_snapshots(
    enriched: Iterable[EnrichedArticle], settings: SituationSettings
) -> Iterator[SituationSnapshot]:
    """One snapshot per article counted into a situation, as the situation agent emits them."""
    step = SituationStep(DictStore(), settings)
    for article in enriched:
        for situation in article.situations:
            _, snapshot = step.count(situation, article)
            if snapshot is not None:
                yield snapshot
