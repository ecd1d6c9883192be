"""The faust-streaming behaviours streams/worker/faust_compat.py relies on, one test per behaviour, named after it: a
new faust-streaming version must pass these before TESTED_FAUST_VERSION moves."""

from __future__ import annotations

import asyncio
import inspect
from importlib import metadata

import pytest
from aiohttp import web
from faust.transport.drivers import aiokafka as faust_aiokafka

from streams.settings import Settings
from streams.worker import faust_compat
from streams.worker.faust_compat import SnapshotFetchConsumer, SnapshotFetchThread
from streams.worker.topology import build_worker


@pytest.fixture
def worker(tmp_path):
    return build_worker(Settings(app_id="unit", data_dir=tmp_path))


def test_the_installed_faust_streaming_is_the_tested_version():
    assert metadata.version("faust-streaming") == faust_compat.TESTED_FAUST_VERSION


def test_an_untested_faust_streaming_version_is_refused_naming_the_tested_one():
    refusal = r"0\.16\.0 is installed.*tested with faust-streaming 0\.15\.3"
    with pytest.raises(faust_compat.UntestedFaustVersion, match=refusal):
        faust_compat.require_tested_faust("0.16.0")
    faust_compat.require_tested_faust(faust_compat.TESTED_FAUST_VERSION)


def test_faust_transport_builds_its_consumer_from_transport_consumer(worker):
    assert isinstance(worker.app.consumer, SnapshotFetchConsumer)


def test_faust_consumer_builds_its_thread_through_new_consumer_thread(worker):
    assert isinstance(worker.app.consumer._new_consumer_thread(), SnapshotFetchThread)


def test_aiokafka_consumer_thread_fetch_records_takes_the_live_active_partition_set():
    signature = inspect.signature(faust_aiokafka.AIOKafkaConsumerThread._fetch_records)
    assert list(signature.parameters) == ["self", "consumer", "active_partitions", "timeout", "max_records"]


def test_the_fetch_gets_a_frozen_copy_of_the_active_set_and_nothing_when_it_is_empty(monkeypatch):
    seen = []

    async def upstream_fetch(self, consumer, active_partitions, timeout=None, max_records=None):
        seen.append(active_partitions)
        return {"fetched": True}

    monkeypatch.setattr(faust_aiokafka.AIOKafkaConsumerThread, "_fetch_records", upstream_fetch)
    thread = SnapshotFetchThread.__new__(SnapshotFetchThread)
    live = {"tp0"}
    assert asyncio.run(thread._fetch_records(None, live)) == {"fetched": True}
    assert seen == [frozenset({"tp0"})] and isinstance(seen[0], frozenset)
    assert asyncio.run(thread._fetch_records(None, set())) == {}
    assert asyncio.run(thread._fetch_records(None, None)) == {"fetched": True}


def consumer_seeking(worker, flow_active: bool, seek_error: Exception | None = None):
    """The worker's consumer with the broker round trip of the seek replaced; returns it and the flow states seen."""
    consumer = worker.app.consumer
    seen: list[bool] = []

    async def seek_to_committed():
        seen.append(consumer.flow_active)
        if seek_error:
            raise seek_error
        return {}

    consumer.seek_to_committed = seek_to_committed
    if flow_active:
        consumer.resume_flow()
    else:
        consumer.stop_flow()
    return consumer, seen


def test_faust_perform_seek_seeks_to_committed_with_the_flow_stopped_and_resumes_it(worker):
    consumer, seen = consumer_seeking(worker, flow_active=True)
    asyncio.run(consumer.perform_seek())
    assert seen == [False]
    assert consumer.flow_active and consumer.can_resume_flow.is_set() and not consumer.suspend_flow.is_set()


def test_faust_perform_seek_while_the_flow_is_stopped_leaves_it_stopped(worker):
    consumer, seen = consumer_seeking(worker, flow_active=False)
    asyncio.run(consumer.perform_seek())
    assert seen == [False]
    assert not consumer.flow_active


def test_faust_perform_seek_failing_still_resumes_the_flow(worker):
    consumer, _ = consumer_seeking(worker, flow_active=True, seek_error=TimeoutError("broker"))
    with pytest.raises(TimeoutError):
        asyncio.run(consumer.perform_seek())
    assert consumer.flow_active


def test_faust_consumer_keeps_its_active_and_buffered_partition_sets(worker):
    consumer = worker.app.consumer
    assert faust_compat.fetch_sets(consumer) == (set(), set())
    consumer._buffered_partitions.add("tp1")
    assert faust_compat.fetch_sets(consumer) == (set(), {"tp1"})


def test_faust_table_serializers_set_before_registration_reach_the_changelog_topic(worker):
    for table in (worker.tables.seen_ids, worker.tables.first_by_text):
        assert table.key_serializer == table.value_serializer == "raw"
        changelog = table.changelog_topic
        assert changelog.key_serializer == changelog.value_serializer == "raw"
        assert table.use_partitioner


def test_faust_web_exposes_the_aiohttp_application_for_shutdown_hooks(worker):
    assert isinstance(worker.app.web.web_app, web.Application)
    assert any(getattr(hook, "__name__", "") == "end_streams" for hook in worker.app.web.web_app.on_shutdown)


def test_faust_transport_builds_its_producer_from_transport_producer(worker):
    assert isinstance(worker.app.producer, faust_compat.DeclaredTopicsProducer)


def test_aiokafka_client_tracks_a_topic_in_its_metadata_through_add_topic():
    from aiokafka.client import AIOKafkaClient

    # a plain method returning an awaitable (a metadata update, or a done future when the topic is tracked already)
    assert list(inspect.signature(AIOKafkaClient.add_topic).parameters) == ["self", "topic"]
    assert "self._topics.add(topic)" in inspect.getsource(AIOKafkaClient.add_topic)


def test_faust_worker_stops_through_the_on_stop_coroutine():
    from faust.worker import Worker

    assert inspect.iscoroutinefunction(Worker.on_stop)
    assert issubclass(faust_compat.DeadlineWorker, Worker)
