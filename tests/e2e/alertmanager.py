"""A real Alertmanager (Debian's prometheus-alertmanager) on loopback with the project's configuration, and a loopback
webhook receiver that keeps what it is sent. Both stopped by the test (Alertmanager by PID)."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from tests.e2e.prometheus import LoopbackServer
from tests.integration.harness import ROOT

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager") or "/usr/bin/prometheus-alertmanager"
CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"


class WebhookReceiver:
    """What a paging relay would be: an HTTP server on 127.0.0.1 that records every JSON notification."""

    def __init__(self) -> None:
        self.notifications: list[dict] = []
        received = self.notifications

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sitrep/alerts"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def project_config(webhook_url: str) -> dict:
    """The project's configuration with the webhook pointed at the test receiver and the group waits shortened."""
    config = yaml.safe_load(CONFIG.read_text())
    for receiver in config["receivers"]:
        for webhook in receiver.get("webhook_configs", []):
            webhook["url"] = webhook_url
    config["route"].update(group_wait="1s", group_interval="1s")
    return config


class Alertmanager(LoopbackServer):
    def __init__(self, workdir: Path, webhook_url: str):
        super().__init__(workdir, "alertmanager")
        self.webhook_url = webhook_url

    def start(self, timeout: float = 30) -> Alertmanager:
        config = self.workdir / "alertmanager.yml"
        config.write_text(yaml.safe_dump(project_config(self.webhook_url)))
        command = [
            BINARY,
            f"--config.file={config}",
            f"--storage.path={self.workdir / 'alertmanager-data'}",
            f"--web.listen-address={self.address}",
            "--cluster.listen-address=",  # no gossip port: a single instance on loopback
        ]
        self.launch(command, timeout)
        return self
