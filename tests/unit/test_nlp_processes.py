"""Batches dealt to several real NLP processes (agents.nlp.process.EnricherPool): results in input order, the same as
one in-process Enricher's, each article parsed once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from agents.nlp.factory import build_enricher
from agents.nlp.process import EnricherPool
from agents.records import Article
from streams.settings import Settings
from streams.worker.enrich import chunks, enrich_in_chunks

TEXTS = [
    "Maria Lopez said that the border would stay closed.",
    "The minister warned that troops were massing near the river. Talks resumed on Monday in Vienna.",
    "“We are ready,” the general said.",
    "A spokesman for the ministry said the exercises were over and the troops were returning to their bases.",
    "Officials in Geneva told reporters that a ceasefire could be signed within days.",
    "John Carter said that both sides had agreed to exchange prisoners.",
    "Negotiators met again. Nobody expects a deal before the summer, an adviser said.",
]


def test_chunks_are_contiguous_near_equal_and_in_order():
    entries = list(range(10))
    assert chunks(entries, 4) == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    assert chunks(entries[:3], 8) == [[0], [1], [2]]
    assert chunks(entries, 1) == [entries]
    assert chunks([], 4) == []


def test_two_processes_return_what_one_enricher_does_in_input_order():
    settings = Settings().nlp
    articles = [
        Article(id=f"a{index}", published_at=datetime(2026, 1, 1, 12, index, tzinfo=UTC), text=text)
        for index, text in enumerate(TEXTS)
    ]
    entries = [(None, article, None) for article in articles]  # (event, article, duplicate of) as the agent has them

    async def through_the_pool():
        changes = []
        pool = EnricherPool(settings, 2, on_normalised=changes.append)
        try:
            await pool.start()
            outcomes = await enrich_in_chunks(pool, entries)
        finally:
            pool.close()
        return outcomes, changes

    outcomes, changes = asyncio.run(through_the_pool())
    assert [error for _, _, error in outcomes] == [None] * len(articles)
    expected = build_enricher(settings).enrich(articles)
    assert [result for _, result, _ in outcomes] == expected
    assert len(changes) == len(chunks(entries, 8)) and not any(changes)
