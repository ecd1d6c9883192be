"""Feed ingestion against a real broker: RSS and Atom fixtures served on loopback change between polls."""

import hashlib
import json
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agents.records import Article
from streams.feeds.config import FeedsConfig
from streams.feeds.metrics import REGISTRY
from streams.feeds.poller import FeedPoller
from streams.settings import Settings
from tests.integration.harness import free_port, read_topic

pytestmark = pytest.mark.integration


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title><link>http://wire.test/{guid}</link>"
        f"<pubDate>Mon, 14 Feb 2022 {10 + n:02d}:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{title}: troops moved near the border.&lt;/p&gt;</description></item>"
        for n, (guid, title) in enumerate(items)
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>{body}</channel></rss>".encode()


def atom(entries: list[tuple[str, str]], link_base: str = "http://desk.test") -> bytes:
    body = "".join(
        f"<entry><id>tag:desk.test,2022:{eid}</id><title>{title}</title><link href='{link_base}/{eid}.html'/>"
        + ("" if eid == "undated" else "<updated>2022-02-15T08:00:00Z</updated>")
        + f"<summary>{title}: talks will continue, the ministry said.</summary></entry>"
        for eid, title in entries
    )
    return f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>Desk</title>{body}</feed>".encode()


ARTICLE_PAGE = (
    "<html><head><title>Talks</title></head><body><nav>Home | World | Sport</nav><article><h1>Talks go on</h1>"
    + "".join(
        f"<p>Paragraph {n} of the full report: the foreign minister said negotiations with the delegation would "
        f"continue next week in the capital, according to officials familiar with the talks.</p>"
        for n in range(6)
    )
    + "</article><footer>Copyright and cookie notices</footer></body></html>"
).encode()


