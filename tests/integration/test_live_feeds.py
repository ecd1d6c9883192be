"""Live feeds of a real worker: SSE clients follow a replay through the broker; clean disconnects; token enforced."""

import asyncio
import json
import time

import aiohttp
import pytest

from streams.corpus import read_corpus
from streams.live import read_events, transition
from streams.replay import replay
from tests.integration.harness import SHARED, Worker, read_topic

pytestmark = pytest.mark.integration
TOKEN = "live-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def follow(session: aiohttp.ClientSession, url: str, events: list, headers: dict | None = None) -> None:
    async with session.get(url, headers=headers) as response:
        assert response.status == 200 and response.content_type == "text/event-stream"
        async for event in read_events(response.content):
            events.append(event)


async def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


@pytest.fixture
def worker(namespace):
    worker = Worker(namespace, SITREP_FEED_TOKEN=TOKEN, SITREP_SSE_HEARTBEAT_SECONDS="0.5").start()
    yield worker
    worker.stop()


async def status(session: aiohttp.ClientSession, url: str, **request) -> int:
    async with session.get(url, **request) as response:
        return response.status


async def test_sse_clients_receive_the_claims_and_snapshots_of_a_replay(namespace, worker):
    settings = namespace.settings()
    articles = read_corpus(SHARED / "corpus" / "seeds.jsonl", settings.max_text_bytes).articles
    claims, snapshots, escalations = [], [], []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_read=30)) as session:
        assert await status(session, worker.url("/feeds/claims")) == 401
        assert await status(session, worker.url("/feeds/claims"), headers={"Authorization": "Bearer wrong"}) == 401
        assert await status(session, worker.url("/feeds/situations?token=wrong")) == 401
        assert await status(session, worker.url(f"/feeds/claims?token={TOKEN}&min_weight=lots")) == 400
        followers = [
            asyncio.create_task(follow(session, worker.url("/feeds/claims"), claims, AUTH)),
            asyncio.create_task(follow(session, worker.url(f"/feeds/situations?token={TOKEN}"), snapshots)),
            asyncio.create_task(follow(session, worker.url("/feeds/claims?signal=escalation"), escalations, AUTH)),
        ]
        await wait_until(lambda: worker.metric("sitrep_sse_clients") == 3, 30, "three connected clients")

        await asyncio.to_thread(replay, articles, settings)
        enriched = [json.loads(m.value) for m in read_topic(namespace.topic("articles.enriched"), len(articles))]
        updates = [json.loads(m.value) for m in read_topic(namespace.topic("situation.updates"), 1)]
        expected_claims = {claim["claim_id"] for article in enriched for claim in article["claims"]}
        assert expected_claims and updates, "the pipeline produced no claims or no snapshots to stream"
        await wait_until(
            lambda: len(claims) >= len(expected_claims) and len(snapshots) >= len(updates), 60, "all live events"
        )
        await asyncio.sleep(1)  # nothing more may arrive
        for follower in followers:
            follower.cancel()
        await asyncio.gather(*followers, return_exceptions=True)

    await wait_until(lambda: worker.metric("sitrep_sse_clients") == 0, 30, "the clients to be gone")
    assert {kind for kind, _ in claims} == {"claim"} and {kind for kind, _ in snapshots} == {"snapshot"}
    assert sorted(data["claim_id"] for _, data in claims) == sorted(expected_claims)
    by_article = {article["article_id"]: article for article in enriched}
    for _, data in claims:
        assert data["outlet"] == by_article[data["article_id"]]["outlet"]  # the source travels with the claim
        assert {"speaker_text", "speaker_actor", "signal", "content", "situations"} <= data.keys()
    assert sorted(data["claim_id"] for _, data in escalations) == sorted(
        data["claim_id"] for _, data in claims if data["signal"] == "escalation"
    )
    assert [data["as_of"] for _, data in snapshots] == [update["as_of"] for update in updates]
    previous: dict[str, str] = {}
    for _, data in snapshots:
        assert data["transition"] == transition(previous.get(data["situation"]), data["alert_level"])
        previous[data["situation"]] = data["alert_level"]
    assert worker.metric("sitrep_sse_events_total") >= len(claims) + len(snapshots)
