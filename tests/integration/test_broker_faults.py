"""Broker faults, on a broker of these tests' own (the shared one is never killed): a broker killed (-9) mid-replay and
restarted, and a worker stopped and replaced while the broker is down. Every article is enriched, the situation state
ends as the offline replay's and counts every article once; a SIGTERM ends the worker in under 10 s with the broker
down. No reruns: these tests are the proof that the worker rides out broker faults (issue 16).
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from agents.records import SituationSnapshot
from streams.worker.faust_compat import EXIT_STOP_ABANDONED
from tests.integration.harness import (
    ROOT,
    LocalBroker,
    Namespace,
    Worker,
    nlp_processes,
    pid_alive,
    read_topic,
    wait_until,
)
from tests.integration.test_situations import (
    DEMO,
    demo_articles,
    final_by_situation,
    final_streamed,
    offline_snapshots,
    start_worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.flaky(reruns=0)]

OUTAGE_SECONDS = 8  # the broker stays down past aiokafka's reconnect attempts, well within the producers' timeouts
STOP_LIMIT_SECONDS = 10  # SIGTERM to exit, broker down
REPLAY_SECONDS = 45  # wall time of the paced replay, so the broker dies mid-replay


@pytest.fixture(scope="module")
def own_broker():
    broker = LocalBroker()
    broker.start()
    yield broker
    broker.remove()


@pytest.fixture
def broker(own_broker):
    own_broker.start()  # up again if a test before left it down
    return own_broker


def sitrep_replay(namespace: Namespace, *options: str) -> subprocess.Popen:
    """`sitrep replay` of the demo corpus into the namespace, in the background; its output in the workers' log dir."""
    log = (ROOT / ".cache" / "test-workers" / f"{namespace.name}-replay.log").open("ab")
    command = [sys.executable, "-m", "streams.cli", "replay", str(DEMO), *options]
    return subprocess.Popen(command, cwd=ROOT, env=namespace.env(), stdout=log, stderr=log)


def replay_speed(seconds: float) -> float:
    articles = demo_articles()
    return (articles[-1].published_at - articles[0].published_at).total_seconds() / seconds


def snapshots_made(worker: Worker) -> float:
    return worker.metric("sitrep_situation_snapshots_total")


def assert_every_article_enriched_and_counted_once(namespace: Namespace) -> None:
    final = final_streamed(namespace)
    enriched = read_topic(namespace.topic("articles.enriched"), idle=1, bootstrap=namespace.bootstrap)
    snapshots = read_topic(namespace.topic("situation.updates"), idle=1, bootstrap=namespace.bootstrap)
    counted = {SituationSnapshot.model_validate_json(m.value).counted_article_id for m in snapshots}
    # The indicators of every window and the alert levels depend on each article counted once: a loss or a second
    # count would change them.
    assert final == final_by_situation(offline_snapshots())
    assert {m.key.decode() for m in enriched} == {article.id for article in demo_articles()}
    assert counted == {snapshot.counted_article_id for snapshot in offline_snapshots()}


def test_broker_killed_mid_replay_and_restarted_loses_nothing_and_counts_nothing_twice(broker):
    namespace = Namespace(partitions=4, bootstrap=broker.bootstrap)
    worker = start_worker(namespace)
    replaying = sitrep_replay(namespace, "--speed", f"{replay_speed(REPLAY_SECONDS):.0f}")
    try:
        wait_until(lambda: snapshots_made(worker) >= 20, timeout=120, what="20 snapshots before the broker dies")
        assert replaying.poll() is None, "the broker must die mid-replay"
        broker.kill()
        time.sleep(OUTAGE_SECONDS)  # the outage itself
        broker.start()
        assert replaying.wait(timeout=240) == 0, "sitrep replay rides out the outage (kafka-python retries)"
        assert_every_article_enriched_and_counted_once(namespace)
        assert worker.process.poll() is None, "the same worker carried on after the outage"
        # the client's connection errors, many a second while the broker is down, are held back to one per 30 s
        refused = worker.log_path.read_text(errors="replace").count("Unable connect to node")
        assert 1 <= refused <= 3, f"{refused} connection errors logged for one {OUTAGE_SECONDS} s outage"
    finally:
        if replaying.poll() is None:
            replaying.kill()
        worker.stop()


def test_worker_stopped_while_the_broker_is_down_exits_in_time_and_its_successor_completes(broker):
    namespace = Namespace(partitions=4, bootstrap=broker.bootstrap)
    assert sitrep_replay(namespace, "--max-speed").wait(timeout=120) == 0
    worker = start_worker(namespace)
    try:
        wait_until(lambda: snapshots_made(worker) >= 20, timeout=120, what="20 snapshots before the broker dies")
        nlp = nlp_processes(worker)
        broker.kill()
        time.sleep(OUTAGE_SECONDS)  # the outage, seen by the worker before it is asked to stop
        stopped_in = worker.stop(timeout=60)
        assert stopped_in < STOP_LIMIT_SECONDS
        assert worker.process.returncode == EXIT_STOP_ABANDONED  # what it could not commit is read again below
        wait_until(lambda: not any(map(pid_alive, nlp)), timeout=10, what="the NLP processes gone with their worker")
        broker.start()
        worker = start_worker(namespace)
        assert_every_article_enriched_and_counted_once(namespace)
    finally:
        worker.stop()
