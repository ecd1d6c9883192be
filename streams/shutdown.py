"""The worker process: Faust's Worker with a deadline on stopping, so a SIGTERM ends it even while Kafka is down.

Works around faust-streaming 0.15.3 with aiokafka 0.14, which drain before they stop and wait on the broker without a
deadline: App.on_stop waits for the streams (Consumer.wait_empty), which commits; every commit first flushes the
producer (Consumer._commit_offsets); then the producer and the consumer stop, flushing and committing again. With the
broker unreachable aiokafka retries each step: produce batches until Faust's producer_request_timeout expires them
(1200 s by default), an offset commit until a group coordinator answers. So a stop that has not ended by the deadline
ends as a SIGKILL would. Nothing is lost: Faust commits an offset only after flushing everything produced before it,
so what was not committed is read again by the next worker, and counted once there (the seen-ids table,
SituationState.add, the history store's keys).
"""

from __future__ import annotations

import logging
import os
import threading

from faust.worker import Worker

log = logging.getLogger(__name__)

STOP_DEADLINE_SECONDS = 7.0  # the worker's promise to its supervisor is under 10 s from SIGTERM to exit
EXIT_STOP_ABANDONED = os.EX_TEMPFAIL  # 75: stopped without committing; the next worker reads that input again


class DeadlineWorker(Worker):
    async def on_stop(self) -> None:
        """Arms the deadline as the stop begins (SIGTERM, SIGINT or a crash), before Faust's draining starts."""
        deadline = threading.Timer(STOP_DEADLINE_SECONDS, abandon_stop)
        deadline.daemon = True  # a stop that ends in time exits without waiting for it
        deadline.start()
        await super().on_stop()


def abandon_stop() -> None:
    log.warning(
        "not stopped %.0f s after the stop began (is Kafka reachable? Faust retries its last flush and offset commit "
        "without end): exiting with %d; input not committed is read again by the next worker",
        STOP_DEADLINE_SECONDS,
        EXIT_STOP_ABANDONED,
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    os._exit(EXIT_STOP_ABANDONED)  # no interpreter shutdown: it would join aiokafka's thread, stuck the same way
