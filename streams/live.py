"""Live streams (the worker's /feeds/* URLs): a broadcast hub for server-sent events (new claims, snapshot changes)
with per-client filters.

Each client gets a bounded queue: a slow client loses its oldest events (counted), never slows the pipeline.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field

from streams.metrics import SSE_CLIENTS, SSE_DROPPED, SSE_EVENTS

STREAMS = ("claims", "situations")


@dataclass(frozen=True)
class Filters:
    situation: str | None = None
    signal: str | None = None
    min_weight: float = 0.0

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        return cls(query.get("situation") or None, query.get("signal") or None, float(query.get("min_weight", 0)))

    def accepts(self, data: Mapping) -> bool:
        situations = data.get("situations") or [data.get("situation")]
        if self.situation and self.situation not in situations:
            return False
        if self.signal and data.get("signal", self.signal) != self.signal:
            return False
        return abs(float(data.get("weight", self.min_weight) or 0)) >= self.min_weight


def sse_event(kind: str, data: Mapping, event_id: int) -> bytes:
    return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


@dataclass(eq=False)  # identity semantics: a subscriber is one connection
class Subscriber:
    stream: str
    filters: Filters
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=1000))

    def offer(self, message: bytes | None) -> None:
        """Queue an event (None: the end of the stream); when full, the oldest event makes room."""
        if self.queue.full():
            self.queue.get_nowait()
            SSE_DROPPED.labels(self.stream).inc()
        self.queue.put_nowait(message)


class LiveHub:
    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.next_id = 0
        for stream in STREAMS:  # export every series from the start, at 0
            SSE_CLIENTS.labels(stream)
            SSE_EVENTS.labels(stream)
            SSE_DROPPED.labels(stream)

    def publish(self, stream: str, kind: str, data: Mapping) -> None:
        self.next_id += 1
        SSE_EVENTS.labels(stream).inc()
        message = None
        for subscriber in self.subscribers:
            if subscriber.stream == stream and subscriber.filters.accepts(data):
                message = message or sse_event(kind, data, self.next_id)
                subscriber.offer(message)

    def subscribe(self, stream: str, filters: Filters) -> Subscriber:
        subscriber = Subscriber(stream, filters)
        self.subscribers.add(subscriber)
        SSE_CLIENTS.labels(stream).inc()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.subscribers:
            self.subscribers.discard(subscriber)
            SSE_CLIENTS.labels(subscriber.stream).dec()

    def close(self) -> None:
        """End every open stream (the web server is shutting down and waits for its handlers)."""
        for subscriber in self.subscribers:
            subscriber.offer(None)


def transition(previous_level: str | None, level: str) -> dict[str, str] | None:
    """The alert-level change a snapshot brings, flagged in the situations stream."""
    if previous_level is None or previous_level == level:
        return None
    return {"from": previous_level, "to": level}


async def read_events(lines: AsyncIterator[bytes]) -> AsyncIterator[tuple[str, dict]]:
    """(event, data) pairs from a server-sent-event byte stream, for scripts following the feeds; comments skipped.

    `lines` is e.g. aiohttp's `response.content`; only the fields the live feeds send (event, data) are read.
    """
    kind, data = "message", []
    async for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield kind, json.loads("\n".join(data))
            kind, data = "message", []
        elif line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
