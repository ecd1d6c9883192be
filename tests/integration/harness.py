"""Real-broker test harness: a `sitrep worker` subprocess per test, raw producers and topic readers (kafka-python)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from streams.settings import Settings
from streams.topics import ensure_topics

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaConsumer, KafkaProducer

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
BROKER_HOST = "127.0.0.1"
BROKER_PORT = int(os.environ.get("SITREP_TEST_KAFKA_PORT", "9092"))
BOOTSTRAP = f"{BROKER_HOST}:{BROKER_PORT}"
KAFKA_SCRIPT = ROOT / "deploy" / "kafka" / "local-kafka.sh"


def broker_answers() -> bool:
    try:
        with socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_port_pair() -> int:
    """A free port whose next port is free too (a local broker listens on both: clients, then its controller)."""
    while True:
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def wait_until(condition, timeout: float, what: str, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout:.0f}s: {what}")
        time.sleep(interval)


class LocalBroker:
    """A broker of the test's own (deploy/kafka/local-kafka.sh on free ports) for tests that kill it, so the shared
    broker of the other tests is never touched. Its log stays under .cache/kafka/run-<port> across kill() and start().
    """

    def __init__(self):
        self.port = free_port_pair()
        self.bootstrap = f"{BROKER_HOST}:{self.port}"
        self.env = {**os.environ, "SITREP_KAFKA_PORT": str(self.port)}
        cache = Path(os.environ.get("SITREP_KAFKA_CACHE", ROOT / ".cache" / "kafka"))
        self.pid_file = cache / f"run-{self.port}" / "kafka.pid"

    def script(self, command: str) -> None:
        done = subprocess.run([KAFKA_SCRIPT, command], env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"local-kafka.sh {command} failed ({done.returncode}):\n{done.stderr}")

    def start(self) -> None:
        """Starts it (on the same port and log after a kill); nothing to do when it runs."""
        self.script("start")

    def kill(self) -> None:
        """kill -9, as a crashed host would stop it: no controlled shutdown, nothing flushed."""
        pid = int(self.pid_file.read_text())
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not pid_alive(pid), timeout=30, what=f"broker pid {pid} gone after SIGKILL")

    def remove(self) -> None:
        """Stops it and deletes its log."""
        self.script("reset")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


@dataclass
class Namespace:
    """Unique topic prefix and consumer group per test, so tests never see each other's messages."""

    name: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}")
    partitions: int = 4
    bootstrap: str = BOOTSTRAP

    def topic(self, suffix: str) -> str:
        return f"{self.name}.{suffix}"

    def settings(self) -> Settings:
        """Client-side settings of this namespace (what a worker started with env() sees)."""
        return Settings(
            broker=f"kafka://{self.bootstrap}", topic_prefix=self.name, app_id=self.name, partitions=self.partitions
        )

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "SITREP_BROKER": f"kafka://{self.bootstrap}",
            "SITREP_TOPIC_PREFIX": self.name,
            "SITREP_APP_ID": self.name,
            "SITREP_PARTITIONS": str(self.partitions),
            "SITREP_DATA_DIR": str(ROOT / ".cache" / "test-workers" / self.name),
            "SITREP_BATCH_TIMEOUT": "0.2",
            "SITREP_LOG_LEVEL": os.environ.get("SITREP_TEST_WORKER_LOG_LEVEL", "warning"),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
        env.update(extra)
        return env


class Worker:
    """A real `sitrep worker` process; stop() is SIGTERM (graceful), kill() is SIGKILL."""

    def __init__(self, namespace: Namespace, **env: str):
        self.namespace = namespace
        self.port = free_port()
        self.log_path = ROOT / ".cache" / "test-workers" / f"{namespace.name}-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.env = namespace.env(SITREP_WEB_PORT=str(self.port), **env)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> Worker:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if self.ready():
                return self
            time.sleep(0.3)
        self.kill()
        raise TimeoutError(f"worker not ready in {timeout}s:\n{self.log_tail()}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.url(path), timeout=2) as response:
                return response.read().decode()
        except OSError:
            return ""

    def ready(self) -> bool:
        return '"model_loaded": true' in self.get("/health").replace('":true', '": true')

    def metrics(self) -> str:
        return self.get("/metrics")

    def metric(self, name: str) -> float:
        total = 0.0
        for line in self.metrics().splitlines():
            if line.startswith(name) and not line.startswith("#"):
                head, value = line.rsplit(" ", 1)
                if head == name or head.startswith(name + "{"):
                    total += float(value)
        return total

    def stop(self, timeout: float = 60) -> float | None:
        """SIGTERM, then SIGKILL after `timeout`; the seconds from SIGTERM to exit (None if it was not running)."""
        if not self.process or self.process.poll() is not None:
            return None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def nlp_processes(worker: Worker) -> set[int]:
    """The pids of the worker's NLP processes (agents.nlp.process), spawned children."""
    children = subprocess.run(["pgrep", "-P", str(worker.process.pid)], capture_output=True, text=True).stdout.split()
    return {int(c) for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()}


def produce(namespace: Namespace, suffix: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    """Send raw messages after creating the pipeline's topics (as `sitrep replay` does)."""
    ensure_topics(namespace.settings())
    topic = namespace.topic(suffix)
    producer = KafkaProducer(bootstrap_servers=namespace.bootstrap, acks="all")
    for key, value in messages:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


def read_topic(
    topic: str, expected: int | None = None, timeout: float = 60, idle: float = 3, bootstrap: str = BOOTSTRAP
) -> list:
    """All messages of a topic. Waits for `expected` messages, then `idle` seconds more to catch extras."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
    )
    messages, deadline, last_new = [], time.monotonic() + timeout, time.monotonic()
    try:
        while time.monotonic() < deadline:
            batch = list(consumer)
            if batch:
                messages.extend(batch)
                last_new = time.monotonic()
            enough = expected is None or len(messages) >= expected
            if enough and time.monotonic() - last_new >= idle:
                break
    finally:
        consumer.close()
    return messages


def seed_articles() -> list[dict]:
    with (SHARED / "corpus" / "seeds.jsonl").open() as handle:
        return [json.loads(line) for line in handle if line.strip()]
