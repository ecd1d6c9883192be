from faust.types import TP

from streams.worker.monitoring import build_labels, forgotten_partitions, partition_lags

RAW0, RAW1, RAW2 = TP("sitrep.articles.raw", 0), TP("sitrep.articles.raw", 1), TP("sitrep.articles.raw", 2)


def test_lag_is_end_offset_minus_committed_offset():
    assert partition_lags({RAW0: 120, RAW1: 7}, {RAW0: 100, RAW1: 7}) == {RAW0: 20, RAW1: 0}


def test_lag_never_goes_negative_when_the_end_offset_trails_a_commit():
    assert partition_lags({RAW0: 100}, {RAW0: 104}) == {RAW0: 0}


def test_partitions_without_a_known_position_or_end_are_left_out():
    assert partition_lags({RAW0: 10, RAW1: None, RAW2: 5}, {RAW0: 4, RAW1: 2, RAW2: None}) == {RAW0: 6}


def test_build_labels_name_the_installed_versions_and_the_model():
    labels = build_labels("en_core_web_sm")
    assert labels["spacy_model"] == "en_core_web_sm"
    assert labels["faust_version"].startswith("0.15.")
    assert labels["spacy_version"].startswith("3.8.")
    assert set(labels) == {"version", "faust_version", "spacy_version", "spacy_model", "python_version"}


def test_forgotten_partitions_are_assigned_inputs_neither_fetched_nor_held_for_backpressure():
    raw = [TP("sitrep.articles.raw", p) for p in range(4)]
    changelog = TP("sitrep-situation-state-changelog", 0)
    assigned = {*raw, changelog}
    active, buffered = {raw[0]}, {raw[1]}
    assert forgotten_partitions(assigned, active, buffered, {changelog.topic}) == {raw[2], raw[3]}
    assert forgotten_partitions(assigned, set(raw), set(), {changelog.topic}) == set()


def test_a_snapshot_exports_its_index_and_the_bounds_of_its_interval():
    from datetime import UTC, datetime

    from agents.records import SituationSnapshot
    from streams.metrics import REGISTRY
    from streams.worker.situations import export_snapshot

    snapshot = SituationSnapshot(
        situation="bounds-test",
        as_of=datetime(2022, 2, 24, tzinfo=UTC),
        escalation_index=63.5,
        escalation_index_low=48.25,
        escalation_index_high=76.0,
        escalation_index_level=0.8,
        balance=0.9,
        escalation_weight=110.0,
        deescalation_weight=0.0,
    )
    export_snapshot(snapshot)
    value = REGISTRY.get_sample_value
    assert value("sitrep_situation_escalation_index", {"situation": "bounds-test"}) == 63.5
    assert value("sitrep_situation_escalation_index_bound", {"situation": "bounds-test", "bound": "low"}) == 48.25
    assert value("sitrep_situation_escalation_index_bound", {"situation": "bounds-test", "bound": "high"}) == 76.0


def test_a_situation_exports_one_top_driver_series_at_a_time_and_leaves_the_others():
    from datetime import UTC, datetime

    from agents.records import Driver, SituationSnapshot
    from streams.metrics import REGISTRY
    from streams.worker.situations import export_snapshot

    def snapshot(situation: str, *drivers: Driver) -> SituationSnapshot:
        figures = {"escalation_index": 40.0, "balance": 0.0, "escalation_weight": 1.0, "deescalation_weight": 1.0}
        return SituationSnapshot(
            situation=situation, as_of=datetime(2022, 2, 24, tzinfo=UTC), drivers=drivers, **figures
        )

    def driver(speaker: str | None, signal: str) -> Driver:
        return Driver(claim_id="c", article_id="a", speaker_actor=speaker, content="x", signal=signal, weight=3.0)

    def series(situation: str) -> list[dict]:
        return [
            sample.labels
            for metric in REGISTRY.collect()
            if metric.name == "sitrep_situation_top_driver_info"
            for sample in metric.samples
            if sample.labels["situation"] == situation
        ]

    export_snapshot(snapshot("top-a", driver("RUS_GOV", "escalation")))
    export_snapshot(snapshot("top-b", driver("UKR_GOV", "de-escalation")))
    export_snapshot(snapshot("top-a", driver(None, "de-escalation")))
    assert [(s["speaker_actor"], s["signal"]) for s in series("top-a")] == [("OUTLET", "de-escalation")]
    assert [(s["speaker_actor"], s["signal"]) for s in series("top-b")] == [("UKR_GOV", "de-escalation")]
    export_snapshot(snapshot("top-a"))
    assert series("top-a") == []
