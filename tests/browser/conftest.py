from tests.integration.conftest import kafka_broker, namespace  # noqa: F401 - the real-worker page test needs them
