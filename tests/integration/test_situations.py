"""The situation table through the real broker: equal to the offline path, deterministic, and failure-proof."""

from __future__ import annotations

import threading
import time
from functools import cache

import pytest

from agents.records import SituationSnapshot
from streams.corpus import read_corpus
from streams.offline import LanguageEnrichers, enrich_stream, situation_snapshots
from streams.replay import replay
from streams.settings import Settings
from tests.integration.harness import ROOT, Namespace, Worker, read_topic

pytestmark = pytest.mark.integration

DEMO = ROOT / "corpus" / "2022-ukraine"
# A max-speed replay through 4 partitions delivers articles to the situation agent days out of event-time order; the
# final snapshot is only order-free for arrivals within the lateness horizon, so the tests give it the corpus span.
LATENESS_HOURS = 40 * 24


@cache
def demo_articles():
    corpus = read_corpus(DEMO)
    assert not corpus.rejected
    return tuple(corpus.articles)


@cache
def offline_snapshots() -> tuple[SituationSnapshot, ...]:
    settings = Settings(lateness_hours=LATENESS_HOURS)
    enriched = enrich_stream(demo_articles(), LanguageEnrichers(settings.nlp), settings.batch_size)
    return tuple(situation_snapshots(enriched, settings.situations))


def final_by_situation(snapshots) -> dict[str, dict]:
    """The last snapshot per situation, minus counted_article_id: which article arrived last depends on the arrival
    order (partitions, restarts), the indicators must not."""
    return {s.situation: s.model_dump(mode="json", exclude={"counted_article_id"}) for s in snapshots}


def start_worker(namespace: Namespace) -> Worker:
    return Worker(namespace, SITREP_BATCH_SIZE="4", SITREP_LATENESS_HOURS=str(LATENESS_HOURS)).start()


def streamed_snapshots(namespace: Namespace, expected: int, timeout: float = 180) -> list[SituationSnapshot]:
    messages = read_topic(
        namespace.topic("situation.updates"), expected=expected, timeout=timeout, idle=5, bootstrap=namespace.bootstrap
    )
    return [SituationSnapshot.model_validate_json(m.value) for m in messages]


def final_streamed(namespace: Namespace, timeout: float = 180) -> dict[str, dict]:
    """The last snapshot per situation once it equals the offline final one (or whatever is there at the deadline).

    After a SIGKILL the number of snapshots may differ (a snapshot sent but its table write lost is sent again), so
    the wait is for the expected final state, not for a count.
    """
    expected = final_by_situation(offline_snapshots())
    deadline, final = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        final = final_by_situation(streamed_snapshots(namespace, expected=0, timeout=5))
        if final == expected:
            break
        time.sleep(2)
    return final


def test_broker_path_equals_offline_path_snapshot_for_snapshot(kafka_broker):
    namespace = Namespace(partitions=1)  # one partition keeps arrival in event-time order, like the offline path
    expected = offline_snapshots()
    worker = start_worker(namespace)
    try:
        replay(demo_articles(), namespace.settings(), speed=None)
        streamed = streamed_snapshots(namespace, expected=len(expected))
    finally:
        worker.stop()
    assert [s.model_dump(mode="json") for s in streamed] == [s.model_dump(mode="json") for s in expected]


def test_final_snapshot_is_the_same_with_four_partitions(kafka_broker):
    namespace = Namespace(partitions=4)
    worker = start_worker(namespace)
    try:
        replay(demo_articles(), namespace.settings(), speed=None)
        final = final_streamed(namespace)
    finally:
        worker.stop()
    assert final == final_by_situation(offline_snapshots())


def paced_replay(namespace: Namespace, seconds: float = 45) -> threading.Thread:
    """Replay the corpus in event-time order over about `seconds` of wall time, in the background."""
    articles = demo_articles()
    span = (articles[-1].published_at - articles[0].published_at).total_seconds()
    thread = threading.Thread(target=replay, args=(articles, namespace.settings()), kwargs={"speed": span / seconds})
    thread.start()
    return thread


def wait_for_snapshots(namespace: Namespace, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(read_topic(namespace.topic("situation.updates"), idle=0, timeout=2)) >= at_least:
            return
    raise TimeoutError(f"fewer than {at_least} snapshots after {timeout}s")


def test_sigkill_mid_replay_loses_nothing_and_counts_nothing_twice(kafka_broker):
    namespace = Namespace(partitions=4)
    worker = start_worker(namespace)
    try:
        producing = paced_replay(namespace)
        wait_for_snapshots(namespace, at_least=20)
        worker.kill()
        assert len(read_topic(namespace.topic("situation.updates"), idle=1)) < len(offline_snapshots())
        producing.join()
        worker = start_worker(namespace)
        final = final_streamed(namespace)
    finally:
        worker.stop()
    assert final == final_by_situation(offline_snapshots())


def test_two_workers_share_the_work_and_survive_losing_one(kafka_broker):
    namespace = Namespace(partitions=4)
    workers = [start_worker(namespace), start_worker(namespace)]
    try:
        producing = paced_replay(namespace)
        wait_for_snapshots(namespace, at_least=20)
        snapshots_by = [worker.metric("sitrep_situation_snapshots_total") for worker in workers]
        owner, survivor = workers if snapshots_by[0] > 0 else reversed(workers)
        owner.stop()  # mid-replay: the situation's partition and its table state move to the survivor
        producing.join()
        final = final_streamed(namespace)
        took_over = survivor.metric("sitrep_situation_snapshots_total")
    finally:
        for worker in workers:
            worker.stop()
    assert snapshots_by.count(0.0) == 1  # one worker owned the situation, the other had none of its snapshots
    assert took_over > 0  # the survivor went on from the state recovered from the changelog
    assert final == final_by_situation(offline_snapshots())
