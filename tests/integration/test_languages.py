"""A Russian and an Urdu report next to an English one, through the real broker: the English one enriched, the other two
dead-lettered as unsupported_language (their original payload kept) and counted per language; the worker goes on."""

from __future__ import annotations

import json

import pytest

from agents.records import DeadLetter, EnrichedArticle, original_payload
from tests.integration.harness import Worker, produce, read_topic
from tests.languages import report

pytestmark = pytest.mark.integration


def test_reports_in_languages_without_a_model_are_dead_lettered_not_silently_empty(namespace):
    reports = {code: report(code) for code in ("ru", "en", "ur")}
    produce(namespace, "articles.raw", [(r["id"].encode(), json.dumps(r).encode()) for r in reports.values()])
    worker = Worker(namespace).start()
    try:
        enriched = [
            EnrichedArticle.model_validate_json(m.value)
            for m in read_topic(namespace.topic("articles.enriched"), expected=1)
        ]
        letters = [
            DeadLetter.model_validate_json(m.value) for m in read_topic(namespace.topic("deadletter"), expected=2)
        ]
        metrics = worker.metrics()
    finally:
        worker.stop()

    assert [e.article_id for e in enriched] == ["report-en"]
    assert enriched[0].claims
    assert sorted((letter.stage, letter.error.split(":")[0]) for letter in letters) == [
        ("language", "unsupported_language"),
        ("language", "unsupported_language"),
    ]
    by_id = {json.loads(original_payload(letter))["id"]: letter for letter in letters}
    assert set(by_id) == {"report-ru", "report-ur"}
    assert "detected ur" in by_id["report-ur"].error
    assert 'sitrep_articles_by_language_total{language="ru",outcome="unsupported_language"} 1.0' in metrics
    assert 'sitrep_articles_by_language_total{language="ur",outcome="unsupported_language"} 1.0' in metrics
    assert 'sitrep_articles_by_language_total{language="en",outcome="enriched"} 1.0' in metrics
    assert 'sitrep_dead_letters_total{reason="unsupported_language",stage="language"} 2.0' in metrics
