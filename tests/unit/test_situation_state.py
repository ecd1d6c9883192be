"""The situation state: buckets, lateness, copies, corroboration, retention, storage; the matcher; the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.situation.config import SituationMatcher
from agents.situation.estimate import DEFAULT_PARAMETERS
from agents.situation.state import HOUR, Outcome, SituationState
from tests.unit.situation_builders import CONTENTS, SITUATION, T0, article, claim, new_state

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds.jsonl"
WARNING = CONTENTS["escalation"][0]


def escalation(article_id: str, content: str = WARNING, speaker: str = "USA_GOV", **kwargs):
    return [claim(article_id, 0, "escalation", content, speaker=speaker, **kwargs)]


def test_a_redelivered_article_is_refused_and_changes_nothing():
    state = new_state()
    first = article("a", 1, escalation("a"))
    assert state.add(first)
    before = state.to_dict()
    assert state.add(first) is Outcome.DUPLICATE
    assert state.to_dict() == before


def test_a_late_report_within_the_horizon_updates_its_bucket():
    state = new_state(lateness_hours=48)
    state.add(article("now", 40))
    before = state.snapshot()
    assert state.add(article("late", 20, escalation("late")))  # 20 h late
    after = state.snapshot()
    assert after.as_of == before.as_of
    assert after.articles == before.articles + 1
    assert after.escalation_index > before.escalation_index
    assert state.add(article("too-late", -9, escalation("too-late"))) is Outcome.LATE  # 49 h behind the latest report


def test_the_hourly_series_is_the_same_whatever_the_arrival_order():
    """A report exactly on the hour belongs to the window ending then; a late one must still reach that hour."""
    reports = [
        article("on-the-hour", 6, escalation("on-the-hour")),
        article("later", 10, escalation("later", CONTENTS["escalation"][1])),
        article("last", 40),
    ]
    in_order, late = new_state(), new_state()
    for report in reports:
        in_order.add(report)
    for report in reversed(reports):
        late.add(report)
    hour_ending_at_the_report = int(T0.timestamp() // HOUR) + 5  # its window (T0-18h, T0+6h] holds the report
    assert in_order.hourly[hour_ending_at_the_report][0] > 0
    assert late.hourly == in_order.hourly
    assert late.snapshot() == in_order.snapshot()


def test_the_main_window_is_24_hours_of_event_time():
    state = new_state()
    state.add(article("old", 0, escalation("old")))
    state.add(article("new", 30))
    snapshot = state.snapshot()
    assert snapshot.escalation_weight == 0 and snapshot.articles == 1
    assert snapshot.windows["7d"]["escalation_weight"] > 0 and snapshot.windows["7d"]["articles"] == 2


def test_an_empty_day_reads_the_recent_level_which_fades_after_the_recent_days():
    """A warning that left the 24h window still counts in the recent level (the estimate's prior); once it is older
    than the window and the recent days, the index is back where a situation without evidence starts."""
    quiet, warned = new_state(), new_state()
    quiet.add(article("start", 0))
    warned.add(article("old", 0, escalation("old", weight=10.0)))
    after_window, after_recent = 30, 24 + DEFAULT_PARAMETERS.recent_days * 24 + 2
    quiet.add(article("later", after_window))
    warned.add(article("later", after_window))
    assert warned.snapshot().escalation_weight == 0
    assert warned.snapshot().escalation_index > quiet.snapshot().escalation_index
    quiet.add(article("much-later", after_recent))
    warned.add(article("much-later", after_recent))
    assert warned.snapshot().escalation_index == quiet.snapshot().escalation_index
    assert warned.snapshot().trend < 0


def test_an_exact_copy_is_extra_reach_not_a_new_source():
    original = article("orig", 1, escalation("orig"), outlet="Wire", fingerprint="same")
    copy = article("copy", 2, escalation("copy"), outlet="Reprinter", fingerprint="same")
    independent = article("own", 2, escalation("own"), outlet="Other Paper")
    with_copy, with_source = new_state(), new_state()
    for state, second in ((with_copy, copy), (with_source, independent)):
        state.add(original)
        state.add(second)
    copied, corroborated = with_copy.snapshot(), with_source.snapshot()
    assert copied.articles == 2 and copied.sources == 1
    assert corroborated.sources == 2
    assert copied.drivers[0].sources == 1 and copied.drivers[0].articles == 2
    assert corroborated.drivers[0].sources == 2
    assert copied.escalation_weight < corroborated.escalation_weight


def test_the_earliest_report_is_the_original_whatever_arrives_first():
    terms = [f"word{i}" for i in range(40)]
    early = article("early", 1, escalation("early"), outlet="Wire", terms=terms)
    late = article("late", 3, escalation("late"), outlet="Site", terms=terms[:36] + ["x1", "x2", "x3", "x4"])
    forward, backward = new_state(), new_state()
    for item in (early, late):
        forward.add(item)
    for item in (late, early):
        backward.add(item)
    assert forward.snapshot() == backward.snapshot()
    assert forward.snapshot().drivers[0].article_id == "early"
    assert forward.snapshot().sources == 1


def test_reports_of_the_same_story_from_different_newsrooms_are_independent():
    shared = [f"topic{i}" for i in range(12)]
    first = article("first", 1, outlet="A", terms=shared + [f"a{i}" for i in range(40)])
    second = article("second", 2, outlet="B", terms=shared + [f"b{i}" for i in range(40)])
    state = new_state()
    state.add(first)
    state.add(second)
    assert state.snapshot().sources == 2


def test_the_same_claim_from_two_outlets_is_one_corroborated_claim():
    state = new_state()
    state.add(article("a", 1, escalation("a", "Russia may invade Ukraine within days."), outlet="A"))
    state.add(article("b", 2, escalation("b", "russia MAY invade ukraine, within days"), outlet="B"))
    state.add(article("c", 2, escalation("c", "Russia may invade Ukraine within days", speaker="GBR"), outlet="C"))
    snapshot = state.snapshot()
    assert snapshot.claims == 2
    top = snapshot.drivers[0]
    assert (top.speaker_actor, top.sources, top.articles) == ("USA_GOV", 2, 2)
    assert top.claim_id == "a-0" and top.content == "Russia may invade Ukraine within days."


def test_red_needs_two_independent_sources_of_escalation():
    places = ["Kharkiv", "Mariupol", "Odesa", "Kherson", "Chernihiv", "Sumy", "Mykolaiv", "Zhytomyr"]
    single, double = new_state(), new_state()
    for i in range(36):  # three days of different firm attacks, one every two hours
        content = f"missiles hit {places[i % len(places)]}"
        attack = [claim(f"a{i}", 0, "escalation", content, 10.0, category="MILITARY_ATTACK")]
        single.add(article(f"a{i}", 2 * i, attack, outlet="Only"))
        double.add(article(f"a{i}", 2 * i, attack, outlet="First" if i % 2 else "Second"))
    assert single.snapshot().escalation_index_low >= 60 and single.snapshot().alert_level == "amber"
    assert double.snapshot().alert_level == "red"


def test_retention_drops_old_buckets_and_content_terms():
    state = new_state(lateness_hours=24, retention_days=3)
    for day in range(14):
        state.add(article(f"d{day}", day * 24, escalation(f"d{day}")))
    stored = state.to_dict()
    hours = [int(hour) for hour in stored["buckets"]]
    # Kept: the retention, or what a late report can still change: lateness + 24h window + the estimate's recent days.
    kept = max(3 * 24, 24 + 24 + DEFAULT_PARAMETERS.recent_days * 24 + 1) * HOUR
    assert min(hours) * HOUR >= state.snapshot().as_of.timestamp() - kept - HOUR
    assert len(hours) <= kept / (24 * HOUR) + 1 < 14
    with_terms = [item for bucket in stored["buckets"].values() for item in bucket.values() if item[5] is not None]
    assert len(with_terms) <= 3  # only reports a late arrival can still be compared with keep their terms


def test_the_stored_state_is_json_and_restores_the_same_snapshot():
    state = new_state()
    for i in range(6):
        state.add(article(f"a{i}", i * 5, escalation(f"a{i}", hedged=i % 2 == 0)))
    restored = SituationState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored.snapshot() == state.snapshot()
    nxt = article("next", 31, escalation("next"))
    assert restored.add(nxt) and state.add(nxt)
    assert restored.snapshot() == state.snapshot()


def test_a_state_stored_before_the_interval_recomputes_its_hourly_series():
    """Version 1 heads hold (index, sources) per hour and no parameters: restored, the series is rebuilt from the
    buckets by the next report, and the snapshots match a state that never went through storage."""
    state = new_state()
    for i in range(6):
        state.add(article(f"a{i}", i * 5, escalation(f"a{i}")))
    stored = json.loads(json.dumps(state.to_dict()))
    head = stored["head"]
    head["version"] = 1
    del head["parameters"]
    head["hourly"] = {hour: [value[0], value[2]] for hour, value in head["hourly"].items()}
    restored = SituationState.from_dict(stored)
    nxt = article("next", 31, escalation("next"))
    assert restored.add(nxt) and state.add(nxt)
    assert restored.snapshot() == state.snapshot()
    assert restored.hourly == state.hourly


def test_changes_written_bucket_by_bucket_rebuild_the_state():
    state, table = new_state(retention_days=1, lateness_hours=6), {}
    for i in range(12):
        state.add(article(f"a{i}", i * 4, escalation(f"a{i}")))
        for hour, bucket in state.take_changes().items():
            if bucket is None:
                table.pop(hour, None)
            else:
                table[hour] = json.loads(json.dumps(bucket))
    head = json.loads(json.dumps(state.head()))
    assert sorted(table) == head["hours"]
    assert SituationState.from_parts(head, table).snapshot() == state.snapshot()


def test_the_matcher_needs_every_group_of_a_situation():
    matcher = SituationMatcher.load(None)
    assert matcher.match({"RUS_GOV": 2, "UKR": 1}, []) == [SITUATION]
    assert matcher.match({}, ["kyiv", "kremlin"]) == [SITUATION]
    assert matcher.match({"RUS": 3}, ["economy", "ruble"]) == []
    assert matcher.match({"USA": 1}, ["ukraine"]) == []


def test_an_article_may_belong_to_several_situations(tmp_path):
    config = tmp_path / "situations.yaml"
    config.write_text(
        "situations:\n"
        "  - {id: baltic, all_of: [{actors: [EST, RUS]}]}\n"
        "  - {id: sanctions, all_of: [{keywords: [sanction, sanctions]}, {actors: [EU, USA]}]}\n"
    )
    matcher = SituationMatcher.load(config)
    assert matcher.match({"EST": 1, "EU": 1}, ["Sanctions"]) == ["baltic", "sanctions"]
    assert matcher.match({"USA": 1}, ["drills"]) == []


@pytest.fixture(scope="module")
def seed_snapshots():
    from streams.corpus import read_corpus
    from streams.offline import LanguageEnrichers, enrich_stream, situation_snapshots
    from streams.settings import Settings

    settings = Settings()
    articles = read_corpus(SEEDS).articles
    enriched = enrich_stream(articles, LanguageEnrichers(settings.nlp), settings.batch_size)
    return list(situation_snapshots(enriched, settings.situations))


def test_the_seed_reports_point_to_de_escalation_and_name_the_claims(seed_snapshots):
    final = seed_snapshots[-1]
    assert final.situation == SITUATION and len(seed_snapshots) == 5
    assert final.balance < 0
    assert final.drivers and final.drivers[0].signal == "de-escalation"
    assert all(driver.content and driver.claim_id for driver in final.drivers)