class FeedServer:
    """Serves mutable documents; honours If-None-Match (ETag) and If-Modified-Since (exact match) when allowed."""

    def __init__(self):
        self.documents: dict[str, tuple[bytes, str]] = {}  # path -> (body, content type)
        self.versions: dict[str, str] = {}  # path -> Last-Modified of the current body
        self.honour_conditionals = True
        self.requests: Counter = Counter()
        self.not_modified: Counter = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                server.requests[self.path] += 1
                if self.path not in server.documents:
                    self.send_error(404)
                    return
                body, content_type = server.documents[self.path]
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                modified = server.versions[self.path]
                conditional = self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-Modified-Since") == modified
                )
                if conditional and server.honour_conditionals:
                    server.not_modified[self.path] += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if self.path.startswith("/rss"):
                    self.send_header("ETag", etag)
                else:
                    self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, path: str, body: bytes, content_type: str = "application/xml", version: int = 0) -> None:
        self.documents[path] = (body, content_type)
        self.versions[path] = formatdate(1_644_800_000 + version * 3600, usegmt=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def settings_for(namespace) -> Settings:
    return namespace.settings()


async def poll(config: FeedsConfig, settings: Settings) -> dict[str, str]:
    """One round with a fresh poller, as a restarted `sitrep ingest feeds --once` would do."""
    async with FeedPoller(config, settings) as poller:
        return await poller.poll_once()


async def test_new_entries_reach_the_raw_topic_exactly_once_across_changes_errors_and_restarts(namespace, tmp_path):
    settings = settings_for(namespace)
    feeds = ["rss", "atom", "broken", "dead"]
    with FeedServer() as server:
        server.publish("/rss.xml", rss([("r1", "Convoy seen"), ("r2", "Drills extended")]))
        server.publish("/atom.xml", atom([("a1", "Talks planned"), ("undated", "Envoy arrives")]))
        server.publish("/broken.xml", b"<html><body><p>Service unavailable</p></body></html>", "text/html")
        urls = {
            "rss": f"{server.url}/rss.xml",
            "atom": f"{server.url}/atom.xml",
            "broken": f"{server.url}/broken.xml",
            "dead": f"http://127.0.0.1:{free_port()}/feed.xml",  # nothing listens there
        }
        config = FeedsConfig(
            state_file=tmp_path / "state.json",
            timeout_seconds=5,
            feeds=[{"name": f"{namespace.name}-{feed}", "url": urls[feed]} for feed in feeds],
        )
        name = {feed: f"{namespace.name}-{feed}" for feed in feeds}

        first = await poll(config, settings)
        assert [first[name[feed]] for feed in feeds] == ["ok", "ok", "error", "error"]

        unchanged = await poll(config, settings)  # a restart: validators come from the state file
        assert unchanged[name["rss"]] == unchanged[name["atom"]] == "not_modified"
        assert server.not_modified["/rss.xml"] == server.not_modified["/atom.xml"] == 1

        server.publish("/rss.xml", rss([("r3", "Bridge closed"), ("r1", "Convoy seen"), ("r2", "Drills extended")]))
        server.publish("/atom.xml", atom([("a2", "Ceasefire talks"), ("a1", "Talks planned")]), version=1)
        changed = await poll(config, settings)
        assert changed[name["rss"]] == changed[name["atom"]] == "ok"

        server.honour_conditionals = False  # full documents again: only the sent-id memory prevents resending
        again = await poll(config, settings)
        assert again[name["rss"]] == again[name["atom"]] == "ok"

    messages = read_topic(namespace.topic("articles.raw"), expected=6, idle=2)
    payloads = [json.loads(message.value) for message in messages]
    articles = [Article.model_validate(payload) for payload in payloads]
    assert len(messages) == 6
    assert len({article.id for article in articles}) == 6
    assert sorted(article.title for article in articles) == sorted(
        ["Convoy seen", "Drills extended", "Bridge closed", "Talks planned", "Envoy arrives", "Ceasefire talks"]
    )
    for message, article, payload in zip(messages, articles, payloads, strict=True):
        assert message.key.decode() == article.id
        assert "<" not in article.text
        if payload["published_at_source"] == "feed":
            assert message.timestamp == int(article.published_at.timestamp() * 1000)
    undated = [payload for payload in payloads if payload["title"] == "Envoy arrives"]
    assert undated[0]["published_at_source"] == "first_seen"

    assert sample("sitrep_feed_entries_sent_total", feed=name["rss"]) == 3
    assert sample("sitrep_feed_entries_sent_total", feed=name["atom"]) == 3
    assert sample("sitrep_feed_polls_total", feed=name["rss"], result="not_modified") == 1
    assert sample("sitrep_feed_polls_total", feed=name["broken"], result="error") == 4
    assert sample("sitrep_feed_errors_total", feed=name["broken"], kind="malformed") == 4
    assert sample("sitrep_feed_errors_total", feed=name["dead"], kind="network") == 4
    assert sample("sitrep_feed_consecutive_failures", feed=name["dead"]) == 1  # each restart begins a new count
    assert sample("sitrep_feed_last_success_timestamp_seconds", feed=name["rss"]) > 0
    assert sample("sitrep_feed_last_success_timestamp_seconds", feed=name["dead"]) == 0


async def test_fetch_article_extracts_the_page_text_and_backs_off_a_failing_feed(namespace, tmp_path):
    settings = settings_for(namespace)
    with FeedServer() as server:
        server.publish("/atom.xml", atom([("talks", "Talks go on"), ("gone", "Missing page")], server.url))
        server.publish("/talks.html", ARTICLE_PAGE, "text/html; charset=utf-8")
        feed = f"{namespace.name}-pages"
        config = FeedsConfig(
            state_file=tmp_path / "state.json",
            feeds=[{"name": feed, "url": f"{server.url}/atom.xml", "fetch_article": True, "interval_seconds": 60}],
        )
        async with FeedPoller(config, settings) as poller:
            assert await poller.poll_once() == {feed: "ok"}
            server.publish("/atom.xml", b"garbage <<<")
            server.honour_conditionals = False
            assert await poller.poll_once() == {feed: "error"}
            assert await poller.poll_once() == {feed: "error"}
            assert poller.schedule[feed].failures == 2

    messages = read_topic(namespace.topic("articles.raw"), expected=2, idle=2)
    texts = {json.loads(m.value)["title"]: json.loads(m.value)["text"] for m in messages}
    assert len(messages) == 2
    assert "Paragraph 5 of the full report" in texts["Talks go on"]
    assert "cookie" not in texts["Talks go on"] and "Sport" not in texts["Talks go on"]
    assert texts["Missing page"] == "Missing page: talks will continue, the ministry said."  # the feed's own text
    assert sample("sitrep_feed_errors_total", feed=feed, kind="article_fetch") == 1
    assert sample("sitrep_feed_errors_total", feed=feed, kind="malformed") == 2
