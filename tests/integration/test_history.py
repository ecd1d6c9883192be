"""Durable history through the real broker: a SIGKILLed worker's history API still pages every snapshot exactly once,
as many as the offline replay makes; /claims answers; `sitrep export` writes the same rows; the bearer token holds."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from streams.replay import replay
from tests.integration.harness import ROOT, Namespace, Worker
from tests.integration.test_situations import LATENESS_HOURS, demo_articles, offline_snapshots

pytestmark = pytest.mark.integration

SITUATION = "russia-ukraine"
TOKEN = "s3cret-history"


def get_json(worker: Worker, path: str, token: str | None = TOKEN) -> tuple[int, dict]:
    request = urllib.request.Request(worker.url(path), headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def all_pages(worker: Worker, path: str, limit: int) -> tuple[list[dict], int]:
    """Every item of a paged route and the number of pages it took."""
    items, cursor, pages = [], None, 0
    while True:
        separator = "&" if "?" in path else "?"
        status, page = get_json(worker, f"{path}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, page
        items.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages


def start_worker(namespace: Namespace) -> Worker:
    return Worker(
        namespace, SITREP_BATCH_SIZE="4", SITREP_LATENESS_HOURS=str(LATENESS_HOURS), SITREP_FEED_TOKEN=TOKEN
    ).start()


def test_history_survives_sigkill_and_pages_every_snapshot_once(kafka_broker, tmp_path):
    namespace = Namespace(partitions=4)
    expected = [s for s in offline_snapshots() if s.situation == SITUATION]
    worker = start_worker(namespace)
    try:
        replay(demo_articles(), namespace.settings(), speed=None)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and worker.metric('sitrep_history_rows_total{kind="snapshots"}') < len(
            expected
        ):
            time.sleep(1)
        worker.kill()  # SIGKILL: offsets of the last batches may be uncommitted, so they come again after restart
        worker = start_worker(namespace)
        time.sleep(5)  # let the restarted sink take any redelivered batches
        snapshots, pages = all_pages(worker, f"/situations/{SITUATION}/history", limit=40)
        claims, _ = all_pages(worker, f"/claims?situation={SITUATION}&signal=escalation", limit=100)
        unauthorised, _ = get_json(worker, f"/situations/{SITUATION}/history", token=None)
        bad_limit = get_json(worker, f"/situations/{SITUATION}/history?limit=0")
        bad_signal = get_json(worker, "/claims?signal=war")
        status, document = get_json(worker, "/openapi.json")
    finally:
        worker.stop()

    ids = [s["counted_article_id"] for s in snapshots]
    assert len(ids) == len(set(ids)) == len(expected)
    assert pages == -(-len(expected) // 40)
    assert set(ids) == {s.counted_article_id for s in expected}
    moments = [datetime.fromisoformat(s["as_of"]) for s in snapshots]
    assert moments == sorted(moments)
    assert moments[-1] == max(s.as_of for s in expected)

    assert claims and all(c["signal"] == "escalation" and SITUATION in c["situations"] for c in claims)
    assert all(c["article_id"] and c["published_at"] for c in claims)
    assert len({c["claim_id"] for c in claims}) == len(claims)

    assert unauthorised == 401
    assert bad_limit == (400, {"error": "limit must be between 1 and 1000"})
    assert bad_signal[0] == 400 and "signal must be one of" in bad_signal[1]["error"]
    assert status == 200 and "/claims" in document["paths"]

    out = tmp_path / "snapshots.csv"
    exported = subprocess.run(
        [sys.executable, "-m", "streams.cli", "export", "snapshots", "--situation", SITUATION, "--format", "csv"]
        + ["--out", str(out)],
        cwd=ROOT,
        env=namespace.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    with out.open() as handle:
        assert len(list(csv.DictReader(handle))) == len(expected)
