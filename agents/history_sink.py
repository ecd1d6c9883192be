"""The history sink: snapshots from the updates topic and claims from the enriched topic into the history store.

Thin wiring around streams.history. Writes run in a thread so the event loop never waits on the database; a batch is
one transaction. Faust acknowledges a batch's offsets only after the write returns, so a crash before it means a
redelivery, which the store's keys absorb (ON CONFLICT DO NOTHING): no row is ever written twice.
"""

from __future__ import annotations

import asyncio
import time

from pydantic import ValidationError

from agents.enrich import send_dead_letter
from streams import metrics
from streams.app import Pipeline
from streams.history import HistoryStore
from streams.records import EnrichedArticle, SituationSnapshot

BATCH_SIZE = 200
BATCH_SECONDS = 0.5


async def write(kind: str, write_batch, records: list) -> None:
    if not records:
        return
    started = time.perf_counter()
    new_rows = await asyncio.to_thread(write_batch, records)
    metrics.HISTORY_WRITE_SECONDS.labels(kind).observe(time.perf_counter() - started)
    metrics.HISTORY_ROWS.labels(kind).inc(max(new_rows, 0))


def register(pipeline: Pipeline) -> None:
    app = pipeline.app
    store = HistoryStore.from_settings(pipeline.settings)
    pipeline.history_store = store

    @app.agent(pipeline.situation_updates, name="history-snapshots")
    async def sink_snapshots(stream):
        async for batch in stream.take_events(BATCH_SIZE, within=BATCH_SECONDS):
            snapshots = []
            for event in batch:
                try:
                    snapshots.append(SituationSnapshot.model_validate_json(event.value))
                except ValidationError as error:  # another producer on the topic: keep it, say why
                    await send_dead_letter(pipeline, event, "history", f"invalid_snapshot: {error.errors()[0]['msg']}")
            await write("snapshots", store.write_snapshots, snapshots)

    @app.agent(pipeline.enriched, name="history-claims")
    async def sink_claims(stream):
        async for batch in stream.take_events(BATCH_SIZE, within=BATCH_SECONDS):
            articles = []
            for event in batch:
                try:
                    articles.append(EnrichedArticle.model_validate_json(event.value))
                except ValidationError:
                    continue  # the route agent dead-letters the same record; one dead letter per bad record
            await write("claims", store.write_claims, articles)
