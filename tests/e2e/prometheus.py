"""A real Prometheus server (Debian's /usr/bin/prometheus) on loopback for end-to-end tests, stopped by PID."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import yaml

from tests.integration.harness import ROOT, free_port

BINARY = shutil.which("prometheus") or "/usr/bin/prometheus"
RULES = ROOT / "deploy" / "prometheus" / "rules" / "sitrep.yml"
JOB = "sitrep-worker"  # the job name the rules expect (deploy/prometheus/prometheus.yml)


def shortened_rules(hold: str) -> str:
    """The project's rules with every `for:` set to `hold`, so an alert fires within seconds of its condition."""
    return re.sub(r"(?m)^(\s+for:) \S+$", rf"\g<1> {hold}", RULES.read_text())


def rfc3339_seconds(stamp: str) -> float:
    """Prometheus prints nanoseconds; datetime takes microseconds."""
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", stamp).replace("Z", "+00:00")
    return datetime.fromisoformat(trimmed).timestamp()


class LoopbackServer:
    """A Prometheus-family server on 127.0.0.1: launched with its arguments, ready once /-/ready answers 200, stopped
    by PID (SIGTERM, then SIGKILL). Its output goes to NAME.log in the work directory."""

    def __init__(self, workdir: Path, name: str):
        self.workdir, self.name = workdir, name
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def launch(self, command: list[str], timeout: float) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=self.workdir, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"{self.name} not ready in {timeout}s:\n{self.log_tail()}")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.address}/-/ready", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class Prometheus(LoopbackServer):
    def __init__(
        self,
        workdir: Path,
        targets: list[str],
        hold_seconds: int = 3,
        interval_seconds: int = 1,
        alertmanager: str | None = None,
        external_labels: dict[str, str] | None = None,
    ):
        super().__init__(workdir, "prometheus")
        self.external_labels = external_labels or {}
        self.alertmanager = alertmanager  # host:port that firing alerts are sent to
        self.targets = targets
        self.hold_seconds, self.interval_seconds = hold_seconds, interval_seconds

    def write_config(self) -> Path:
        (self.workdir / "rules.yml").write_text(shortened_rules(f"{self.hold_seconds}s"))
        every = f"{self.interval_seconds}s"
        config = {
            "global": {"scrape_interval": every, "evaluation_interval": every, "external_labels": self.external_labels},
            "rule_files": ["rules.yml"],
            "scrape_configs": [{"job_name": JOB, "static_configs": [{"targets": self.targets}]}],
        }
        if self.alertmanager:
            config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [self.alertmanager]}]}]}
        path = self.workdir / "prometheus.yml"
        path.write_text(yaml.safe_dump(config))
        return path

    def start(self, timeout: float = 30) -> Prometheus:
        config = self.write_config()
        command = [
            BINARY,
            f"--config.file={config}",
            f"--storage.tsdb.path={self.workdir / 'data'}",
            f"--web.listen-address={self.address}",
        ]
        self.launch(command, timeout)
        return self

    def api(self, path: str, **params: str) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/{path}{query}", timeout=5) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict]:
        return self.api("query", query=expr)["result"]

    def value(self, expr: str) -> float | None:
        """The single value of an instant query, or None when it has no result."""
        result = self.query(expr)
        assert len(result) <= 1, result
        return float(result[0]["value"][1]) if result else None

    def alerts(self, name: str) -> list[dict]:
        return [alert for alert in self.api("alerts")["alerts"] if alert["labels"]["alertname"] == name]

    def last_evaluation(self, name: str) -> float:
        """Unix time of the latest evaluation of a recording or alerting rule (far in the past before the first)."""
        for group in self.api("rules")["groups"]:
            for rule in group["rules"]:
                if rule["name"] == name:
                    return rfc3339_seconds(rule["lastEvaluation"])
        raise KeyError(name)
