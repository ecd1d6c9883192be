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
