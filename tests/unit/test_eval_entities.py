"""Actor scoring: found = at least one mention normalised to the actor; also_acceptable codes are never required."""

from pathlib import Path

import pytest

from agents.records import EnrichedArticle
from streams.evaluation.entities import evaluate_entities, format_entities_report, score_enriched

GOLD = {
    "articles": {
        "a": {"actors": {"RUS": ["Russia"], "NATO": ["NATO"]}, "also_acceptable": {"MEDIA": ["AFP"]}},
        "b": {"actors": {"UKR": ["Ukraine"]}, "also_acceptable": {}},
    }
}
SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the checkout


def enriched(article_id: str, actors: dict[str, int]) -> EnrichedArticle:
    return EnrichedArticle(article_id=article_id, published_at="2022-02-14T10:00:00Z", actors=actors)


def test_strict_and_lenient_precision_and_recall():
    result = score_enriched(
        GOLD,
        [
            enriched("a", {"RUS": 3, "MEDIA": 1, "CHN": 1}),  # NATO missed, MEDIA acceptable, CHN wrong
            enriched("b", {"UKR": 2}),
            enriched("not-in-gold", {"USA": 1}),
        ],
    )
    assert [a.article_id for a in result.articles] == ["a", "b"]
    assert result.recall == pytest.approx(2 / 3)
    assert result.strict_precision == pytest.approx(2 / 4)
    assert result.lenient_precision == pytest.approx(2 / 3)
    first = result.articles[0]
    assert first.missed == {"NATO"} and first.wrong == {"CHN"} and first.extra_acceptable == {"MEDIA"}
    report = format_entities_report(result)
    assert "missed NATO" in report and "wrong CHN" in report and "overall" in report


def test_empty_prediction_scores_zero_recall():
    result = score_enriched(GOLD, [enriched("b", {})])
    assert result.recall == 0.0
    assert result.articles[0].missed == {"UKR"}


@pytest.mark.skipif(not (SHARED / "eval" / "seeds_entities.json").exists(), reason="shared dev set not present")
def test_seed_articles_meet_the_bars():
    result = evaluate_entities(SHARED / "eval" / "seeds_entities.json", SHARED / "corpus" / "seeds.jsonl")
    assert len(result.articles) == 5
    assert result.recall >= 0.95
    assert result.lenient_precision >= 0.90
