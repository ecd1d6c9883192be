"""The worker on one screen: every topic, table, agent, timer and view, built from Settings.

Wiring only: what happens to a message is the domain's (agents.steps), the adapters in this package are thin.
"""

from __future__ import annotations

import faust

from streams import topics as names
from streams.history import HistoryStore
from streams.kafka import faust_credentials
from streams.settings import Settings
from streams.worker import enrich, faust_compat, history_api, history_sink, monitoring, situations, web
from streams.worker.context import SnapshotHistory, Tables, Topics, WorkerContext


def bytes_topic(app: faust.App, settings: Settings, name: str, compacted: bool = False) -> faust.TopicT:
    return app.topic(
        settings.topic(name),
        key_type=str,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
        compacting=compacted or None,
    )


def build_worker(settings: Settings) -> WorkerContext:
    app = faust_compat.new_app(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=faust_credentials(settings),
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
    partitions = settings.partitions
    worker = WorkerContext(
        app=app,
        settings=settings,
        topics=Topics(
            raw=bytes_topic(app, settings, names.RAW),
            enriched=bytes_topic(app, settings, names.ENRICHED),
            situation_input=bytes_topic(app, settings, names.SITUATION_INPUT),
            situation_updates=bytes_topic(app, settings, names.SITUATION_UPDATES, compacted=True),
            deadletter=bytes_topic(app, settings, names.DEADLETTER),
        ),
        tables=Tables(
            seen_ids=faust_compat.raw_string_table(app, names.SEEN_IDS_TABLE, partitions),
            first_by_text=faust_compat.raw_string_table(app, names.FIRST_BY_TEXT_TABLE, partitions),
            situation_state=app.Table(names.SITUATION_STATE_TABLE, partitions=partitions),
            situation_latest=app.GlobalTable(names.SITUATION_LATEST_TABLE, partitions=partitions),
        ),
        history=SnapshotHistory(settings.history_size),
        history_store=HistoryStore.from_settings(settings),
    )
    topics = worker.topics

    load_models, enrich_articles = enrich.enrich_agent(worker)
    app.task(load_models)
    app.agent(topics.raw, name="enrich")(enrich_articles)
    app.agent(topics.enriched, name="route-situations")(situations.route_agent(worker))
    app.agent(topics.situation_input, name="situations")(situations.situation_agent(worker))
    app.agent(topics.situation_updates, name="history-snapshots")(history_sink.snapshot_sink(worker))
    app.agent(topics.enriched, name="history-claims")(history_sink.claim_sink(worker))

    monitoring.export_build_info(settings)
    app.timer(interval=monitoring.LAG_INTERVAL_SECONDS)(monitoring.resume_forgotten_partitions(worker))
    app.timer(interval=monitoring.LAG_INTERVAL_SECONDS)(monitoring.export_consumer_lag(worker))

    app.page("/metrics")(web.metrics_view())
    app.page("/health")(web.health_view(worker))
    app.page("/situations")(web.situations_view(worker))
    app.page("/situations/{situation_id}")(web.situation_view(worker))
    app.page("/feeds/claims", name="claim-stream")(web.live_stream_view(worker, "claims"))
    app.page("/feeds/situations", name="situation-stream")(web.live_stream_view(worker, "situations"))
    app.page("/live")(web.live_view())
    app.page("/situations/{situation_id}/history")(history_api.history_view(worker))
    app.page("/claims")(history_api.claims_view(worker))
    app.page("/openapi.json")(history_api.openapi_view())
    # aiohttp waits for running handlers on shutdown: end the open streams first so the worker stops promptly.
    faust_compat.on_web_shutdown(app, web.end_streams(worker))
    return worker
