"""Every reliance on faust-streaming internals, in one place, for the one version it is tested with.

Each workaround has a regression test named after the upstream behaviour it pins (tests/unit/test_faust_compat.py);
moving TESTED_FAUST_VERSION means running those against the new version first.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Awaitable, Callable
from importlib import metadata

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.worker import Worker

log = logging.getLogger(__name__)

TESTED_FAUST_VERSION = "0.15.3"


class UntestedFaustVersion(RuntimeError):
    pass


def require_tested_faust(installed: str | None = None) -> None:
    installed = installed or metadata.version("faust-streaming")
    if installed != TESTED_FAUST_VERSION:
        raise UntestedFaustVersion(
            f"faust-streaming {installed} is installed, but the worker's Faust workarounds "
            f"(streams/worker/faust_compat.py) are tested with faust-streaming {TESTED_FAUST_VERSION} only: install "
            f"faust-streaming=={TESTED_FAUST_VERSION}, or run tests/unit/test_faust_compat.py against {installed} and "
            "move TESTED_FAUST_VERSION"
        )


class SnapshotFetchThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Fetches with a copy of the active partition set taken when the fetch starts.

    Faust hands aiokafka its live set, which the event-loop thread mutates during recovery and rebalances while the
    consumer thread reads it; aiokafka drains every partition's prefetched records when it sees the set empty, and
    Faust then drops those of partitions it does not consider active, though their position has moved on.
    """

    async def _fetch_records(self, consumer, active_partitions, timeout=None, max_records=None):
        if active_partitions is not None:
            active_partitions = frozenset(active_partitions)
            if not active_partitions:
                return {}
        return await super()._fetch_records(consumer, active_partitions, timeout=timeout, max_records=max_records)


class SnapshotFetchConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> SnapshotFetchThread:
        return SnapshotFetchThread(self, loop=self.loop, beacon=self.beacon)

    async def perform_seek(self) -> None:
        """Seek to the committed offsets with the flow stopped, so no record fetched before the seek is delivered after.

        After recovery Faust resumes the stream partitions and then seeks, with the flow running. Records aiokafka
        prefetched during recovery are then being delivered while the seek resets the read offsets; the delivery loop
        raises them again past the seek point, so Faust drops the re-fetched records as already read, and the
        delivered ones are cleared from the stream queues when flow control resumes: the backlog is lost and the
        partition's lag stays. Stopping the flow ends the stale delivery first (Faust's getmany checks the flag per
        record); the records are delivered again from the committed offsets.
        """
        was_active = self.flow_active
        self.stop_flow()
        try:
            await super().perform_seek()
        finally:
            if was_active:
                self.resume_flow()


class DeclaredTopicsProducer(faust_aiokafka.Producer):
    """Keeps every topic Faust declares in the producer's metadata.

    Works around faust-streaming 0.15.3 with aiokafka 0.14: aiokafka refreshes metadata for the topics sends have
    tracked so far and replaces its cache with the answer, while Faust's key_partition (tables with use_partitioner)
    reads that cache without waiting. The first send of a fresh worker thus drops from the cache every changelog topic
    not written yet, and the next table write raises TypeError ('NoneType' object is not iterable), which stops the
    agent for good. A topic tracked as Faust declares it is in every refresh.
    """

    async def create_topic(self, topic: str, *args, **kwargs) -> None:
        await super().create_topic(topic, *args, **kwargs)
        await self._ensure_producer().client.add_topic(topic)


def new_app(app_id: str, **conf) -> faust.App:
    """A Faust app of the tested version with the SnapshotFetchConsumer and the DeclaredTopicsProducer."""
    require_tested_faust()
    app = faust.App(app_id, **conf)
    app.transport.Consumer = SnapshotFetchConsumer
    app.transport.Producer = DeclaredTopicsProducer
    return app


def raw_string_table(app: faust.App, name: str, partitions: int):
    """A str -> str table written from a whole batch, so the changelog partition follows the key (use_partitioner)
    rather than the current event. Raw key bytes hash exactly like the article-id keys of the source topic."""
    table = app.conf.Table(
        app,
        name=name,
        beacon=app.tables.beacon,
        key_type=str,
        value_type=str,
        partitions=partitions,
        use_partitioner=True,
    )
    # Faust picks json for str; switch to raw before registering, which builds the changelog topic.
    table.key_serializer = table.value_serializer = "raw"
    return app.tables.add(table)


def fetch_sets(consumer) -> tuple[set, set]:
    """The partitions the consumer fetches and those it holds back for backpressure (Faust keeps no public view)."""
    return set(consumer._active_partitions or ()), set(consumer._buffered_partitions)


def on_web_shutdown(app: faust.App, callback: Callable[[object], Awaitable[None]]) -> None:
    """Run `callback` when the web server shuts down, before aiohttp waits for the running handlers."""
    app.web.web_app.on_shutdown.append(callback)


# The worker process: Faust's Worker with a deadline on stopping, so a SIGTERM ends it even while Kafka is down.
# faust-streaming 0.15.3 with aiokafka 0.14 drain before they stop and wait on the broker without a deadline:
# App.on_stop waits for the streams (Consumer.wait_empty), which commits; every commit first flushes the producer
# (Consumer._commit_offsets); then the producer and the consumer stop, flushing and committing again. With the broker
# unreachable aiokafka retries each step: produce batches until Faust's producer_request_timeout expires them (1200 s
# by default), an offset commit until a group coordinator answers. So a stop that has not ended by the deadline ends
# as a SIGKILL would. Nothing is lost: Faust commits an offset only after flushing everything produced before it, so
# what was not committed is read again by the next worker, and counted once there (the seen-ids table,
# SituationState.add, the history store's keys).

STOP_DEADLINE_SECONDS = 7.0  # the worker's promise to its supervisor is under 10 s from SIGTERM to exit
EXIT_STOP_ABANDONED = os.EX_TEMPFAIL  # 75: stopped without committing; the next worker reads that input again


class DeadlineWorker(Worker):
    async def on_stop(self) -> None:
        """Arms the deadline as the stop begins (SIGTERM, SIGINT or a crash), before Faust's draining starts."""
        deadline = threading.Timer(STOP_DEADLINE_SECONDS, abandon_stop)
        deadline.daemon = True  # a stop that ends in time exits without waiting for it
        deadline.start()
        await super().on_stop()


def abandon_stop() -> None:
    log.warning(
        "not stopped %.0f s after the stop began (is Kafka reachable? Faust retries its last flush and offset commit "
        "without end): exiting with %d; input not committed is read again by the next worker",
        STOP_DEADLINE_SECONDS,
        EXIT_STOP_ABANDONED,
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(EXIT_STOP_ABANDONED)  # no interpreter shutdown: it would join aiokafka's thread, stuck the same way
