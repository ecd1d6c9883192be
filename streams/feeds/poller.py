"""RSS/Atom ingestion (`sitrep ingest feeds FEEDS.yaml`): poll feeds, turn new entries into Articles, produce them.

Per feed: conditional requests (ETag / If-Modified-Since), its own interval, exponential backoff with jitter on
errors. Shared: a per-host concurrency limit, a request timeout and a size cap. An entry is recorded as sent only
after the broker acknowledged it, and the feed's validators are stored only once all its new entries were
acknowledged, so a failed send is retried from a full fetch rather than hidden behind a 304.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import signal
import time
import warnings
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import feedparser
from prometheus_client import start_http_server

from streams.feeds.config import FeedConfig, FeedsConfig, load_config
from streams.feeds.entries import FeedArticle, article_id, entry_article, entry_key
from streams.feeds.metrics import (
    FEED_ENTRIES_SENT,
    FEED_ENTRIES_SKIPPED,
    FEED_ERRORS,
    FEED_FAILURES,
    FEED_LAST_SUCCESS,
    FEED_POLLS,
    REGISTRY,
)
from streams.feeds.state import FeedState, Validators
from streams.replay import make_producer, timestamp_ms
from streams.settings import Settings
from streams.topics import RAW, ensure_topics

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # kafka-python's protocol schemas, as in streams.topics
    from kafka.errors import KafkaError

log = logging.getLogger("sitrep.feeds")

ACCEPT = "application/atom+xml, application/rss+xml, application/rdf+xml, application/xml;q=0.9, */*;q=0.5"


def backoff_delay(interval: float, failures: int, cap: float, rng: random.Random) -> float:
    """Seconds until the next try after `failures` errors in a row: doubling from the interval up to `cap`, with
    "equal jitter" (half fixed, half random) so that feeds failing together do not retry together."""
    ceiling = min(cap, interval * 2 ** min(failures, 30))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class FeedError(Exception):
    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind  # a metric label: one of the kinds listed in sitrep_feed_errors_total


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class FeedSchedule:
    failures: int = 0
    next_due: float = 0.0  # time.monotonic()


def send_confirmed(producer, topic: str, articles: list[FeedArticle], timeout: float) -> list[str]:
    """Produce and wait for the broker's acknowledgements; the ids acknowledged (blocking: run it in a thread)."""
    pending = []
    for item in articles:
        article = item.article
        try:
            future = producer.send(
                topic,
                key=article.id.encode("utf-8"),
                value=item.payload(),
                timestamp_ms=timestamp_ms(article.published_at),
            )
        except KafkaError as error:
            log.warning("article %s not sent: %s", article.id, error)
            continue
        pending.append((article.id, future))
    with suppress(KafkaError):  # whatever did not make it shows in its future below
        producer.flush(timeout=timeout)
    acknowledged = []
    for identifier, future in pending:
        try:
            future.get(timeout=0.1)
            acknowledged.append(identifier)
        except KafkaError as error:
            log.warning("article %s not acknowledged: %s", identifier, error)
    return acknowledged


