"""The two steps the worker and the offline replay share (agents.steps), without Kafka, Faust or spaCy."""

from __future__ import annotations

import json

from agents.dedupe import Deduplicator, Verdict
from agents.steps import DictStore, EnrichmentStep, SituationStep, enrichment_inputs
from streams.settings import Settings
from tests.languages import report


def payload(language: str, **changes) -> bytes:
    return json.dumps({**report(language), **changes}).encode()


def test_admit_sorts_a_batch_into_invalid_seen_same_text_unsupported_and_per_language():
    step = EnrichmentStep(Deduplicator({}, {}), languages={"en"})
    first = step.admit([("a", payload("en"))])
    [(token, article, duplicate_of)] = first.by_language["en"]
    assert (token, article.id, duplicate_of) == ("a", "report-en", None)
    step.record(article)

    batch = step.admit(
        [
            ("again", payload("en")),  # the same id: never enriched twice
            ("copy", payload("en", id="copy-en")),  # the same text under a new id: enriched, marked
            ("broken", b"{not json"),
            ("russian", payload("ru")),
        ]
    )
    assert [token for token, _ in batch.invalid] == ["broken"]
    assert batch.duplicates == [Verdict.SEEN_ID, Verdict.SAME_TEXT]
    assert [(token, first) for token, _, first in batch.by_language["en"]] == [("copy", "report-en")]
    [((token, _, _), detection)] = batch.unsupported
    assert (token, detection.language) == ("russian", "ru")
    assert enrichment_inputs(batch.by_language["en"])[1] == ["report-en"]


def test_an_article_released_after_a_failed_enrichment_is_enriched_again():
    step = EnrichmentStep(Deduplicator({}, {}), languages={"en"})
    [(_, article, _)] = step.admit([("a", payload("en"))]).by_language["en"]
    step.release(article)
    again = step.admit([("b", payload("en"))])
    assert again.duplicates == []
    assert [token for token, _, _ in again.by_language["en"]] == ["b"]


def test_a_batch_sees_the_articles_of_batches_still_in_flight_as_recorded():
    step = EnrichmentStep(Deduplicator({}, {}), languages={"en"})
    [(_, held, _)] = step.admit([("a", payload("en"))]).by_language["en"]  # not recorded yet: still in the NLP
    later = step.admit([("again", payload("en")), ("copy", payload("en", id="copy-en"))])
    assert later.duplicates == [Verdict.SEEN_ID, Verdict.SAME_TEXT]
    assert [(token, first) for token, _, first in later.by_language["en"]] == [("copy", "report-en")]
    step.record(held)
    assert step.deduplicator.held_ids.keys() == {"copy-en"}
    assert step.admit([("third", payload("en"))]).duplicates == [Verdict.SEEN_ID]


def test_the_situation_step_counts_an_article_once_and_snapshots_what_it_counted():
    from tests.unit.situation_builders import SITUATION, article

    step = SituationStep(DictStore(), Settings().situations)
    counted = article("a1", hours=1, claims=[])
    outcome, snapshot = step.count(SITUATION, counted)
    assert outcome and snapshot.counted_article_id == "a1" and snapshot.situation == SITUATION
    outcome, snapshot = step.count(SITUATION, counted)
    assert (outcome.value, snapshot) == ("duplicate", None)
