"""The Kafka client's logs during a broker outage: the same few errors many times a second (about 78 lines/s measured
with the broker down), which bury every other line of the worker's log. The first message of each kind goes out at
once; repeats within an interval are counted, and the next one let through says how many were held back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

KAFKA_CLIENT_LOGGER = "aiokafka"
REPEAT_INTERVAL_SECONDS = 30.0
MAX_KINDS = 1_000  # message kinds remembered; a client that formats its own messages cannot grow this without bound


class RepeatLimiter(logging.Filter):
    """Lets through one record per (logger, message template) and interval."""

    def __init__(self, interval: float = REPEAT_INTERVAL_SECONDS, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.kinds: dict[tuple[str, str], tuple[float, int]] = {}  # kind -> (last let through, held back since)

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg))
        now = self.clock()
        previous = self.kinds.get(kind)
        if previous is not None and now - previous[0] < self.interval:
            self.kinds[kind] = (previous[0], previous[1] + 1)
            return False
        if previous is None and len(self.kinds) >= MAX_KINDS:
            self.kinds.clear()
        self.kinds[kind] = (now, 0)
        if previous is not None and previous[1]:
            record.msg = f"{record.msg} [{previous[1]} more like this in the last {now - previous[0]:.0f} s]"
        return True


def limit_kafka_client_logs(interval: float = REPEAT_INTERVAL_SECONDS) -> RepeatLimiter:
    """Install one limiter on every logger of the Kafka client (a logger's filters see only its own records)."""
    import aiokafka  # noqa: F401 - its modules create their loggers on import

    limiter = RepeatLimiter(interval)
    names = [name for name in logging.root.manager.loggerDict if name.startswith(f"{KAFKA_CLIENT_LOGGER}.")]
    for name in [KAFKA_CLIENT_LOGGER, *names]:
        logging.getLogger(name).addFilter(limiter)
    return limiter
