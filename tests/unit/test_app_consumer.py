"""The worker's Faust consumer seeks to committed offsets with the flow stopped
(streams.worker.app.SnapshotFetchConsumer)."""

from __future__ import annotations

import asyncio

import pytest

from streams.settings import Settings
from streams.worker.app import SnapshotFetchConsumer, build_pipeline


def consumer_seeking(tmp_path, flow_active: bool, seek_error: Exception | None = None):
    """The pipeline's consumer with the broker round trip of the seek replaced; returns it and the flow states seen."""
    consumer = build_pipeline(Settings(app_id="unit", data_dir=tmp_path)).app.consumer
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


def test_the_worker_uses_the_seeking_consumer(tmp_path):
    consumer, _ = consumer_seeking(tmp_path, flow_active=True)
    assert isinstance(consumer, SnapshotFetchConsumer)


def test_the_flow_is_stopped_during_the_seek_and_resumed_after(tmp_path):
    consumer, seen = consumer_seeking(tmp_path, flow_active=True)
    asyncio.run(consumer.perform_seek())
    assert seen == [False]
    assert consumer.flow_active and consumer.can_resume_flow.is_set() and not consumer.suspend_flow.is_set()


def test_a_seek_while_the_flow_is_stopped_leaves_it_stopped(tmp_path):
    consumer, seen = consumer_seeking(tmp_path, flow_active=False)
    asyncio.run(consumer.perform_seek())
    assert seen == [False]
    assert not consumer.flow_active


def test_a_failed_seek_still_resumes_the_flow(tmp_path):
    consumer, _ = consumer_seeking(tmp_path, flow_active=True, seek_error=TimeoutError("broker"))
    with pytest.raises(TimeoutError):
        asyncio.run(consumer.perform_seek())
    assert consumer.flow_active
