"""Situation agents: route enriched articles by situation id, then update the situation table and emit snapshots.

Thin wiring. The indicators are pure (agents/situation/); state lives in a plain changelog-backed Faust Table keyed by
situation id, never in a windowed table (those expire by wall clock and would drop every window of a 2022 replay).
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import ValidationError

from agents.records import EnrichedArticle, SituationSnapshot
from agents.situation.state import SituationState
from agents.steps import SituationStep
from streams import metrics
from streams.live import transition
from streams.worker.context import WorkerContext, send_dead_letter

log = logging.getLogger(__name__)


top_driver_labels: dict[str, tuple[str, str, str, str]] = {}  # the top-driver series exported per situation


def export_snapshot(snapshot: SituationSnapshot) -> None:
    situation = snapshot.situation
    metrics.SITUATION_INDEX.labels(situation).set(snapshot.escalation_index)
    if snapshot.escalation_index_low is not None and snapshot.escalation_index_high is not None:
        metrics.SITUATION_INDEX_BOUND.labels(situation, "low").set(snapshot.escalation_index_low)
        metrics.SITUATION_INDEX_BOUND.labels(situation, "high").set(snapshot.escalation_index_high)
    metrics.SITUATION_BALANCE.labels(situation).set(snapshot.balance)
    metrics.SITUATION_ESCALATION_WEIGHT.labels(situation).set(snapshot.escalation_weight)
    metrics.SITUATION_DEESCALATION_WEIGHT.labels(situation).set(snapshot.deescalation_weight)
    metrics.SITUATION_ALERT_LEVEL.labels(situation).set(metrics.ALERT_LEVEL_VALUE[snapshot.alert_level])
    metrics.SITUATION_SOURCES.labels(situation).set(snapshot.sources)
    metrics.SITUATION_ARTICLES.labels(situation).set(snapshot.articles)
    metrics.SITUATION_AS_OF.labels(situation).set(snapshot.as_of.timestamp())
    metrics.SNAPSHOTS.labels(situation).inc()
    previous = top_driver_labels.pop(situation, None)
    if previous is not None:  # one series per situation at a time
        metrics.SITUATION_TOP_DRIVER.remove(*previous)
    if snapshot.drivers:
        top = snapshot.drivers[0]
        labels = (situation, top.speaker_actor or "OUTLET", top.category or "OTHER", top.signal)
        metrics.SITUATION_TOP_DRIVER.labels(*labels).set(1)
        top_driver_labels[situation] = labels


def count_signals(situation: str, article: EnrichedArticle) -> None:
    if article.duplicate_of is None:
        for claim in article.claims:
            metrics.SITUATION_SIGNALS.labels(situation, claim.signal).inc()


def publish_claims(worker: WorkerContext, article: EnrichedArticle) -> None:
    for claim in article.claims_in_context():
        worker.live.publish("claims", "claim", claim)


def bucket_key(situation: str, hour: int) -> str:
    return f"{situation}@{hour}"


class TableStore:
    """Situation states in the changelog-backed table: one key per situation for the head (latest report, hourly
    series, bucket hours) and one per event-time hour bucket ("russia-ukraine@456025"), so each changelog message stays
    small. All keys of a situation are written while processing its situation.input partition, hence land in the same
    changelog partition. The last state loaded or saved is kept while the table still holds its head."""

    def __init__(self, table):
        self.table = table
        self.cache: dict[str, tuple[dict, SituationState]] = {}

    def load(self, situation: str) -> SituationState | None:
        head = self.table.get(situation)
        cached = self.cache.get(situation)
        if cached is not None and cached[0] is head:  # same object: nobody else wrote it since (rebalance-safe)
            return cached[1]
        if head is None:
            return None
        buckets = {hour: self.table.get(bucket_key(situation, hour)) for hour in head["hours"]}
        return SituationState.from_parts(head, {hour: bucket for hour, bucket in buckets.items() if bucket})

    def save(self, situation: str, state: SituationState) -> None:
        """Head first: if a crash loses the tail of these writes, the redelivered article is simply added again."""
        head = state.head()
        self.table[situation] = head
        for hour, bucket in state.take_changes().items():
            if bucket is None:
                self.table.pop(bucket_key(situation, hour), None)
            else:
                self.table[bucket_key(situation, hour)] = bucket
        self.cache[situation] = (head, state)


def route_agent(worker: WorkerContext):
    """Enriched articles re-keyed by each situation they belong to; their claims go to the live feed."""

    async def route(stream):
        async for event in stream.events():
            try:
                article = EnrichedArticle.model_validate_json(event.value)
            except ValidationError as error:
                await send_dead_letter(worker, event, "route", f"invalid_enriched: {error.errors()[0]['msg']}")
                continue
            for situation in article.situations:
                await worker.topics.situation_input.send(key=situation, value=event.value)
            publish_claims(worker, article)

    return route


def situation_agent(worker: WorkerContext):
    """Each article counted into its situation's state; every counted article emits a snapshot."""
    step = SituationStep(TableStore(worker.tables.situation_state), worker.settings.situations)
    latest = worker.tables.situation_latest

    async def update(stream):
        await asyncio.to_thread(step.prepare)
        async for event in stream.events():
            situation = event.key
            article = EnrichedArticle.model_validate_json(event.value)
            outcome, snapshot = step.count(situation, article)
            if snapshot is None:  # redelivered or beyond the lateness horizon: counts once, or never
                metrics.SITUATION_REFUSED.labels(situation, outcome.value).inc()
                continue
            await worker.topics.situation_updates.send(key=situation, value=snapshot.to_bytes())
            previous = latest.get(situation)
            latest[situation] = snapshot.model_dump(mode="json")
            level_change = transition(previous and previous["alert_level"], snapshot.alert_level)
            worker.live.publish("situations", "snapshot", {**latest[situation], "transition": level_change})
            worker.history.record(snapshot)
            count_signals(situation, article)
            export_snapshot(snapshot)

    return update
