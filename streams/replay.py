"""Replay a corpus to Kafka in event-time order: key = article id, message timestamp = published_at, paced or not."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from agents.records import Article, SituationSnapshot
from streams.kafka import kafka_python_config
from streams.settings import Settings
from streams.topics import RAW, SITUATION_UPDATES, ensure_topics

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaConsumer, KafkaProducer


def send_offsets(articles: Sequence[Article], speed: float | None) -> list[float]:
    """Seconds after the start at which each article is sent: event-time gaps divided by `speed` (None: no pause)."""
    if not articles:
        return []
    if speed is None:
        return [0.0] * len(articles)
    if speed <= 0:
        raise ValueError("speed must be positive")
    first = articles[0].published_at
    return [(article.published_at - first).total_seconds() / speed for article in articles]


def timestamp_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class Progress:
    """A progress line with the event-time position and ETA on a terminal; plain log lines every 10 % otherwise."""

    total: int
    stream: object = sys.stderr
    started: float = 0.0
    last_decile: int = -1

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, done: int, position: datetime, remaining_seconds: float) -> None:
        fraction = done / self.total if self.total else 1.0
        when = f"{position.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        line = f"{done}/{self.total} {fraction:4.0%} event time {when}, ETA {remaining_seconds:5.1f}s"
        if self.tty:
            bar = "#" * int(fraction * 30)
            print(f"\r[{bar:<30}] {line}", end="" if done < self.total else "\n", file=self.stream, flush=True)
        elif int(fraction * 10) > self.last_decile:
            self.last_decile = int(fraction * 10)
            print(f"replay: {line}", file=self.stream, flush=True)


def make_producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(
        **kafka_python_config(settings.kafka), acks="all", linger_ms=5, client_id=f"{settings.app_id}-replay"
    )


def replay(
    articles: Sequence[Article],
    settings: Settings,
    speed: float | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Produce the articles (already in event-time order) to the raw topic; returns the seconds it took."""
    ensure_topics(settings)
    producer = make_producer(settings)
    offsets = send_offsets(articles, speed)
    started = time.monotonic()
    deliveries = []
    try:
        for index, (article, offset) in enumerate(zip(articles, offsets, strict=True), start=1):
            wait = offset - (time.monotonic() - started)
            if wait > 0:
                sleep(wait)
            delivery = producer.send(
                settings.topic(RAW),
                key=article.id.encode("utf-8"),
                value=article.to_bytes(),
                timestamp_ms=timestamp_ms(article.published_at),
            )
            deliveries.append((article.id, delivery))
            if progress:
                progress.update(index, article.published_at, max(0.0, offsets[-1] - (time.monotonic() - started)))
        producer.flush()
    finally:
        producer.close()
    raise_on_failed_deliveries(deliveries)
    return time.monotonic() - started


class ReplayFailed(RuntimeError):
    """The broker refused some articles (e.g. a timestamp too far in the future for its timestamp limits)."""


def raise_on_failed_deliveries(deliveries) -> None:
    failed = [(article_id, delivery.exception) for article_id, delivery in deliveries if delivery.failed()]
    if failed:
        article_id, error = failed[0]
        raise ReplayFailed(
            f"{len(failed)} of {len(deliveries)} articles were not accepted by the broker; first: {article_id!r}: "
            f"{type(error).__name__}: {error}"
        )


def read_snapshots_from_kafka(settings: Settings, idle_ms: int = 3000) -> list[SituationSnapshot]:
    """Every snapshot still on the (compacted) updates topic, in event-time order."""
    consumer = KafkaConsumer(
        settings.topic(SITUATION_UPDATES),
        **kafka_python_config(settings.kafka),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=idle_ms,
    )
    try:
        snapshots = [SituationSnapshot.model_validate_json(message.value) for message in consumer]
    finally:
        consumer.close()
    return sorted(snapshots, key=lambda s: (s.situation, s.as_of))
