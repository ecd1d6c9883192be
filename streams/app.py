"""The Faust application: topics, tables, agents and web views, built from Settings.

Wiring only. What happens to a message lives in agents/ (thin agents calling pure modules).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any

import faust
from faust.auth import SASLCredentials, SSLCredentials
from faust.transport.drivers import aiokafka as faust_aiokafka

from streams import topics as names
from streams.live import LiveHub
from streams.settings import Settings


@dataclass
class Pipeline:
    app: faust.App
    settings: Settings
    raw: faust.TopicT
    enriched: faust.TopicT
    situation_input: faust.TopicT
    situation_updates: faust.TopicT
    deadletter: faust.TopicT
    health: dict[str, bool] = field(default_factory=lambda: {"model_loaded": False})
    latest: Any = None  # GlobalTable situation id -> latest snapshot (JSON), set by agents.situations
    history: Any = None  # SnapshotHistory of the situations this worker owns, set by agents.situations
    history_store: Any = None  # streams.history.HistoryStore, set by agents.history_sink
    live: LiveHub = field(default_factory=LiveHub)  # server-sent events of this worker's claims and snapshots


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


class TrackedTopicsProducer(faust_aiokafka.Producer):
    """Keeps the pipeline's topics and every topic Faust declares (table changelogs) in the producer's metadata.

    Works around faust-streaming 0.15.3 with aiokafka 0.14: once a send has named a topic, aiokafka refreshes metadata
    for the named topics only and replaces its cache with the answer, while Faust's key_partition (tables with
    use_partitioner, topic_route pages) reads that cache without waiting. A topic no send has named yet then drops out
    of the cache: the next table write raises TypeError ('NoneType' object is not iterable) and stops its agent for
    good, a routed page answers 500. A topic named here is in every refresh.
    """

    pipeline_topics: frozenset[str] = frozenset()  # set by build_pipeline

    async def on_start(self) -> None:
        await super().on_start()
        for topic in self.pipeline_topics:
            await self._track(topic)

    async def create_topic(self, topic: str, *args, **kwargs) -> None:
        await super().create_topic(topic, *args, **kwargs)
        await self._track(topic)

    async def _track(self, topic: str) -> None:
        await self._ensure_producer().client.add_topic(topic)


def broker_credentials(settings: Settings):
    protocol = settings.security_protocol.upper()
    context = None
    if protocol.endswith("SSL"):
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=settings.ssl_cafile)
        if settings.ssl_certfile:
            context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile)
    if protocol.startswith("SASL"):
        return SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    if protocol == "SSL":
        return SSLCredentials(context)
    return None


def bytes_topic(app: faust.App, settings: Settings, name: str, compacted: bool = False) -> faust.TopicT:
    """Topics carry JSON bytes; agents validate them into pydantic records (so bad input can be dead-lettered)."""
    return app.topic(
        settings.topic(name),
        key_type=str,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
        compacting=compacted or None,
    )


def build_pipeline(settings: Settings) -> Pipeline:
    app = faust.App(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=broker_credentials(settings),
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        web_bind=settings.web_bind,
        web_host=settings.advertised_web_host,
        web_port=settings.web_port,
        consumer_auto_offset_reset="earliest",
        processing_guarantee="at_least_once",
        producer_max_request_size=max(1_048_576, settings.max_text_bytes * 2),
    )
    app.transport.Consumer = SnapshotFetchConsumer
    app.transport.Producer = type(
        "TrackedTopicsProducer", (TrackedTopicsProducer,), {"pipeline_topics": frozenset(names.wanted_topics(settings))}
    )
    pipeline = Pipeline(
        app=app,
        settings=settings,
        raw=bytes_topic(app, settings, names.RAW),
        enriched=bytes_topic(app, settings, names.ENRICHED),
        situation_input=bytes_topic(app, settings, names.SITUATION_INPUT),
        situation_updates=bytes_topic(app, settings, names.SITUATION_UPDATES, compacted=True),
        deadletter=bytes_topic(app, settings, names.DEADLETTER),
    )
    # Imported here so that importing streams.app stays cheap and free of spaCy.
    from agents import enrich, history_sink, situations
    from streams import history_api, monitoring, web

    enrich.register(pipeline)
    situations.register(pipeline)
    history_sink.register(pipeline)
    monitoring.register(pipeline)

    web.register(pipeline)
    history_api.register(pipeline)
    return pipeline
