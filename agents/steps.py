"""The pipeline's two steps, defined once: the Faust agents (streams.worker) and the offline replay (streams.offline)
run these, each with its own transport and storage.

Enrichment: admit (validate the payload) → classify (seen id, same text as an earlier article, language) → enrich
(the caller's: an NLP process in the worker, an Enricher in-process offline) → record (an enriched article becomes
the first of its text) or release (its enrichment failed). From classify to record or release an article is held:
batches classified meanwhile see it as recorded.

Situations: load → add → snapshot, over a store of states (a Faust table in the worker, a dict offline).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Generic, Protocol, TypeVar

from agents.config import SituationSettings
from agents.dedupe import Deduplicator, Verdict
from agents.language import Detection, group_by_language
from agents.records import (
    DEFAULT_MAX_TEXT_BYTES,
    Article,
    EnrichedArticle,
    InvalidInput,
    SituationSnapshot,
    parse_article,
)
from agents.situation.state import Outcome, SituationState, new_situation_state, situation_matcher

T = TypeVar("T")  # what the caller tracks an article by: a Faust event in the worker, the article itself offline
Entry = tuple[T, Article, str | None]  # an article to enrich, with the id of the first article of its text, if any


@dataclass
class Classified(Generic[T]):
    """A batch after admit and classify: what to enrich per language, and what not to."""

    by_language: dict[str, list[Entry[T]]]
    unsupported: list[tuple[Entry[T], Detection]]  # a language without a model: never run through the English rules
    duplicates: list[Verdict]  # SEEN_ID (skipped) or SAME_TEXT (enriched, marked duplicate_of)
    invalid: list[tuple[T, InvalidInput]] = field(default_factory=list)


class EnrichmentStep:
    def __init__(
        self, deduplicator: Deduplicator, languages: Collection[str], max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
    ):
        self.deduplicator = deduplicator
        self.languages = languages
        self.max_text_bytes = max_text_bytes

    def admit(self, payloads: Iterable[tuple[T, bytes]]) -> Classified[T]:
        """Validate raw payloads, then classify the valid articles."""
        valid: list[tuple[T, Article]] = []
        invalid: list[tuple[T, InvalidInput]] = []
        for token, payload in payloads:
            try:
                valid.append((token, parse_article(payload, self.max_text_bytes)))
            except InvalidInput as error:
                invalid.append((token, error))
        classified = self.classify(valid)
        classified.invalid = invalid
        return classified

    def classify(self, articles: Sequence[tuple[T, Article]]) -> Classified[T]:
        """Drop ids seen before, mark texts seen before, and group the rest by the language detected in the text."""
        verdicts = self.deduplicator.classify_batch([article for _, article in articles])
        fresh: list[Entry[T]] = []
        duplicates = []
        for (token, _), (article, verdict, first) in zip(articles, verdicts, strict=True):
            if verdict is not Verdict.NEW:
                duplicates.append(verdict)
            if verdict is not Verdict.SEEN_ID:
                fresh.append((token, article, first))
        by_language, unsupported = group_by_language(fresh, itemgetter(1), self.languages)
        for entries in by_language.values():
            for _, article, _ in entries:
                self.deduplicator.hold(article)
        return Classified(by_language, unsupported, duplicates)

    def record(self, article: Article) -> None:
        """After the article's enrichment went out: later articles with its id or text are duplicates of it."""
        self.deduplicator.record(article)

    def release(self, article: Article) -> None:
        """The article's enrichment failed: the next copy of it is enriched, not skipped as seen."""
        self.deduplicator.release(article)


def enrichment_inputs(entries: Sequence[Entry]) -> tuple[list[Article], list[str | None]]:
    """The articles of a language group and the ids they duplicate, as an Enricher takes them."""
    return [article for _, article, _ in entries], [first for _, _, first in entries]


class StateStore(Protocol):
    def load(self, situation: str) -> SituationState | None: ...

    def save(self, situation: str, state: SituationState) -> None: ...


class DictStore:
    """States in memory (the offline replay, tests)."""

    def __init__(self):
        self.states: dict[str, SituationState] = {}

    def load(self, situation: str) -> SituationState | None:
        return self.states.get(situation)

    def save(self, situation: str, state: SituationState) -> None:
        self.states[situation] = state


class SituationStep:
    def __init__(self, store: StateStore, settings: SituationSettings):
        self.store = store
        self.settings = settings

    def prepare(self) -> None:
        """Read the situations and the gazetteer now (a few hundred ms of YAML), not when the first article waits."""
        situation_matcher(self.settings)

    def count(self, situation: str, article: EnrichedArticle) -> tuple[Outcome, SituationSnapshot | None]:
        """Count the article into the situation; the snapshot it produces, or None when it was refused (redelivered,
        or beyond the lateness horizon)."""
        state = self.store.load(situation)
        if state is None:
            state = new_situation_state(situation, self.settings)
        outcome = state.add(article)
        if not outcome:
            return outcome, None
        self.store.save(situation, state)
        snapshot = state.snapshot()
        snapshot.counted_article_id = article.article_id
        return outcome, snapshot
