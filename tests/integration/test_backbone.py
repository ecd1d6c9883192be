"""The backbone against the real local Kafka: enrichment, dead letters, duplicates, restart from committed offsets."""

import json
import os
import signal
import time

import pytest

from agents.records import DeadLetter, EnrichedArticle, original_payload
from tests.integration.harness import Namespace, Worker, nlp_processes, pid_alive, produce, read_topic, seed_articles

pytestmark = pytest.mark.integration


def as_message(record: dict) -> tuple[bytes, bytes]:
    return record["id"].encode(), json.dumps(record).encode()


def malformed(seed: dict) -> dict[str, bytes]:
    without_tz = {**seed, "id": "no-tz", "published_at": "2022-02-14T10:00:00"}
    no_date = {k: v for k, v in seed.items() if k != "published_at"} | {"id": "no-date"}
    return {
        "invalid_json": b'{"id": "broken", "text": ',
        "not_utf8": b'{"id": "latin", "text": "caf\xe9"}',
        "missing_text": json.dumps({"id": "no-text", "published_at": seed["published_at"]}).encode(),
        "empty_text": json.dumps({**seed, "id": "empty", "text": ""}).encode(),
        "published_at_without_timezone": json.dumps(without_tz).encode(),
        "missing_published_at": json.dumps(no_date).encode(),
        "text_too_large": json.dumps({**seed, "id": "huge", "text": "war " * 30_000}).encode(),
    }


def test_seeds_are_enriched_once_and_bad_input_is_dead_lettered(namespace):
    seeds = seed_articles()
    bad = malformed(seeds[0])
    copy = {**seeds[1], "id": "syndicated-copy"}
    messages = [as_message(s) for s in seeds] + [(b"bad", payload) for payload in bad.values()]
    messages += [as_message(seeds[0]), as_message(copy)]  # a redelivered id and the same text under a new id
    produce(namespace, "articles.raw", messages)

    worker = Worker(namespace, SITREP_MAX_TEXT_BYTES="100000").start()
    try:
        enriched = [
            EnrichedArticle.model_validate_json(m.value)
            for m in read_topic(namespace.topic("articles.enriched"), expected=6)
        ]
        letters = [
            DeadLetter.model_validate_json(m.value)
            for m in read_topic(namespace.topic("deadletter"), expected=len(bad))
        ]
        dead_lettered = worker.metric("sitrep_dead_letters_total")
    finally:
        worker.stop()

    by_id = {e.article_id: e for e in enriched}
    assert sorted(e.article_id for e in enriched) == sorted([s["id"] for s in seeds] + ["syndicated-copy"])
    assert by_id["syndicated-copy"].duplicate_of == seeds[1]["id"]
    for seed in seeds:
        result = by_id[seed["id"]]
        assert result.duplicate_of is None and len(result.entities) > 20
        assert all(seed["text"][e.start : e.end] == e.text for e in result.entities)
        assert {"PERSON", "GPE", "ORG"} <= {e.label for e in result.entities}

    assert sorted(letter.error.split(":")[0] for letter in letters) == sorted(bad)
    for letter in letters:
        reason = letter.error.split(":")[0]
        assert letter.stage == "validate" and letter.topic == namespace.topic("articles.raw")
        assert original_payload(letter) == bad[reason]
    assert dead_lettered == len(bad)


def test_batches_in_flight_keep_the_order_and_see_each_others_articles(kafka_broker):
    """One article per batch and four batches in flight: copies of an article still in the NLP processes are
    recognised, and the enriched records leave in the order their articles came."""
    namespace = Namespace(partitions=1)  # one partition: one order to keep
    seeds = seed_articles()
    records = [seeds[0], seeds[1], seeds[0], {**seeds[0], "id": "copy-of-first"}, seeds[2], seeds[1], seeds[3]]
    produce(namespace, "articles.raw", [as_message(r) for r in records])

    worker = Worker(namespace, SITREP_BATCH_SIZE="1", SITREP_BATCHES_IN_FLIGHT="4").start()
    try:
        enriched = [
            EnrichedArticle.model_validate_json(m.value)
            for m in read_topic(namespace.topic("articles.enriched"), expected=5, idle=3)
        ]
        duplicates = worker.metrics()
    finally:
        worker.stop()

    expected_order = [seeds[0]["id"], seeds[1]["id"], "copy-of-first", seeds[2]["id"], seeds[3]["id"]]
    assert [e.article_id for e in enriched] == expected_order
    assert [e.duplicate_of for e in enriched] == [None, None, seeds[0]["id"], None, None]
    assert 'sitrep_articles_duplicate_total{kind="id"} 2.0' in duplicates