class FeedPoller:
    """Polls the configured feeds. `poll_once()` polls every feed now (tests, --once); `run()` keeps each feed on its
    own schedule until stopped. Use as an async context manager (HTTP session, Kafka producer)."""

    def __init__(self, config: FeedsConfig, settings: Settings, rng: random.Random | None = None):
        self.config = config
        self.settings = settings
        self.topic = settings.topic(RAW)
        self.state = FeedState.load(config.state_file, config.remember)
        self.rng = rng or random.Random()
        self.schedule = {feed.name: FeedSchedule() for feed in config.feeds}
        self.host_limits: dict[str, asyncio.Semaphore] = {}
        self.in_flight: set[str] = set()  # ids being sent by another feed right now (the same story in two feeds)
        self.session: aiohttp.ClientSession | None = None
        self.producer = None

    async def __aenter__(self) -> FeedPoller:
        await asyncio.to_thread(ensure_topics, self.settings)
        self.producer = await asyncio.to_thread(make_producer, self.settings)
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.config.timeout_seconds),
            headers={"User-Agent": self.config.user_agent},
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.session.close()
        await asyncio.to_thread(self.producer.close, timeout=self.config.timeout_seconds)

    async def poll_once(self) -> dict[str, str]:
        feeds = self.config.feeds
        results = await asyncio.gather(*(self.poll_feed(feed) for feed in feeds))
        return {feed.name: result for feed, result in zip(feeds, results, strict=True)}

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(self.watch(feed, stop) for feed in self.config.feeds))

    async def watch(self, feed: FeedConfig, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.poll_feed(feed)
            delay = self.schedule[feed.name].next_due - time.monotonic()
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, delay))

    async def poll_feed(self, feed: FeedConfig) -> str:
        """One poll: "ok", "not_modified" or "error" (logged and counted; the feed backs off)."""
        schedule = self.schedule[feed.name]
        try:
            result = await self.fetch_and_send(feed)
        except FeedError as error:
            schedule.failures += 1
            delay = backoff_delay(feed.interval_seconds, schedule.failures, self.config.max_backoff_seconds, self.rng)
            schedule.next_due = time.monotonic() + delay
            FEED_POLLS.labels(feed.name, "error").inc()
            FEED_ERRORS.labels(feed.name, error.kind).inc()
            FEED_FAILURES.labels(feed.name).set(schedule.failures)
            log.warning(
                "feed %s: %s error: %s; failure %d in a row, next try in %.0fs",
                feed.name,
                error.kind,
                error,
                schedule.failures,
                delay,
            )
            return "error"
        schedule.failures = 0
        schedule.next_due = time.monotonic() + feed.interval_seconds
        FEED_POLLS.labels(feed.name, result).inc()
        FEED_FAILURES.labels(feed.name).set(0)
        FEED_LAST_SUCCESS.labels(feed.name).set(time.time())
        return result

    async def fetch_and_send(self, feed: FeedConfig) -> str:
        validators = self.state.validators_for(feed.name, feed.url)
        fetched = await self.fetch(feed.url, {"Accept": ACCEPT, **validators.request_headers()})
        if fetched.status == 304:
            log.debug("feed %s: not modified", feed.name)
            return "not_modified"
        parsed = await asyncio.to_thread(
            feedparser.parse,
            io.BytesIO(fetched.body),
            response_headers={"content-type": fetched.headers.get("Content-Type", ""), "content-location": feed.url},
        )
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):  # an HTML page parses without error
            problem = parsed.get("bozo_exception") or "no RSS/Atom/RDF root element"
            raise FeedError("malformed", f"not a readable feed: {problem}")
        if parsed.bozo:
            log.info("feed %s: tolerated a markup problem: %s", feed.name, parsed.get("bozo_exception"))
        articles = await self.new_articles(feed, parsed)
        ids = {item.article.id for item in articles}
        self.in_flight |= ids
        try:
            sent = await asyncio.to_thread(
                send_confirmed, self.producer, self.topic, articles, self.config.timeout_seconds
            )
        finally:
            self.in_flight -= ids
        self.state.mark_sent(sent)
        FEED_ENTRIES_SENT.labels(feed.name).inc(len(sent))
        if len(sent) < len(articles):
            self.state.save()  # keep what did get through; the old validators force a full fetch next time
            raise FeedError("kafka", f"{len(articles) - len(sent)} of {len(articles)} new entries not acknowledged")
        self.state.set_validators(
            feed.name, Validators(feed.url, fetched.headers.get("ETag"), fetched.headers.get("Last-Modified"))
        )
        self.state.save()
        log.info("feed %s: %d entries, %d new sent", feed.name, len(parsed.entries), len(sent))
        return "ok"

    async def new_articles(self, feed: FeedConfig, parsed) -> list[FeedArticle]:
        seen_at = datetime.now(UTC)
        articles, taken = [], set()
        for entry in parsed.entries:
            key = entry_key(entry, feed.url)
            if key is None:
                FEED_ENTRIES_SKIPPED.labels(feed.name, "no_id").inc()
                continue
            id_ = article_id(key)
            if id_ in taken or id_ in self.in_flight or self.state.was_sent(id_):
                continue
            fetched_text = await self.article_text(feed, entry.get("link")) if feed.fetch_article else None
            article = entry_article(entry, id_, feed, parsed.feed, seen_at, self.settings.max_text_bytes, fetched_text)
            if article is None:
                FEED_ENTRIES_SKIPPED.labels(feed.name, "empty_text").inc()
                continue
            taken.add(id_)
            articles.append(article)
        return articles

    async def article_text(self, feed: FeedConfig, url: str | None) -> str | None:
        """The entry page's main text (trafilatura), or None to fall back on the feed's own text."""
        import trafilatura  # only feeds with fetch_article need it

        if not url:
            return None
        try:
            fetched = await self.fetch(url, {"Accept": "text/html,application/xhtml+xml"})
        except FeedError as error:
            FEED_ERRORS.labels(feed.name, "article_fetch").inc()
            log.warning("feed %s: article %s not fetched (%s); using the feed's text", feed.name, url, error)
            return None
        text = await asyncio.to_thread(trafilatura.extract, fetched.body, url=url, include_comments=False)
        if not text:
            FEED_ERRORS.labels(feed.name, "article_extract").inc()
            log.warning("feed %s: no main text found in %s; using the feed's text", feed.name, url)
        return text or None

    def host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        return self.host_limits.setdefault(host, asyncio.Semaphore(self.config.per_host_concurrency))

    async def fetch(self, url: str, headers: Mapping[str, str]) -> Fetched:
        async with self.host_limit(url):
            try:
                async with self.session.get(url, headers=dict(headers)) as response:
                    if response.status == 304:
                        return Fetched(304, response.headers, b"")
                    if response.status >= 400:
                        raise FeedError("http", f"HTTP {response.status} from {url}")
                    return Fetched(response.status, response.headers, await self.read_capped(response, url))
            except TimeoutError:
                raise FeedError("timeout", f"no complete answer from {url} in {self.config.timeout_seconds}s") from None
            except aiohttp.ClientError as error:
                raise FeedError("network", f"{url}: {type(error).__name__}: {error}") from None

    async def read_capped(self, response: aiohttp.ClientResponse, url: str) -> bytes:
        body = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            body += chunk
            if len(body) > self.config.max_bytes:
                raise FeedError("too_large", f"{url} is larger than {self.config.max_bytes} bytes")
        return bytes(body)


def ingest_feeds(config_path: Path, settings: Settings, once: bool = False, metrics_port: int | None = None) -> int:
    """The `sitrep ingest feeds` command: poll until SIGTERM/SIGINT (or one round with `once`)."""
    try:
        config = load_config(config_path)
    except (OSError, ValueError) as error:
        log.error("%s", error)
        return 2
    logging.getLogger("kafka").setLevel(logging.WARNING)  # its connection chatter would drown the feed log lines
    if metrics_port is not None:
        start_http_server(metrics_port, addr="127.0.0.1", registry=REGISTRY)
        log.info("feed metrics on http://127.0.0.1:%d/metrics", metrics_port)
    log.info("watching %d feeds into %s; state in %s", len(config.feeds), settings.topic(RAW), config.state_file)
    return asyncio.run(poll_feeds(config, settings, once))


async def poll_feeds(config: FeedsConfig, settings: Settings, once: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with FeedPoller(config, settings) as poller:
        if once:
            results = await poller.poll_once()
            return 0 if "error" not in results.values() else 1
        await poller.run(stop)
    log.info("stopped; state saved in %s", config.state_file)
    return 0
