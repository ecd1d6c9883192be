"""The Kafka connection, translated once from the settings and rendered for each client: Faust (the worker) and
kafka-python (replay, feeds, topic creation)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from pydantic import SecretStr

from streams.settings import KafkaSettings


@dataclass(frozen=True)
class Sasl:
    mechanism: str  # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
    username: str | None
    password: SecretStr | None


@dataclass(frozen=True)
class Tls:
    cafile: str | None
    certfile: str | None
    keyfile: str | None

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=self.cafile)
        if self.certfile:
            context.load_cert_chain(self.certfile, self.keyfile)
        return context


@dataclass(frozen=True)
class Connection:
    bootstrap_servers: list[str]
    security_protocol: str  # PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
    sasl: Sasl | None
    tls: Tls | None


def connection(settings: KafkaSettings) -> Connection:
    protocol = settings.security_protocol.upper()
    sasl = None
    if protocol.startswith("SASL"):
        sasl = Sasl(settings.sasl_mechanism, settings.sasl_username, settings.sasl_password)
    tls = Tls(settings.ssl_cafile, settings.ssl_certfile, settings.ssl_keyfile) if protocol.endswith("SSL") else None
    return Connection(settings.bootstrap_servers, protocol, sasl, tls)


def faust_credentials(settings: KafkaSettings):
    """Faust's broker_credentials: SASL (over TLS when the protocol says so), TLS alone, or None."""
    from faust.auth import SASLCredentials, SSLCredentials

    kafka = connection(settings)
    context = kafka.tls.context() if kafka.tls else None
    if kafka.sasl:
        password = kafka.sasl.password.get_secret_value() if kafka.sasl.password else None
        return SASLCredentials(
            username=kafka.sasl.username, password=password, mechanism=kafka.sasl.mechanism, ssl_context=context
        )
    if context:
        return SSLCredentials(context)
    return None


def kafka_python_config(settings: KafkaSettings) -> dict:
    """Connection settings for kafka-python clients, including SASL/SSL for a managed Kafka."""
    kafka = connection(settings)
    config: dict = {"bootstrap_servers": kafka.bootstrap_servers, "security_protocol": kafka.security_protocol}
    if kafka.sasl:
        config.update(
            sasl_mechanism=kafka.sasl.mechanism,
            sasl_plain_username=kafka.sasl.username,
            sasl_plain_password=kafka.sasl.password.get_secret_value() if kafka.sasl.password else None,
        )
    if kafka.tls:
        config.update(ssl_cafile=kafka.tls.cafile, ssl_certfile=kafka.tls.certfile, ssl_keyfile=kafka.tls.keyfile)
    return config
