"""Replay → Kafka → `sitrep worker` → real Prometheus with the project's rules → SituationEscalating (or not).

Each test has its own topic namespace, worker and Prometheus, so the two scenarios never see each other's series.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.harness import ROOT, Worker

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITUATION_DASHBOARD = ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "json" / "situation.json"
SITUATION = "russia-ukraine"
ALERT = "SituationEscalating"
THRESHOLD = 60  # deploy/prometheus/rules/sitrep.yml


def replay(namespace, corpus: Path) -> int:
    """`sitrep replay CORPUS --max-speed` into the namespace's topics; returns the number of articles sent."""
    subprocess.run(
        [sys.executable, "-m", "streams.cli", "replay", str(corpus), "--max-speed"],
        cwd=ROOT,
        env=namespace.env(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sum(1 for line in corpus.read_text().splitlines() if line.strip())


def wait_for(condition, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def situation_alerts(prometheus, state: str | None = None) -> list[dict]:
    return [
        alert
        for alert in prometheus.alerts(ALERT)
        if alert["labels"].get("situation") == SITUATION and (state is None or alert["state"] == state)
    ]


def wait_until_all_counted(prometheus, articles: int) -> float:
    """Block until Prometheus has scraped the snapshot of every article and evaluated the situation rules on it;
    returns the wall time it had the final scrape."""
    expr = f'sum(sitrep_situation_snapshots_total{{situation="{SITUATION}"}})'
    wait_for(lambda: (prometheus.value(expr) or 0) >= articles, 180, f"{articles} snapshots in Prometheus")
    scraped = time.time()
    recorded = "situation:sitrep_situation_escalation_index:latest"
    wait_for(lambda: prometheus.last_evaluation(recorded) > scraped, 30, f"{recorded} evaluated on the final scrape")
    return scraped


def test_escalating_reports_fire_situation_escalating(namespace, prometheus_for):
    worker = Worker(namespace)
    prometheus = prometheus_for(worker.port)
    try:
        worker.start()
        articles = replay(namespace, FIXTURES / "escalating.jsonl")
        wait_until_all_counted(prometheus, articles)
        index = prometheus.value(f'situation:sitrep_situation_escalation_index:latest{{situation="{SITUATION}"}}')
        assert index is not None and index > THRESHOLD, f"scenario too weak: index {index}"

        [alert] = wait_for(lambda: situation_alerts(prometheus, "firing"), 60, f"{ALERT} firing")
        assert alert["labels"] == {
            "alertname": ALERT,
            "job": "sitrep-worker",
            "situation": SITUATION,
            "severity": "warning",
            "audience": "analyst",
        }
        assert float(alert["value"]) == pytest.approx(index)
        assert "Top driver:" in alert["annotations"]["description"], alert["annotations"]
        assert alert["annotations"]["runbook_url"] == "docs/runbooks.md#situationescalating"

        # Every panel of the Situation dashboard shows data for the situation.
        for panel in json.loads(SITUATION_DASHBOARD.read_text())["panels"]:
            for target in panel["targets"]:
                expr = target["expr"].replace("$situation", SITUATION).replace("$__rate_interval", "1m")
                assert prometheus.query(expr), f"panel {panel['title']!r}: no data for {expr}"
    finally:
        worker.stop()


def test_deescalating_reports_do_not_fire(namespace, prometheus_for):
    worker = Worker(namespace)
    prometheus = prometheus_for(worker.port)
    try:
        worker.start()
        articles = replay(namespace, FIXTURES / "deescalating.jsonl")
        seen = wait_until_all_counted(prometheus, articles)
        settled = seen + prometheus.hold_seconds + 2 * prometheus.interval_seconds  # `for:` plus two evaluations
        wait_for(lambda: prometheus.last_evaluation(ALERT) > settled, 60, f"{ALERT} evaluated after the replay")

        assert situation_alerts(prometheus) == []
        selector = f'{{situation="{SITUATION}"}}'
        index = prometheus.value(f"situation:sitrep_situation_escalation_index:latest{selector}")
        assert index is not None and index <= THRESHOLD
        # A real de-escalating picture, not an empty one: de-escalation evidence outweighs escalation.
        assert prometheus.value(f"situation:sitrep_situation_balance:latest{selector}") < 0
    finally:
        worker.stop()
