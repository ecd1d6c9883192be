"""Worker-level metrics that no agent sets: build info and consumer lag per input partition.

Lag is the group's view (log end offset minus committed offset), as every Kafka lag exporter defines it. End offsets
are asked from the broker on a timer, so the lag keeps growing while processing is stuck (offsets taken from fetch
responses would freeze with the consumer, which is exactly when the number matters).
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Mapping
from importlib import metadata

from streams import metrics
from streams import topics as names
from streams.settings import Settings
from streams.worker.context import WorkerContext
from streams.worker.faust_compat import fetch_sets

log = logging.getLogger(__name__)

LAG_INTERVAL_SECONDS = 5.0


def build_labels(spacy_model: str) -> dict[str, str]:
    def version(distribution: str) -> str:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return "unknown"

    return {
        "version": version("sitrep"),
        "faust_version": version("faust-streaming"),
        "spacy_version": version("spacy"),
        "spacy_model": spacy_model,
        "python_version": platform.python_version(),
    }


def partition_lags(end_offsets: Mapping, committed: Mapping) -> dict:
    """Messages behind the end of the log per partition; partitions without a known committed position are left out.
    Never negative: an end offset fetched just before a commit can trail it."""
    return {
        tp: max(0, end - committed[tp])
        for tp, end in end_offsets.items()
        if end is not None and committed.get(tp) is not None
    }


async def committed_positions(consumer, monitor, partitions) -> dict:
    """Offsets committed by this process; before its first commit on a partition, the consumer's position (which
    starts at the group's committed offset after an assignment and runs ahead by at most the fetch buffer)."""
    known = monitor.tp_committed_offsets
    return {tp: known[tp] if known.get(tp) is not None else await consumer.position(tp) for tp in partitions}


def forgotten_partitions(assigned, active, buffered, changelog_topics) -> set:
    """Assigned input partitions that Faust neither fetches nor holds back for backpressure.

    faust-streaming 0.15.3 can leave a partition paused after recovery or a rebalance: its lag stays and it is never
    fetched again. Only meaningful while no rebalance or recovery is under way."""
    return {tp for tp in assigned if tp.topic not in changelog_topics and tp not in active and tp not in buffered}


def export_build_info(settings: Settings) -> None:
    metrics.BUILD_INFO.info(build_labels(settings.spacy_model))


def resume_forgotten_partitions(worker: WorkerContext):
    app = worker.app
    suspects: set = set()

    async def resume_forgotten_partitions() -> None:
        """Resume a partition found forgotten on two checks in a row (a pause that outlives recovery is a leak)."""
        consumer = app.consumer
        if app.rebalancing or app.in_recovery or not consumer.flow_active:
            suspects.clear()
            return
        active, buffered = fetch_sets(consumer)
        forgotten = forgotten_partitions(consumer.assignment(), active, buffered, app.tables.changelog_topics)
        confirmed = forgotten & suspects
        if confirmed:
            log.warning("resuming partitions left paused after recovery: %s", sorted(confirmed))
            consumer.resume_partitions(confirmed)
            metrics.PARTITIONS_RESUMED.inc(len(confirmed))
        suspects.clear()
        suspects.update(forgotten - confirmed)

    return resume_forgotten_partitions


def export_consumer_lag(worker: WorkerContext):
    app, settings = worker.app, worker.settings
    sources = {settings.topic(name) for name in (names.RAW, names.ENRICHED, names.SITUATION_INPUT)}
    exported: set[tuple[str, str]] = set()

    async def export_consumer_lag() -> None:
        consumer = app.consumer
        try:
            partitions = [tp for tp in consumer.assignment() if tp.topic in sources]
            end_offsets = await consumer.highwaters(*partitions) if partitions else {}
            committed = await committed_positions(consumer, app.monitor, partitions)
        except Exception as error:  # noqa: BLE001 - a rebalance or a broker hiccup: skip this round, keep the worker
            log.debug("consumer lag not measured this round: %r", error)
            return
        current = set()
        for tp, lag in partition_lags(end_offsets, committed).items():
            labels = (tp.topic, str(tp.partition))
            metrics.CONSUMER_LAG.labels(*labels).set(lag)
            current.add(labels)
        for labels in exported - current:  # revoked partitions: another worker reports them now
            metrics.CONSUMER_LAG.remove(*labels)
        exported.clear()
        exported.update(current)

    return export_consumer_lag
