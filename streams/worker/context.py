"""What the worker's agents and views share, complete when built (streams.worker.topology builds it)."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

import faust

from agents.records import SituationSnapshot, dead_letter
from streams import metrics
from streams.history import HistoryStore
from streams.live import LiveHub
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Topics:
    """Every topic carries JSON bytes; the agents validate them into records (so bad input can be dead-lettered)."""

    raw: faust.TopicT
    enriched: faust.TopicT
    situation_input: faust.TopicT  # enriched articles re-keyed by situation id
    situation_updates: faust.TopicT
    deadletter: faust.TopicT


@dataclass(frozen=True)
class Tables:
    seen_ids: faust.Table  # article id -> article id: ids enriched before
    first_by_text: faust.Table  # text fingerprint -> id of the first article with that text
    situation_state: faust.Table  # the situation states, head and hour buckets (streams.worker.situations.TableStore)
    situation_latest: faust.GlobalTable  # situation id -> latest snapshot (JSON): any worker answers for all


class SnapshotHistory:
    """Recent snapshots per situation kept by the worker that owns it (GET /situations/{id})."""

    def __init__(self, size: int):
        self.size = size
        self.by_situation: dict[str, deque[SituationSnapshot]] = {}

    def record(self, snapshot: SituationSnapshot) -> None:
        self.by_situation.setdefault(snapshot.situation, deque(maxlen=self.size)).append(snapshot)

    def recent(self, situation: str) -> list[SituationSnapshot]:
        return list(self.by_situation.get(situation, ()))


@dataclass(frozen=True)
class WorkerContext:
    app: faust.App
    settings: Settings
    topics: Topics
    tables: Tables
    history: SnapshotHistory
    history_store: HistoryStore
    live: LiveHub = field(default_factory=LiveHub)  # server-sent events of this worker's claims and snapshots
    health: dict[str, bool] = field(default_factory=lambda: {"model_loaded": False})


async def send_dead_letter(worker: WorkerContext, event, stage: str, error: str) -> None:
    message = event.message
    letter = dead_letter(stage, error, message.value or b"", message.topic, message.partition, message.offset)
    await worker.topics.deadletter.send(key=message.key, value=letter.to_bytes())
    metrics.DEAD_LETTERS.labels(stage=stage, reason=error.split(":", 1)[0]).inc()
    log.warning("dead-lettered %s[%s]@%s: %s", message.topic, message.partition, message.offset, error)
