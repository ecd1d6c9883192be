"""The topics of the pipeline, their partitioning and retention, and idempotent creation through the admin API."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from streams.kafka import kafka_python_config
from streams.settings import Settings

with warnings.catch_warnings():
    # kafka-python 3.x reads its protocol schemas through deprecated importlib.resources calls on import.
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka  # noqa: F401
    from kafka.admin import KafkaAdminClient

RAW = "articles.raw"
ENRICHED = "articles.enriched"
SITUATION_INPUT = "situation.input"  # enriched articles re-keyed by situation id (internal)
SITUATION_UPDATES = "situation.updates"
DEADLETTER = "deadletter"

# Faust tables (their changelog topics are Faust's own: it creates them).
SEEN_IDS_TABLE = "seen-article-ids"
FIRST_BY_TEXT_TABLE = "first-article-by-text"
SITUATION_STATE_TABLE = "situation-state"
SITUATION_LATEST_TABLE = "situation-latest"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    compacted: bool = False
    configs: dict[str, str] = field(default_factory=dict)

    def kafka_configs(self) -> dict[str, str]:
        base = {"cleanup.policy": "compact"} if self.compacted else {"retention.ms": "-1"}
        return {**base, **self.configs}


def topic_specs() -> list[TopicSpec]:
    return [
        TopicSpec(RAW),
        TopicSpec(ENRICHED),
        TopicSpec(SITUATION_INPUT),
        TopicSpec(SITUATION_UPDATES, compacted=True),
        TopicSpec(DEADLETTER),
    ]


def wanted_topics(settings: Settings) -> dict[str, dict[str, str]]:
    """The pipeline's topics with their configs, created before the worker starts."""
    return {settings.topic(spec.name): spec.kafka_configs() for spec in topic_specs()}


def ensure_topics(settings: Settings) -> list[str]:
    """Create missing topics with the configured partition count; returns the names created. Safe to repeat."""
    admin = KafkaAdminClient(**kafka_python_config(settings.kafka), client_id=f"{settings.app_id}-admin")
    try:
        existing = set(admin.list_topics())
        wanted = {
            name: {
                "num_partitions": settings.partitions,
                "replication_factor": settings.replication_factor,
                "configs": configs,
            }
            for name, configs in wanted_topics(settings).items()
            if name not in existing
        }
        if wanted:
            admin.create_topics(wanted, raise_errors=False, wait_for_metadata=True)
        return sorted(wanted)
    finally:
        admin.close()
