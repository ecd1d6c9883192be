"""The feed poller's metrics: its own process, so its own registry (served by --metrics-port)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)
FEED_POLLS = Counter(
    "sitrep_feed_polls_total", "Feed polls by result (ok, not_modified, error)", ["feed", "result"], registry=REGISTRY
)
FEED_ERRORS = Counter(
    "sitrep_feed_errors_total",
    "Feed errors by kind (http, network, timeout, too_large, malformed, kafka, article_fetch, article_extract)",
    ["feed", "kind"],
    registry=REGISTRY,
)
FEED_ENTRIES_SENT = Counter(
    "sitrep_feed_entries_sent_total", "New entries acknowledged by the broker", ["feed"], registry=REGISTRY
)
FEED_ENTRIES_SKIPPED = Counter(
    "sitrep_feed_entries_skipped_total",
    "Entries not sent, by reason (no_id, empty_text)",
    ["feed", "reason"],
    registry=REGISTRY,
)
FEED_LAST_SUCCESS = Gauge(
    "sitrep_feed_last_success_timestamp_seconds",
    "Wall-clock time of the last successful poll",
    ["feed"],
    registry=REGISTRY,
)
FEED_FAILURES = Gauge(
    "sitrep_feed_consecutive_failures", "Failed polls in a row (0 after a success)", ["feed"], registry=REGISTRY
)
