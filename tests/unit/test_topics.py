from streams.settings import Settings
from streams.topics import wanted_topics


def test_topics_carry_the_prefix_and_only_situation_updates_is_compacted():
    wanted = wanted_topics(Settings(topic_prefix="unit"))
    assert set(wanted) == {
        "unit.articles.raw",
        "unit.articles.enriched",
        "unit.situation.input",
        "unit.situation.updates",
        "unit.deadletter",
    }
    compacted = wanted.pop("unit.situation.updates")
    assert compacted == {"cleanup.policy": "compact"}
    assert all(configs == {"retention.ms": "-1"} for configs in wanted.values())
