"""Alerts reach a person: replay → Kafka → `sitrep worker` → real Prometheus → real Alertmanager with the project's
configuration → a webhook receiver on loopback gets SituationRed naming the situation and its top driver."""

from __future__ import annotations

import os

import pytest

from tests.e2e.alertmanager import BINARY, Alertmanager, WebhookReceiver
from tests.e2e.test_alerting import FIXTURES, SITUATION, replay, wait_for
from tests.integration.harness import Worker

pytestmark = pytest.mark.e2e

RUNBOOKS = "https://docs.example.org/sitrep/runbooks.md"  # the settable base (external label runbook_base_url)


def situation_red(receiver: WebhookReceiver) -> list[dict]:
    return [
        alert
        for notification in receiver.notifications
        for alert in notification["alerts"]
        if alert["status"] == "firing" and alert["labels"]["alertname"] == "SituationRed"
    ]


def test_a_red_situation_is_delivered_to_the_webhook_receiver(namespace, prometheus_for, tmp_path):
    if not os.path.exists(BINARY):
        pytest.fail("the alert delivery test needs Debian's prometheus-alertmanager (deploy/install-system-deps.sh)")
    worker = Worker(namespace)
    with WebhookReceiver() as receiver:
        alertmanager = Alertmanager(tmp_path, receiver.url).start()
        try:
            prometheus_for(
                worker.port, alertmanager=alertmanager.address, external_labels={"runbook_base_url": RUNBOOKS}
            )
            worker.start()
            replay(namespace, FIXTURES / "escalating.jsonl")
            [alert, *_] = wait_for(lambda: situation_red(receiver), 180, "SituationRed at the webhook receiver")
        finally:
            worker.stop()
            alertmanager.stop()

    notification = next(n for n in receiver.notifications if alert in n["alerts"])
    assert notification["path"] == "/sitrep/alerts" and notification["receiver"] == "webhook"
    assert alert["labels"]["situation"] == SITUATION and alert["labels"]["severity"] == "critical"
    assert alert["annotations"]["summary"] == f"{SITUATION} is at alert level red"
    assert "Top driver: " in alert["annotations"]["description"], alert["annotations"]
    assert "(escalation)" in alert["annotations"]["description"]
    assert alert["annotations"]["runbook_url"] == f"{RUNBOOKS}#situationred"
