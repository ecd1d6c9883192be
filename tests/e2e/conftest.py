import os

import pytest

from tests.e2e.prometheus import BINARY, Prometheus
from tests.integration.conftest import kafka_broker, namespace  # noqa: F401 - shared fixtures: local Kafka, topics


@pytest.fixture
def prometheus_for(tmp_path):
    """Start a real Prometheus scraping the given worker ports with the project's rules (`for:` shortened)."""
    if not os.path.exists(BINARY):
        pytest.fail("the e2e tests need Debian's prometheus package (deploy/install-system-deps.sh)")
    started: list[Prometheus] = []

    def start(*ports: int, **options) -> Prometheus:
        server = Prometheus(tmp_path, [f"127.0.0.1:{port}" for port in ports], **options)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
