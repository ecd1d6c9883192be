"""Reading a corpus (a JSONL file of Articles, or a directory of .jsonl / .json files) with per-record validation."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from agents.records import DEFAULT_MAX_TEXT_BYTES, Article, InvalidInput, parse_article

CORPUS_SUFFIXES = (".jsonl", ".json")


@dataclass(frozen=True)
class Rejected:
    where: str  # file:line (or file#index for a JSON array)
    reason: str
    detail: str


@dataclass
class Corpus:
    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def per_day(self) -> dict[date, int]:
        counts = Counter(article.published_at.astimezone(UTC).date() for article in self.articles)
        return dict(sorted(counts.items()))


def corpus_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in CORPUS_SUFFIXES)
    if not path.exists():
        raise FileNotFoundError(f"corpus not found: {path}")
    return [path]


def raw_records(path: Path) -> Iterator[tuple[str, bytes]]:
    """(location, raw bytes) of every record in one file; a .json file holds one object or an array of them."""
    if path.suffix == ".json":
        content = path.read_bytes()
        try:
            data = json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            yield str(path), content  # validation reports why, like for any other bad record
            return
        items = data if isinstance(data, list) else [data]
        for index, item in enumerate(items):
            yield f"{path}#{index}", json.dumps(item).encode("utf-8")
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield f"{path}:{number}", line.rstrip(b"\r\n")


def read_corpus(path: Path, max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES) -> Corpus:
    """Validate every record; articles come back in event-time order (published_at, id); a repeated id is rejected."""
    corpus = Corpus()
    seen: set[str] = set()
    for file in corpus_files(path):
        for where, payload in raw_records(file):
            try:
                article = parse_article(payload, max_text_bytes)
            except InvalidInput as error:
                corpus.rejected.append(Rejected(where, error.reason, error.detail))
                continue
            if article.id in seen:
                corpus.rejected.append(Rejected(where, "duplicate_id", f"article id {article.id!r} appears earlier"))
                continue
            seen.add(article.id)
            corpus.articles.append(article)
    corpus.articles.sort(key=event_order)
    return corpus


def event_order(article: Article) -> tuple[datetime, str]:
    return article.published_at, article.id


def select_range(articles: list[Article], since: datetime | None, until: datetime | None) -> list[Article]:
    """Articles with since <= published_at < until (either bound optional)."""
    return [
        article
        for article in articles
        if (since is None or article.published_at >= since) and (until is None or article.published_at < until)
    ]
