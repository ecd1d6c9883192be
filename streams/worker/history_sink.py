"""The history sink: snapshots from the updates topic and claims from the enriched topic into the history store.

Thin wiring around streams.history. Writes run in a thread so the event loop never waits on the database; a batch is
one transaction. Faust acknowledges a batch's offsets only after the write returns, so a crash before it means a
redelivery, which the store's keys absorb (ON CONFLICT DO NOTHING): no row is ever written twice.
"""

from __future__ import annotations

import asyncio
import time

from pydantic import ValidationError

from agents.records import EnrichedArticle, SituationSnapshot
from streams import metrics
from streams.worker.context import WorkerContext, send_dead_letter

BATCH_SIZE = 200
BATCH_SECONDS = 0.5


async def write(kind: str, write_batch, records: list) -> None:
    if not records:
        return
    started = time.perf_counter()
    new_rows = await asyncio.to_thread(write_batch, records)
    metrics.HISTORY_WRITE_SECONDS.labels(kind).observe(time.perf_counter() - started)
    metrics.HISTORY_ROWS.labels(kind).inc(max(new_rows, 0))


async def sink(worker: WorkerContext, stream, kind: str, record_type, write_batch, dead_letter_invalid: bool) -> None:
    async for batch in stream.take_events(BATCH_SIZE, within=BATCH_SECONDS):
        records = []
        for event in batch:
            try:
                records.append(record_type.model_validate_json(event.value))
            except ValidationError as error:
                if dead_letter_invalid:
                    reason = f"invalid_{kind}: {error.errors()[0]['msg']}"
                    await send_dead_letter(worker, event, "history", reason)
        await write(kind, write_batch, records)


def snapshot_sink(worker: WorkerContext):
    async def sink_snapshots(stream):
        # Another producer on the topic: its record is kept as a dead letter with the reason.
        store = worker.history_store
        await sink(worker, stream, "snapshots", SituationSnapshot, store.write_snapshots, dead_letter_invalid=True)

    return sink_snapshots


def claim_sink(worker: WorkerContext):
    async def sink_claims(stream):
        # A bad enriched record is dead-lettered once, by the route agent that reads the same topic.
        store = worker.history_store
        await sink(worker, stream, "claims", EnrichedArticle, store.write_claims, dead_letter_invalid=False)

    return sink_claims
