"""The worker process's Prometheus metrics, all of them, exported on its /metrics (the feed poller has its own:
streams/feeds/metrics.py). Names follow Prometheus conventions: `sitrep_` prefix, base units (seconds), `_total`
counters, bounded label sets (reason, situation, direction, level, partition, topic)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

ALERT_LEVEL_VALUE = {"green": 0, "amber": 1, "red": 2}

REGISTRY = CollectorRegistry(auto_describe=True)

# spaCy costs ~0.2 ms per short report up to ~0.2 s for a 1,000-word article; batches add queueing on top.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

BUILD_INFO = Info("sitrep_build", "Version of the running sitrep worker and its NLP model", registry=REGISTRY)

ARTICLES_CONSUMED = Counter(
    "sitrep_articles_consumed_total", "Raw messages read from the articles topic", registry=REGISTRY
)
ARTICLES_ENRICHED = Counter("sitrep_articles_enriched_total", "Articles enriched and emitted", registry=REGISTRY)
ARTICLES_DUPLICATE = Counter(
    "sitrep_articles_duplicate_total",
    "Articles skipped (kind=id: id seen before) or marked (kind=text: same text under a new id)",
    ["kind"],
    registry=REGISTRY,
)
ARTICLES_BY_LANGUAGE = Counter(
    "sitrep_articles_by_language_total",
    "Valid new articles by detected language and outcome (enriched, or unsupported_language: no model for it)",
    ["language", "outcome"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "sitrep_dead_letters_total", "Messages sent to the dead-letter topic", ["stage", "reason"], registry=REGISTRY
)
PROCESSING_SECONDS = Histogram(
    "sitrep_enrich_batch_duration_seconds",
    "Wall time to enrich one batch (validation, spaCy, actors, claims)",
    buckets=DURATION_BUCKETS,
    registry=REGISTRY,
)
ARTICLE_SECONDS = Histogram(
    "sitrep_enrich_article_duration_seconds",
    "Enrichment time per article (batch time divided by batch size)",
    buckets=DURATION_BUCKETS,
    registry=REGISTRY,
)
BATCH_SIZE = Histogram("sitrep_enrich_batch_size", "Articles per spaCy batch", buckets=BATCH_BUCKETS, registry=REGISTRY)
EVENT_LAG_SECONDS = Gauge(
    "sitrep_event_time_lag_seconds",
    "Wall-clock now minus published_at of the last enriched article (large during a replay of 2022)",
    registry=REGISTRY,
)
LAST_EVENT_TIMESTAMP = Gauge(
    "sitrep_last_event_timestamp_seconds",
    "published_at (Unix seconds) of the last enriched article",
    registry=REGISTRY,
)
LAST_PROGRESS_TIMESTAMP = Gauge(
    "sitrep_last_progress_timestamp_seconds",
    "Wall-clock time (Unix seconds) at which the worker last finished a batch",
    registry=REGISTRY,
)
PARTITIONS_RESUMED = Counter(
    "sitrep_partitions_resumed_total",
    "Input partitions the worker found left paused after recovery or a rebalance and resumed",
    registry=REGISTRY,
)
NLP_PROCESS_RESTARTS = Counter(
    "sitrep_nlp_process_restarts_total",
    "NLP processes replaced after the previous one died (its batch is retried article by article)",
    registry=REGISTRY,
)
TEXT_NORMALISED = Counter(
    "sitrep_text_normalised_total",
    "Texts changed before the parse (agents/nlp/normalise.py): control characters blanked, over-long tokens blanked, "
    "over-long sentences cut",
    ["reason"],
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "sitrep_consumer_lag_messages",
    "Messages behind the high watermark per input partition",
    ["topic", "partition"],
    registry=REGISTRY,
)

CLAIMS_EXTRACTED = Counter(
    "sitrep_claims_total", "Claims extracted, by signal direction", ["direction"], registry=REGISTRY
)

SITUATION_INDEX = Gauge(
    "sitrep_situation_escalation_index", "Escalation index 0-100 (24h window)", ["situation"], registry=REGISTRY
)
SITUATION_INDEX_BOUND = Gauge(
    "sitrep_situation_escalation_index_bound",
    "Credible interval of the escalation index (24h window, 80 % unless configured): bound=low|high",
    ["situation", "bound"],
    registry=REGISTRY,
)
SITUATION_BALANCE = Gauge(
    "sitrep_situation_balance",
    "Balance -1..+1, positive = escalation outweighs de-escalation",
    ["situation"],
    registry=REGISTRY,
)
SITUATION_ESCALATION_WEIGHT = Gauge(
    "sitrep_situation_escalation_weight", "Weighted escalation evidence in the window", ["situation"], registry=REGISTRY
)
SITUATION_DEESCALATION_WEIGHT = Gauge(
    "sitrep_situation_deescalation_weight",
    "Weighted de-escalation evidence in the window",
    ["situation"],
    registry=REGISTRY,
)
SITUATION_ALERT_LEVEL = Gauge(
    "sitrep_situation_alert_level", "Alert level: 0 green, 1 amber, 2 red", ["situation"], registry=REGISTRY
)
SITUATION_SOURCES = Gauge(
    "sitrep_situation_sources", "Distinct outlets in the window", ["situation"], registry=REGISTRY
)
SITUATION_ARTICLES = Gauge("sitrep_situation_articles", "Articles in the window", ["situation"], registry=REGISTRY)
SITUATION_AS_OF = Gauge(
    "sitrep_situation_as_of_timestamp_seconds",
    "Event time (Unix seconds) of the latest snapshot",
    ["situation"],
    registry=REGISTRY,
)
SITUATION_SIGNALS = Counter(
    "sitrep_situation_signals_total",
    "Claims counted into a situation, by direction (copies and redeliveries excluded)",
    ["situation", "direction"],
    registry=REGISTRY,
)
SITUATION_REFUSED = Counter(
    "sitrep_situation_reports_refused_total",
    "Reports not counted into a situation: duplicate (id already counted) or late (beyond the lateness horizon)",
    ["situation", "reason"],
    registry=REGISTRY,
)
SNAPSHOTS = Counter("sitrep_situation_snapshots_total", "Snapshots emitted", ["situation"], registry=REGISTRY)
SITUATION_TOP_DRIVER = Gauge(
    "sitrep_situation_top_driver_info",
    "1 for the current top driver of a situation: its speaker actor, category and signal (bounded code lists)",
    ["situation", "speaker_actor", "category", "signal"],
    registry=REGISTRY,
)

HISTORY_WRITE_SECONDS = Histogram(
    "sitrep_history_write_seconds",
    "Seconds per batch written to the history store, by kind (snapshots, claims)",
    ["kind"],
    buckets=DURATION_BUCKETS,
    registry=REGISTRY,
)
HISTORY_ROWS = Counter(
    "sitrep_history_rows_total",
    "New rows written to the history store (redeliveries not counted)",
    ["kind"],
    registry=REGISTRY,
)

SSE_CLIENTS = Gauge("sitrep_sse_clients", "Connected server-sent-event clients", ["stream"], registry=REGISTRY)
SSE_EVENTS = Counter("sitrep_sse_events_total", "Events published to live streams", ["stream"], registry=REGISTRY)
SSE_DROPPED = Counter(
    "sitrep_sse_dropped_total", "Events dropped for clients too slow to keep up", ["stream"], registry=REGISTRY
)


def count_normalised(changes: dict[str, int]) -> None:
    for reason, count in changes.items():
        TEXT_NORMALISED.labels(reason=reason).inc(count)
