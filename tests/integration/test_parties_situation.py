"""A crisis other than Russia–Ukraine, declared by its two parties in three lines of YAML, through the real broker
and worker: its own snapshot series, drivers spoken by its parties, its own gauges beside the built-in situation."""

from __future__ import annotations

from collections import Counter

import pytest

from agents.records import SituationSnapshot
from streams.corpus import read_corpus
from streams.replay import replay
from tests.integration.harness import ROOT, Namespace, Worker, read_topic

pytestmark = pytest.mark.integration

CORPUS = ROOT / "corpus" / "2025-india-pakistan"  # team-written reports (issue 13's simulated corpus)
SITUATIONS = """\
situations:
  - id: india-pakistan
    name: India–Pakistan crisis
    parties: [IND, PAK]
  - id: russia-ukraine
    name: Russia–Ukraine
    parties: [RUS, UKR]
"""


def test_a_situation_declared_by_its_parties_runs_beside_another(kafka_broker, tmp_path):
    config = tmp_path / "situations.yaml"
    config.write_text(SITUATIONS, encoding="utf-8")
    articles = read_corpus(CORPUS).articles
    namespace = Namespace(partitions=1)
    worker = Worker(namespace, SITREP_SITUATIONS_PATH=str(config), SITREP_LATENESS_HOURS=str(40 * 24)).start()
    try:
        replay(articles, namespace.settings(), speed=None)
        messages = read_topic(namespace.topic("situation.updates"), expected=len(articles) // 2, timeout=180, idle=8)
        metrics = worker.metrics()
    finally:
        worker.stop()
    snapshots = [SituationSnapshot.model_validate_json(message.value) for message in messages]
    series = [snapshot for snapshot in snapshots if snapshot.situation == "india-pakistan"]
    assert len(series) >= len(articles) // 2  # most reports touch both parties
    assert [s.as_of for s in series] == sorted(s.as_of for s in series)
    drivers = [driver for snapshot in series for driver in snapshot.drivers]
    assert drivers and all(driver.content and driver.claim_id for driver in drivers)
    spoken = Counter(driver.speaker_actor for driver in drivers if driver.speaker_actor)
    parties = spoken["IND"] + spoken["IND_GOV"] + spoken["PAK"] + spoken["PAK_GOV"]
    assert spoken["IND_GOV"] and spoken["PAK_GOV"], spoken  # both governments drive it
    assert parties > sum(spoken.values()) / 2, spoken  # the parties more than anyone else
    assert not {"RUS", "RUS_GOV", "UKR", "UKR_GOV"} & set(spoken), spoken  # another situation's actors do not
    assert 'situation="india-pakistan"' in metrics
