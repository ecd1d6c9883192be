"""Actor precision and recall per article against a gold file such as shared/eval/seeds_entities.json.

An actor counts as found when the article yields at least one mention normalised to it. Gold = the keys of
`articles[id].actors`. Codes in `articles[id].also_acceptable` (credits, bylines, pure destinations) are neither
required nor wrong: strict precision counts them as false positives, lenient precision ignores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from agents.records import EnrichedArticle
from streams.corpus import read_corpus


@dataclass(frozen=True)
class ArticleScore:
    article_id: str
    gold: frozenset[str]
    acceptable: frozenset[str]
    predicted: frozenset[str]

    @property
    def found(self) -> frozenset[str]:
        return self.predicted & self.gold

    @property
    def missed(self) -> frozenset[str]:
        return self.gold - self.predicted

    @property
    def wrong(self) -> frozenset[str]:
        """False positives under lenient scoring (not gold, not acceptable)."""
        return self.predicted - self.gold - self.acceptable

    @property
    def extra_acceptable(self) -> frozenset[str]:
        return (self.predicted - self.gold) & self.acceptable


@dataclass
class EntityResult:
    articles: list[ArticleScore] = field(default_factory=list)

    def totals(self) -> tuple[int, int, int, int]:
        """(found, gold, predicted, wrong-lenient) summed over articles."""
        return (
            sum(len(a.found) for a in self.articles),
            sum(len(a.gold) for a in self.articles),
            sum(len(a.predicted) for a in self.articles),
            sum(len(a.wrong) for a in self.articles),
        )

    @property
    def recall(self) -> float:
        found, gold, _, _ = self.totals()
        return ratio(found, gold)

    @property
    def strict_precision(self) -> float:
        found, _, predicted, _ = self.totals()
        return ratio(found, predicted)

    @property
    def lenient_precision(self) -> float:
        found, _, _, wrong = self.totals()
        return ratio(found, found + wrong)


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def score_article(article_id: str, gold_entry: dict, predicted: set[str]) -> ArticleScore:
    return ArticleScore(
        article_id=article_id,
        gold=frozenset(gold_entry.get("actors", {})),
        acceptable=frozenset(gold_entry.get("also_acceptable", {})),
        predicted=frozenset(predicted),
    )


def score_enriched(gold: dict, enriched: list[EnrichedArticle]) -> EntityResult:
    """Score enriched articles that have a gold entry (others are ignored)."""
    gold_articles = gold["articles"]
    return EntityResult(
        [
            score_article(result.article_id, gold_articles[result.article_id], set(result.actors))
            for result in sorted(enriched, key=lambda r: r.article_id)
            if result.article_id in gold_articles
        ]
    )


def evaluate_entities(gold_path: Path, corpus_path: Path) -> EntityResult:
    """Enrich the corpus with the configured pipeline (settings, including SITREP_ACTORS_PATH) and score it."""
    from agents.nlp.factory import build_enricher
    from streams.settings import get_settings

    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    articles = [a for a in read_corpus(Path(corpus_path)).articles if a.id in gold["articles"]]
    return score_enriched(gold, build_enricher(get_settings().nlp).enrich(articles))


def format_entities_report(result: EntityResult) -> str:
    header = f"{'article':<22} {'gold':>4} {'pred':>4} {'found':>5} {'P strict':>8} {'P lenient':>9} {'R':>6}  notes"
    lines = ["Actor precision/recall (found = >= 1 mention normalised to the actor)", header, "-" * len(header)]
    for a in result.articles:
        strict = ratio(len(a.found), len(a.predicted))
        lenient = ratio(len(a.found), len(a.found) + len(a.wrong))
        notes = []
        if a.missed:
            notes.append("missed " + ",".join(sorted(a.missed)))
        if a.wrong:
            notes.append("wrong " + ",".join(sorted(a.wrong)))
        if a.extra_acceptable:
            notes.append("acceptable " + ",".join(sorted(a.extra_acceptable)))
        lines.append(
            f"{a.article_id:<22} {len(a.gold):>4} {len(a.predicted):>4} {len(a.found):>5} {strict:>8.3f} "
            f"{lenient:>9.3f} {ratio(len(a.found), len(a.gold)):>6.3f}  {'; '.join(notes)}"
        )
    found, gold, predicted, _ = result.totals()
    lines.append("-" * len(header))
    lines.append(
        f"{'overall':<22} {gold:>4} {predicted:>4} {found:>5} {result.strict_precision:>8.3f} "
        f"{result.lenient_precision:>9.3f} {result.recall:>6.3f}"
    )
    return "\n".join(lines)
