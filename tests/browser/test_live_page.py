"""The /live page in a real headless Chromium, driven over the DevTools protocol.

The page is served with the production SSE handler (streams.worker.web.stream_events) and a LiveHub the test
publishes to; --dump-dom cannot be used because its virtual-time budget never elapses while an EventSource is open.
"""

import asyncio
import base64
import json
import shutil
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from agents.records import Claim, Driver, SituationSnapshot
from streams.corpus import read_corpus
from streams.live import LiveHub, transition
from streams.replay import replay
from streams.worker.web import LIVE_PAGE, authorised, stream_events, unauthorised
from tests.integration.harness import ROOT, SHARED, Worker, free_port, read_topic

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
SCREENSHOTS = ROOT / ".cache" / "browser"
TOKEN = "s3cret"

SNAPSHOT = SituationSnapshot(
    situation="russia-ukraine",
    as_of="2022-02-14T10:00:00+00:00",
    escalation_index=41.5,
    balance=0.3,
    escalation_weight=6.0,
    deescalation_weight=3.2,
    articles=3,
    sources=2,
    claims=7,
    alert_level="amber",
    trend=4.0,
    drivers=[
        Driver(
            claim_id="c1",
            article_id="a1",
            outlet="Wire",
            speaker_actor="USA_GOV",
            content="an invasion could begin at any time",
            signal="escalation",
            weight=3.5,
        )
    ],
)


def claim(n: int, content: str, signal: str, speaker: str | None) -> dict:
    record = Claim(
        claim_id=f"c{n}",
        article_id=f"a{n}",
        speaker_text=speaker,
        content=content,
        start=0,
        end=len(content),
        kind="direct_quote" if speaker else "assertion",
        signal=signal,
        weight=2.0,
    )
    context = {"outlet": "Border Wire", "published_at": "2022-02-15T09:00:00+00:00", "situations": ["russia-ukraine"]}
    return {**record.model_dump(mode="json"), **context}


async def serve(hub: LiveHub, latest: dict) -> tuple[web.AppRunner, int]:
    async def page(request):
        return web.Response(text=LIVE_PAGE.read_text(encoding="utf-8"), content_type="text/html")

    async def situations(request):
        return web.json_response({"situations": [latest[key] for key in sorted(latest)]})

    def feed(stream):
        async def handler(request):
            if not authorised(request, TOKEN):
                return unauthorised()
            return await stream_events(request, hub, stream, heartbeat=1.0)

        return handler

    app = web.Application()
    app.add_routes(
        [
            web.get("/live", page),
            web.get("/situations", situations),
            web.get("/feeds/claims", feed("claims")),
            web.get("/feeds/situations", feed("situations")),
        ]
    )
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


