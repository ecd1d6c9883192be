"""The history store on SQLite and on a real PostgreSQL server (Debian's package, started and stopped here)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from agents.records import Claim, EnrichedArticle, SituationSnapshot
from streams.history import BadQuery, HistoryStore, Query, all_items
from tests.postgres import PostgresServer

T0 = datetime(2022, 2, 14, tzinfo=UTC)


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite3'}"
    import psycopg

    server = request.getfixturevalue("postgres")
    database = f"t{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {database}")
    return server.url.rsplit("/", 1)[0] + f"/{database}"


@pytest.fixture
def store(store_url):
    history = HistoryStore(store_url)
    yield history
    history.close()


def snapshot(article: int, hours: float, situation: str = "russia-ukraine") -> SituationSnapshot:
    return SituationSnapshot(
        situation=situation,
        as_of=T0 + timedelta(hours=hours),
        escalation_index=article % 100,
        balance=0.0,
        escalation_weight=1.0,
        deescalation_weight=0.0,
        windows={"6h": {"escalation_index": 1.0}, "7d": {"escalation_index": 2.0}},
        counted_article_id=f"a{article:03d}",
    )


def article(number: int, hours: float, signals: list[str], situations: list[str]) -> EnrichedArticle:
    article_id = f"a{number:03d}"
    claims = [
        Claim(
            claim_id=f"{article_id}:{i}",
            article_id=article_id,
            content=f"claim {i}",
            start=i,
            end=i + 1,
            kind="assertion",
            signal=signal,
        )
        for i, signal in enumerate(signals)
    ]
    return EnrichedArticle(
        article_id=article_id,
        outlet=f"Outlet {number % 3}",
        published_at=T0 + timedelta(hours=hours),
        claims=claims,
        situations=situations,
    )


def test_every_snapshot_exactly_once_across_pages_even_when_several_share_an_as_of(store):
    # Late reports leave as_of where it was: several snapshots share a timestamp and pages must split them right.
    snapshots = [snapshot(i, hours=i // 3) for i in range(25)] + [snapshot(99, 1, situation="other")]
    assert store.write_snapshots(snapshots) == 26
    pages, query = [], Query(limit=4)
    while True:
        page = store.snapshot_page("russia-ukraine", query)
        pages.append(page)
        if page.next_cursor is None:
            break
        query = Query(limit=4, cursor=page.next_cursor)
    items = [SituationSnapshot.model_validate_json(item) for page in pages for item in page.items]
    assert [s.counted_article_id for s in items] == [f"a{i:03d}" for i in range(25)]
    assert [len(page.items) for page in pages] == [4, 4, 4, 4, 4, 4, 1]
    assert items[7] == snapshots[7]


def test_a_redelivery_or_a_restart_never_writes_a_row_twice(store, store_url):
    snapshots = [snapshot(i, hours=i) for i in range(5)]
    articles = [article(i, i, ["escalation", "neutral"], ["russia-ukraine"]) for i in range(5)]
    assert (store.write_snapshots(snapshots), store.write_claims(articles)) == (5, 10)
    assert (store.write_snapshots(snapshots[2:]), store.write_claims(articles[1:])) == (0, 0)
    reopened = HistoryStore(store_url)  # a restarted worker: the schema is there, the rows too
    try:
        assert reopened.write_snapshots(snapshots) == 0
        assert len(list(all_items(lambda q: reopened.snapshot_page("russia-ukraine", q), Query(limit=2)))) == 5
        assert len(list(all_items(reopened.claim_page, Query(limit=3)))) == 10
    finally:
        reopened.close()


def test_snapshots_without_a_counted_article_are_keyed_by_their_content(store):
    legacy = snapshot(1, hours=1).model_copy(update={"counted_article_id": None})
    assert store.write_snapshots([legacy, legacy.model_copy()]) == 1
    assert store.write_snapshots([legacy.model_copy(update={"escalation_index": 50.0})]) == 1


def test_time_range_is_since_inclusive_until_exclusive(store):
    store.write_snapshots([snapshot(i, hours=i) for i in range(10)])
    query = Query(since=T0 + timedelta(hours=3), until=T0 + timedelta(hours=6), limit=10)
    page = store.snapshot_page("russia-ukraine", query)
    assert [SituationSnapshot.model_validate_json(i).counted_article_id for i in page.items] == ["a003", "a004", "a005"]
    assert page.next_cursor is None


def test_claims_carry_their_article_and_filter_by_situation_signal_and_time(store):
    store.write_claims(
        [
            article(1, 1, ["escalation", "de-escalation"], ["russia-ukraine"]),
            article(2, 2, ["escalation"], ["russia-ukraine", "other"]),
            article(3, 3, ["escalation", "neutral"], []),
        ]
    )
    everything = list(all_items(store.claim_page, Query(limit=2)))
    assert [c["claim_id"] for c in everything] == ["a001:0", "a001:1", "a002:0", "a003:0", "a003:1"]
    context = ("article_id", "outlet", "published_at", "situations", "signal")
    assert {key: everything[2][key] for key in context} == {
        "article_id": "a002",
        "outlet": "Outlet 2",
        "published_at": "2022-02-14T02:00:00+00:00",
        "situations": ["russia-ukraine", "other"],
        "signal": "escalation",
    }

    def escalation_in(situation):
        return lambda q: store.claim_page(q, situation=situation, signal="escalation")

    assert [c["claim_id"] for c in all_items(escalation_in("russia-ukraine"), Query(limit=1))] == ["a001:0", "a002:0"]
    assert [c["claim_id"] for c in all_items(escalation_in("other"), Query(limit=5))] == ["a002:0"]
    late = store.claim_page(Query(since=T0 + timedelta(hours=2)), signal="escalation")
    assert [json.loads(c)["claim_id"] for c in late.items] == ["a002:0", "a003:0"]


def test_workers_writing_the_same_records_at_once_store_each_once(store_url):
    # Two workers during a rebalance, each with its own connection, writing overlapping batches.
    snapshots = [snapshot(i, hours=i / 10) for i in range(200)]
    articles = [article(i, i / 10, ["escalation"], ["russia-ukraine"]) for i in range(200)]
    stores = [HistoryStore(store_url) for _ in range(2)]
    written = []

    def write(history, offset):
        for start in range(offset, 200, 20):
            written.append(history.write_snapshots(snapshots[start : start + 40]))
            written.append(history.write_claims(articles[start : start + 40]))

    threads = [
        threading.Thread(target=write, args=(history, offset)) for history, offset in zip(stores, (0, 10), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sum(written) == 400
        ids = [
            s["counted_article_id"]
            for s in all_items(lambda q: stores[0].snapshot_page("russia-ukraine", q), Query(limit=1000))
        ]
        assert ids == sorted(set(ids)) and len(ids) == 200
    finally:
        for history in stores:
            history.close()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: Query(limit=0), "limit must be between 1 and 1000"),
        (lambda: Query(since=datetime(2022, 2, 14)), "since needs a timezone offset"),
        (lambda: Query(cursor="not-a-cursor").conditions("t", "k"), "cursor is not one this server gave out"),
        (lambda: HistoryStore("mysql://x"), "history store URL must start with"),
    ],
)
def test_bad_queries_get_a_one_line_reason(make, reason):
    with pytest.raises(BadQuery, match=reason):
        make()
