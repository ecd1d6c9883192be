import os
import subprocess

import pytest

from tests.integration.harness import BROKER_PORT, KAFKA_SCRIPT, Namespace, broker_answers


@pytest.fixture(scope="session")
def kafka_broker():
    """The local Apache Kafka of deploy/kafka; started here if it is not running yet (and then stopped)."""
    env = {**os.environ, "SITREP_KAFKA_PORT": str(BROKER_PORT)}
    started_here = not broker_answers()
    if started_here:
        subprocess.run([KAFKA_SCRIPT, "start"], check=True, env=env)
    yield
    if started_here:
        subprocess.run([KAFKA_SCRIPT, "stop"], check=False, env=env)


@pytest.fixture
def namespace(kafka_broker):
    return Namespace()
