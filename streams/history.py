"""Durable history: every SituationSnapshot and every claim in SQL, for the query API and `sitrep export`.

Kafka stays the source of truth; this is a view of it that outlives the compacted updates topic and worker restarts.
An SQLite file under SITREP_DATA_DIR by default (no server), PostgreSQL when SITREP_HISTORY_URL says so. Writes are
idempotent: a snapshot is keyed by its situation and the article whose counting produced it, a claim by its id, and
rows go in with ON CONFLICT DO NOTHING, so a redelivery, a restart or a second worker never writes a row twice.
No Faust here: the sink agent (streams/worker/history_sink.py) and the CLI call these functions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agents.records import EnrichedArticle, SituationSnapshot
from streams.settings import Settings

SQLITE_FILE = "history.sqlite3"
MAX_PAGE = 1000

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS snapshots (
        situation TEXT NOT NULL,
        snapshot_key TEXT NOT NULL,
        as_of_us BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (situation, snapshot_key))""",
    "CREATE INDEX IF NOT EXISTS snapshots_by_time ON snapshots (situation, as_of_us, snapshot_key)",
    """CREATE TABLE IF NOT EXISTS claims (
        claim_id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL,
        outlet TEXT,
        published_at_us BIGINT NOT NULL,
        signal TEXT NOT NULL,
        body TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS claims_by_time ON claims (published_at_us, claim_id)",
    """CREATE TABLE IF NOT EXISTS claim_situations (
        situation TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        published_at_us BIGINT NOT NULL,
        PRIMARY KEY (situation, claim_id))""",
    "CREATE INDEX IF NOT EXISTS claim_situations_by_time ON claim_situations (situation, published_at_us, claim_id)",
)


class BadQuery(ValueError):
    """A query parameter the store cannot use; the message is the one-line reason given to the caller."""


def parse_time(params: Mapping[str, str], name: str) -> datetime | None:
    """An event-time bound from query parameters (ISO-8601, "Z" accepted; the offset is checked by Query), or None."""
    value = params.get(name)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{name} is not an ISO-8601 time: {value!r}") from None


def micros(moment: datetime) -> int:
    """Event time as integer microseconds since the epoch: exact, ordered and the same type in both databases."""
    return round(moment.timestamp() * 1_000_000)


def snapshot_key(snapshot: SituationSnapshot) -> str:
    """The counted article, or (snapshots written before that field existed) a digest of the snapshot itself."""
    return snapshot.counted_article_id or "sha1:" + hashlib.sha1(snapshot.to_bytes()).hexdigest()


def encode_cursor(position: tuple[int, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(position)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        moment, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(moment, int) and isinstance(key, str):
            return moment, key
    except (binascii.Error, ValueError, TypeError):
        pass
    raise BadQuery("cursor is not one this server gave out")


@dataclass(frozen=True)
class Query:
    """A page request: event-time range [since, until), page size, and where the previous page ended."""

    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE:
            raise BadQuery(f"limit must be between 1 and {MAX_PAGE}")
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise BadQuery(f"{name} needs a timezone offset, e.g. 2022-02-14T00:00:00Z")

    def conditions(self, time_column: str, key_column: str) -> tuple[list[str], list]:
        clauses, params = [], []
        if self.since is not None:
            clauses.append(f"{time_column} >= ?")
            params.append(micros(self.since))
        if self.until is not None:
            clauses.append(f"{time_column} < ?")
            params.append(micros(self.until))
        if self.cursor:
            clauses.append(f"({time_column}, {key_column}) > (?, ?)")
            params.extend(decode_cursor(self.cursor))
        return clauses, params


@dataclass(frozen=True)
class Page:
    items: list[str]  # each item's JSON, as stored
    next_cursor: str | None

    def to_json(self) -> str:
        """The response body, built from the stored JSON without parsing it again."""
        return f'{{"items": [{", ".join(self.items)}], "next_cursor": {json.dumps(self.next_cursor)}}}'


class HistoryStore:
    """One connection, used under a lock: the worker calls it from a thread (asyncio.to_thread), the CLI directly."""

    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        if url.startswith(("postgresql://", "postgres://")):
            import psycopg  # only a PostgreSQL store needs it

            self.connection = psycopg.connect(url, autocommit=False)
            self.placeholder = "%s"
            self.initialise(lock_statement="SELECT pg_advisory_xact_lock(7217)")  # workers starting together
        elif url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self.connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            self.placeholder = "?"
            self.initialise()
        else:
            raise BadQuery(f"history store URL must start with sqlite:/// or postgresql://, got {url!r}")

    @classmethod
    def from_settings(cls, settings: Settings) -> HistoryStore:
        return cls(settings.history_url or f"sqlite:///{settings.data_dir / SQLITE_FILE}")

    def initialise(self, lock_statement: str | None = None) -> None:
        with self.lock:
            cursor = self.connection.cursor()
            if lock_statement:
                cursor.execute(lock_statement)
            for statement in SCHEMA:
                cursor.execute(statement)
            self.connection.commit()

    def sql(self, statement: str) -> str:
        return statement.replace("?", self.placeholder)

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> int:
        """Insert rows that are not there yet; returns how many were new."""
        if not rows:
            return 0
        marks = ", ".join("?" * len(columns))
        statement = self.sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT DO NOTHING")
        with self.lock:
            cursor = self.connection.cursor()
            try:
                cursor.executemany(statement, rows)
                self.connection.commit()
            except BaseException:
                self.connection.rollback()
                raise
            return cursor.rowcount

    def write_snapshots(self, snapshots: Iterable[SituationSnapshot]) -> int:
        rows = [(s.situation, snapshot_key(s), micros(s.as_of), s.model_dump_json()) for s in snapshots]
        return self.insert("snapshots", ("situation", "snapshot_key", "as_of_us", "body"), rows)

    def write_claims(self, articles: Iterable[EnrichedArticle]) -> int:
        claims, memberships = [], []
        for article in articles:
            published = micros(article.published_at)
            for claim in article.claims_in_context():
                claims.append(
                    (
                        claim["claim_id"],
                        article.article_id,
                        article.outlet,
                        published,
                        claim["signal"],
                        json.dumps(claim),
                    )
                )
                memberships.extend((situation, claim["claim_id"], published) for situation in article.situations)
        self.insert("claim_situations", ("situation", "claim_id", "published_at_us"), memberships)
        return self.insert("claims", ("claim_id", "article_id", "outlet", "published_at_us", "signal", "body"), claims)

    def page(self, statement: str, params: list, limit: int) -> Page:
        with self.lock:
            cursor = self.connection.cursor()
            rows = cursor.execute(self.sql(statement), [*params, limit + 1]).fetchall()
            self.connection.rollback()  # end the read transaction (PostgreSQL would hold its snapshot)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor((rows[-1][0], rows[-1][1])) if more else None
        return Page([row[2] for row in rows], next_cursor)

    def snapshot_page(self, situation: str, query: Query) -> Page:
        """Snapshots of a situation ordered by (as_of, key): every snapshot exactly once across the pages."""
        clauses, params = query.conditions("as_of_us", "snapshot_key")
        where = " AND ".join(["situation = ?", *clauses])
        statement = (
            f"SELECT as_of_us, snapshot_key, body FROM snapshots WHERE {where} ORDER BY as_of_us, snapshot_key LIMIT ?"
        )
        return self.page(statement, [situation, *params], query.limit)

    def claim_page(self, query: Query, situation: str | None = None, signal: str | None = None) -> Page:
        """Claims ordered by (published_at, claim id), optionally of one situation and one signal."""
        clauses, params = query.conditions("c.published_at_us", "c.claim_id")
        source = "claims c"
        if situation is not None:
            source += " JOIN claim_situations s ON s.claim_id = c.claim_id AND s.situation = ?"
            params.insert(0, situation)
        if signal is not None:
            clauses.append("c.signal = ?")
            params.append(signal)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        statement = (
            f"SELECT c.published_at_us, c.claim_id, c.body FROM {source} {where} "
            "ORDER BY c.published_at_us, c.claim_id LIMIT ?"
        )
        return self.page(statement, params, query.limit)

    def close(self) -> None:
        with self.lock:
            self.connection.close()


def all_items(fetch_page, query: Query) -> Iterator[dict]:
    """Every item of a paged query, page by page (fetch_page: Query -> Page), parsed."""
    while True:
        page = fetch_page(query)
        for item in page.items:
            yield json.loads(item)
        if page.next_cursor is None:
            return
        query = Query(query.since, query.until, query.limit, page.next_cursor)