def test_restart_resumes_from_committed_offsets_without_loss_or_repeats(namespace):
    seeds = seed_articles()
    records = [{**seeds[i % len(seeds)], "id": f"article-{i:03d}"} for i in range(40)]
    produce(namespace, "articles.raw", [as_message(r) for r in records])
    enriched_topic = namespace.topic("articles.enriched")

    first = Worker(namespace, SITREP_BATCH_SIZE="4").start()
    try:
        partial = read_topic(enriched_topic, expected=8, idle=0)
    finally:
        first.stop()
    done_before_restart = len(read_topic(enriched_topic, idle=1))
    assert 8 <= done_before_restart < 40, "the worker must be stopped mid-stream"
    assert partial

    second = Worker(namespace, SITREP_BATCH_SIZE="4").start()
    try:
        everything = read_topic(enriched_topic, expected=40, idle=4, timeout=150)
    finally:
        second.stop()
    ids = [m.key.decode() for m in everything]
    assert sorted(ids) == sorted(r["id"] for r in records), "every article exactly once across the restart"


def test_a_crashed_nlp_process_is_replaced_and_no_article_is_lost(namespace):
    seeds = seed_articles()
    records = [{**seeds[i % len(seeds)], "id": f"article-{i:03d}"} for i in range(16)]
    produce(namespace, "articles.raw", [as_message(r) for r in records])
    worker = Worker(namespace, SITREP_BATCH_SIZE="4", SITREP_NLP_PROCESSES="2").start()
    try:
        read_topic(namespace.topic("articles.enriched"), expected=4, idle=0)
        before = nlp_processes(worker)
        crashed = min(before)
        os.kill(crashed, signal.SIGKILL)
        everything = read_topic(namespace.topic("articles.enriched"), expected=16, idle=3, timeout=150)
        after = nlp_processes(worker)
        letters = read_topic(namespace.topic("deadletter"), idle=0, timeout=2)
        restarts = worker.metric("sitrep_nlp_process_restarts_total")
    finally:
        worker.stop()
    assert sorted(m.key.decode() for m in everything) == sorted(r["id"] for r in records)
    assert len(before) == len(after) == 2
    assert crashed not in after and before - {crashed} <= after and restarts == 1  # only the crashed one replaced
    assert not letters  # the chunk in flight was retried, not dead-lettered


def test_a_killed_worker_takes_its_nlp_processes_with_it(namespace):
    worker = Worker(namespace, SITREP_NLP_PROCESSES="2").start()
    children = nlp_processes(worker)
    assert len(children) == 2
    worker.kill()
    deadline = time.monotonic() + 10
    while any(map(pid_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(pid_alive, children))


def test_a_model_that_cannot_be_loaded_stops_the_worker_with_its_name(namespace):
    worker = Worker(namespace, SITREP_SPACY_MODEL="no_such_model")
    with pytest.raises(RuntimeError, match="worker exited"):
        worker.start(timeout=90)
    assert "the NLP process could not load 'no_such_model'" in worker.log_path.read_text()


def test_replay_reports_articles_the_broker_refuses(namespace):
    from datetime import UTC, datetime, timedelta

    from agents.records import Article
    from streams.replay import ReplayFailed, replay

    settings = namespace.settings()
    in_2022 = Article(id="ok", published_at=datetime(2022, 2, 14, tzinfo=UTC), text="Talks went on.")
    far_future = Article(id="future", published_at=datetime.now(UTC) + timedelta(days=30), text="Talks went on.")
    with pytest.raises(ReplayFailed, match="1 of 2 articles .* 'future'"):
        replay([in_2022, far_future], settings)
    assert [m.key for m in read_topic(namespace.topic("articles.raw"), idle=1)] == [b"ok"]
