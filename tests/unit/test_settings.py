import socket

from streams.settings import Settings


def test_settings_come_from_sitrep_environment_variables(monkeypatch):
    monkeypatch.setenv("SITREP_PARTITIONS", "8")
    monkeypatch.setenv("SITREP_BROKER", "kafka://a:9092;kafka://b:9093")
    settings = Settings()
    assert settings.partitions == 8
    assert settings.bootstrap_servers == ["a:9092", "b:9093"]


def test_the_web_server_stays_on_loopback_unless_told_otherwise():
    settings = Settings()
    assert (settings.web_bind, settings.advertised_web_host) == ("127.0.0.1", "127.0.0.1")


def test_a_worker_bound_to_every_interface_advertises_its_hostname_unless_named():
    assert Settings(web_bind="0.0.0.0").advertised_web_host == socket.gethostname()
    assert Settings(web_bind="0.0.0.0", web_host="worker-2").advertised_web_host == "worker-2"


def test_the_sasl_password_stays_secret_until_a_kafka_client_needs_it(monkeypatch):
    from faust.auth import SASLCredentials

    from streams.kafka import faust_credentials, kafka_python_config

    monkeypatch.setenv("SITREP_SECURITY_PROTOCOL", "sasl_plaintext")
    monkeypatch.setenv("SITREP_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("SITREP_SASL_USERNAME", "sitrep")
    monkeypatch.setenv("SITREP_SASL_PASSWORD", "not-in-logs")
    settings = Settings()
    assert "not-in-logs" not in repr(settings) and "not-in-logs" not in str(settings.kafka)
    config = kafka_python_config(settings.kafka)
    assert config["security_protocol"] == "SASL_PLAINTEXT"
    assert (config["sasl_mechanism"], config["sasl_plain_username"], config["sasl_plain_password"]) == (
        "SCRAM-SHA-512",
        "sitrep",
        "not-in-logs",
    )
    assert "ssl_cafile" not in config
    credentials = faust_credentials(settings.kafka)
    assert isinstance(credentials, SASLCredentials)
    assert (credentials.username, credentials.password, credentials.ssl_context) == ("sitrep", "not-in-logs", None)


def test_plaintext_needs_no_credentials():
    from streams.kafka import faust_credentials, kafka_python_config

    settings = Settings(broker="kafka://h1:9092;kafka://h2:9092")
    assert faust_credentials(settings.kafka) is None
    assert kafka_python_config(settings.kafka) == {
        "bootstrap_servers": ["h1:9092", "h2:9092"],
        "security_protocol": "PLAINTEXT",
    }


def test_each_domain_section_carries_its_environment_variables(monkeypatch):
    monkeypatch.setenv("SITREP_LATENESS_HOURS", "12")
    monkeypatch.setenv("SITREP_SPACY_MODEL", "en_core_web_sm")
    monkeypatch.setenv("SITREP_LANGUAGE_MODELS", '{"FR": "fr_core_news_sm"}')
    settings = Settings()
    assert settings.situations.lateness_hours == 12
    assert settings.nlp.models_by_language == {"en": "en_core_web_sm", "fr": "fr_core_news_sm"}
    assert settings.nlp.for_language("fr").spacy_model == "fr_core_news_sm"