class DevTools:
    """The few DevTools protocol calls the test needs, over one page's websocket."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse):
        self.socket = socket
        self.next_id = 0

    async def call(self, method: str, **params) -> dict:
        self.next_id += 1
        await self.socket.send_json({"id": self.next_id, "method": method, "params": params})
        async for message in self.socket:
            reply = json.loads(message.data)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
        raise RuntimeError("DevTools connection closed")

    async def evaluate(self, expression: str):
        return (await self.call("Runtime.evaluate", expression=expression, returnByValue=True))["result"]["value"]

    async def wait_for(self, condition: str, timeout_ms: int = 15000):
        """Resolve when the JavaScript `condition` holds in the page (checked every 50 ms)."""
        script = (
            "new Promise((resolve, reject) => { const started = Date.now(); const check = () => {"
            f" if ({condition}) resolve(true); else if (Date.now() - started > {timeout_ms}) reject('timed out');"
            " else setTimeout(check, 50); }; check(); })"
        )
        result = await self.call("Runtime.evaluate", expression=script, awaitPromise=True)
        assert "exceptionDetails" not in result, f"page never satisfied: {condition}"


async def start_chromium(profile: str) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1280,900", f"--remote-debugging-port={port}", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    return process, port


async def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


async def page_socket(session: aiohttp.ClientSession, port: int) -> str:
    for _ in range(200):
        try:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
                pages = [target for target in await response.json() if target["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError("chromium's DevTools endpoint never came up")


@asynccontextmanager
async def browser_page():
    """A fresh headless Chromium (own profile) and DevTools on its first page; killed and removed afterwards."""
    profile = tempfile.mkdtemp(prefix="sitrep-chromium-")
    process, devtools_port = await start_chromium(profile)
    try:
        async with aiohttp.ClientSession() as session:
            page = await page_socket(session, devtools_port)
            async with session.ws_connect(page, max_msg_size=0) as socket:
                yield DevTools(socket)
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        shutil.rmtree(profile, ignore_errors=True)


async def screenshot(browser: DevTools, path: Path) -> None:
    shot = await browser.call("Page.captureScreenshot", format="png")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


async def test_live_page_shows_snapshots_and_claims_as_they_stream_in():
    hub = LiveHub()
    latest = {SNAPSHOT.situation: SNAPSHOT.model_dump(mode="json")}
    runner, port = await serve(hub, latest)
    try:
        assert await status(f"http://127.0.0.1:{port}/feeds/claims") == 401  # the page gets in through its ?token=
        async with browser_page() as browser:
            await browser.call("Page.navigate", url=f"http://127.0.0.1:{port}/live?token={TOKEN}")
            await browser.wait_for("document.querySelector('#situation-russia-ukraine') !== null")
            await browser.wait_for("document.querySelectorAll('.status.open').length === 2")
            assert len(hub.subscribers) == 2

            red = SNAPSHOT.model_copy(update={"escalation_index": 63.0, "alert_level": "red", "sources": 3})
            level_change = transition(latest[SNAPSHOT.situation]["alert_level"], red.alert_level)
            hub.publish("situations", "snapshot", {**red.model_dump(mode="json"), "transition": level_change})
            hub.publish("claims", "claim", claim(1, "we will respond with force", "escalation", "a spokesman"))
            hub.publish("claims", "claim", claim(2, "talks will continue", "de-escalation", None))
            hub.publish("claims", "claim", claim(3, "<b>markup</b> stays text", "neutral", "Mr Smith"))
            await browser.wait_for("document.querySelectorAll('#claims li.claim').length === 3")
            await browser.wait_for("document.querySelector('#situation-russia-ukraine').dataset.level === 'red'")

            html = await browser.evaluate("document.documentElement.outerHTML")
            text = await browser.evaluate("document.body.innerText")
            claims_text = await browser.evaluate("document.getElementById('claims').innerText")
            await screenshot(browser, SCREENSHOTS / "live.png")
    finally:
        await runner.cleanup()

    assert "63.0" in text and "alert amber → red" in text and "3 sources" in text
    assert "an invasion could begin at any time" in text  # the snapshot's top driver
    assert claims_text.index("markup") < claims_text.index("talks will continue") < claims_text.index("respond")
    assert "a spokesman" in claims_text and "Border Wire" in claims_text and "3 claims" in text
    assert "&lt;b&gt;markup&lt;/b&gt; stays text" in html and "<b>markup</b>" not in html  # news text is never markup
    assert (SCREENSHOTS / "live.png").stat().st_size > 10_000


@pytest.mark.integration
async def test_live_page_of_a_real_worker_during_a_replay(namespace):
    """The page served by a real worker: the snapshot already there at load, then the claims of a replay."""
    settings = namespace.settings()
    articles = read_corpus(SHARED / "corpus" / "seeds.jsonl", settings.max_text_bytes).articles
    before, during = articles[:2], articles[2:]
    worker = Worker(namespace, SITREP_FEED_TOKEN=TOKEN).start()
    try:
        await asyncio.to_thread(replay, before, settings)
        await wait_until(lambda: '"situation"' in worker.get("/situations"), "a first snapshot")
        latest = json.loads(worker.get("/situations"))["situations"][0]
        async with browser_page() as browser:
            await browser.call("Page.navigate", url=worker.url(f"/live?token={TOKEN}"))
            await browser.wait_for(f"document.querySelector('#situation-{latest['situation']}') !== null")
            await browser.wait_for("document.querySelectorAll('.status.open').length === 2")
            await asyncio.to_thread(replay, during, settings)
            enriched = await asyncio.to_thread(read_topic, namespace.topic("articles.enriched"), len(articles))
            ids = {article.id for article in during}
            expected = [c for m in enriched if m.key.decode() in ids for c in json.loads(m.value)["claims"]]
            assert expected, "the replayed articles produced no claims"
            await browser.wait_for(f"document.querySelectorAll('#claims li.claim').length === {len(expected)}", 60000)
            text = await browser.evaluate("document.body.innerText")
            await screenshot(browser, SCREENSHOTS / "live-worker.png")
        final = json.loads(worker.get("/situations"))["situations"][0]
    finally:
        worker.stop()
    assert f"{len(expected)} claims" in text
    assert f"{final['escalation_index']:.1f}" in text and final["alert_level"] in text.lower()
    assert all(" ".join(claim["content"].split())[:40] in " ".join(text.split()) for claim in expected)
