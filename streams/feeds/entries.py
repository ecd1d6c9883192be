"""Feed entries to Articles (pure): HTML to text, identity, time, language, size cap."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urlsplit

from agents.records import Article
from streams.feeds.config import FeedConfig

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment: one paragraph per block element, blank lines between them."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return normalise_paragraphs("".join(collector.parts))


def normalise_paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def entry_key(entry: Mapping, feed_url: str) -> str | None:
    """What identifies an entry: its id when globally unique (URL, urn:, tag:), else the id within its feed, else
    its link. None when it has neither."""
    guid = (entry.get("id") or "").strip()
    if guid:
        return guid if ":" in guid else f"{feed_url}#{guid}"
    return (entry.get("link") or "").strip() or None


def article_id(key: str) -> str:
    return "feed-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def entry_time(entry: Mapping) -> datetime | None:
    """published, else updated (feedparser normalises both to UTC)."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def entry_text(entry: Mapping) -> str:
    """The longest content body, else the summary, as plain text."""
    bodies = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if bodies:
        body = max(bodies, key=lambda c: len(c["value"]))
        value, kind = body["value"], body.get("type", "text/html")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    return normalise_paragraphs(value) if kind == "text/plain" else html_to_text(value)


def primary_language(code: str | None) -> str | None:
    return code.split("-")[0].split("_")[0].lower() if code else None


def truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    return text if len(encoded) <= max_bytes else encoded[:max_bytes].decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class FeedArticle:
    """An Article ready to send, with where its published_at came from (sent along as an extra field)."""

    article: Article
    published_at_source: Literal["feed", "first_seen"]
    feed: str

    def payload(self) -> bytes:
        data = {
            **self.article.model_dump(mode="json"),
            "feed": self.feed,
            "published_at_source": self.published_at_source,
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


def entry_article(
    entry: Mapping,
    identifier: str,
    feed: FeedConfig,
    channel: Mapping,
    seen_at: datetime,
    max_text_bytes: int,
    fetched_text: str | None = None,
) -> FeedArticle | None:
    """The Article of a feed entry; None when it has no text. published_at falls back to the time first seen."""
    text = truncate_utf8(fetched_text or entry_text(entry), max_text_bytes)
    if not text.strip():
        return None
    published = entry_time(entry)
    article = Article(
        id=identifier,
        url=entry.get("link") or None,
        outlet=feed.outlet or (channel.get("title") or "").strip() or urlsplit(feed.url).netloc,
        published_at=published or seen_at,
        title=html_to_text(entry.get("title") or "") or None,
        text=text,
        language=feed.language or primary_language(channel.get("language")) or "en",
    )
    return FeedArticle(article, "feed" if published else "first_seen", feed.name)
