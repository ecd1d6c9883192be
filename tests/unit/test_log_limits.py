"""The repeat limiter on the Kafka client's logs (no broker needed: records are made by hand)."""

import logging

from streams.worker.log_limits import RepeatLimiter, limit_kafka_client_logs


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(name: str, template: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, template, args, None)


def test_repeats_within_the_interval_are_held_back_and_counted_in_the_next_line():
    clock = FakeClock()
    limiter = RepeatLimiter(interval=30, clock=clock)
    assert limiter.filter(record("aiokafka.conn", "Unable connect to node with id %s: %s", 1, "refused"))
    for second in range(1, 29):
        clock.now = second
        assert not limiter.filter(record("aiokafka.conn", "Unable connect to node with id %s: %s", 1, "refused"))
    clock.now = 31
    line = record("aiokafka.conn", "Unable connect to node with id %s: %s", 1, "refused")
    assert limiter.filter(line)
    assert line.getMessage() == "Unable connect to node with id 1: refused [28 more like this in the last 31 s]"
    clock.now = 70  # nothing held back since: the message goes out as it is
    quiet = record("aiokafka.conn", "Unable connect to node with id %s: %s", 1, "refused")
    assert limiter.filter(quiet) and quiet.getMessage() == "Unable connect to node with id 1: refused"


def test_each_kind_of_message_has_its_own_allowance():
    limiter = RepeatLimiter(interval=30, clock=FakeClock())
    assert limiter.filter(record("aiokafka.conn", "Unable connect to node with id %s: %s", 1, "x"))
    assert limiter.filter(record("aiokafka.cluster", "Unable to update metadata from %s", 1))
    assert limiter.filter(record("aiokafka.conn", "Connection at %s closed", "x"))
    assert not limiter.filter(record("aiokafka.cluster", "Unable to update metadata from %s", 2))


def test_installed_on_every_logger_of_the_kafka_client_only():
    limiter = limit_kafka_client_logs()
    try:
        assert limiter in logging.getLogger("aiokafka.conn").filters
        assert limiter in logging.getLogger("aiokafka.producer.sender").filters
        assert limiter not in logging.getLogger("faust").filters
    finally:
        for name in ["aiokafka", *logging.root.manager.loggerDict]:
            if name.startswith("aiokafka"):
                logging.getLogger(name).removeFilter(limiter)
