"""Hostile text through the real worker and Kafka: the generated hostile articles are enriched with their embedded
claim found, and the normalisation is counted in the worker's metrics."""

import json
from collections import Counter

import pytest

from agents.nlp.normalise import normalise
from agents.records import EnrichedArticle
from tests.hostile import SPEAKER, hostile_articles
from tests.integration.harness import Worker, produce, read_topic

pytestmark = pytest.mark.integration

CHOSEN = ("hostile-nul_bytes", "hostile-emoji", "hostile-control_characters", "hostile-long_sentence")


def test_hostile_articles_through_the_worker_keep_their_claims_and_are_counted(namespace):
    records = [article for article in hostile_articles() if article["id"] in CHOSEN]
    produce(namespace, "articles.raw", [(r["id"].encode(), json.dumps(r).encode()) for r in records])
    worker = Worker(namespace, SITREP_NLP_PROCESSES="2").start()
    try:
        enriched = read_topic(namespace.topic("articles.enriched"), expected=len(records), idle=1, timeout=150)
        counted = {
            reason: worker.metric(f'sitrep_text_normalised_total{{reason="{reason}"}}')
            for reason in ("control_characters", "long_token", "long_sentence")
        }
    finally:
        worker.stop()
    results = [EnrichedArticle.model_validate_json(message.value) for message in enriched]
    assert sorted(result.article_id for result in results) == sorted(CHOSEN)
    for result in results:
        assert [claim.speaker_text for claim in result.claims if claim.speaker_text == SPEAKER] == [SPEAKER]
    expected = sum((normalise(record["text"]).changes for record in records), Counter())
    assert counted == expected and all(counted.values())
