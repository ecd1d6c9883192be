"""Calibration against the record: replay a corpus offline and check the index against a dated timeline.

A timeline (YAML, bench/timelines/) names the situation, its phases (dated spans written from public facts) and the
shape checks the index must pass:
  - `lower`: the mean daily index of `span` is below that of `than` (a dip or easing reads lower than what came before)
  - `red`: some day of `span` ends red (a peak reads red)
  - `never_red`: no snapshot in `span` is red (quiet days, e.g. after a ceasefire)
and prints the stability figures: the mean day-to-day change of the daily index (the 24h escalation_index of the
last snapshot of each UTC day, between consecutive days with reports) and the number of alert-level changes from one
day's end to the next (and over all snapshots). A timeline may carry its own `situations:` block (same shape as
agents/situation/data/situations.yaml) for a corpus on another crisis.

Usage: python bench/calibration.py CORPUS TIMELINE [--cache DIR] [--set NAME=VALUE ...]
  --cache keeps the enriched articles (the slow spaCy part) so that re-runs only recompute the indicators.
  --set overrides one of the situation's `index:` parameters (agents/situation/estimate.py), to try values.
Corpora whose records name the outlet `source` (../shared/eval) are read with it as the outlet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import mean

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.records import Article, EnrichedArticle, SituationSnapshot  # noqa: E402
from agents.situation.config import DEFAULT_SITUATIONS  # noqa: E402
from streams.corpus import read_corpus  # noqa: E402
from streams.offline import situation_snapshots  # noqa: E402
from streams.settings import Settings  # noqa: E402


@dataclass(frozen=True)
class Day:
    day: date
    index: float
    low: float
    high: float
    alert: str


def load_articles(corpus: Path) -> list[Article]:
    """The corpus's articles; a record with `source` but no `outlet` takes its source as the outlet."""
    articles = read_corpus(corpus).articles
    if corpus.is_file():
        lines = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
        sources = {r["id"]: r.get("source") for r in map(json.loads, lines)}
        articles = [a if a.outlet else a.model_copy(update={"outlet": sources.get(a.id)}) for a in articles]
    return sorted(articles, key=lambda a: (a.published_at, a.id))


def enriched_articles(articles: list[Article], settings: Settings, cache: Path | None) -> list[EnrichedArticle]:
    from streams.offline import LanguageEnrichers, enrich_stream

    situations = settings.situations_path.read_bytes() if settings.situations_path else b""
    key = hashlib.sha256(
        situations + "".join(a.model_dump_json() for a in articles).encode() + settings.spacy_model.encode()
    ).hexdigest()[:16]
    cached = cache / f"enriched-{key}.jsonl" if cache else None
    if cached and cached.exists():
        return [EnrichedArticle.model_validate_json(line) for line in cached.read_text(encoding="utf-8").splitlines()]
    enriched = list(enrich_stream(articles, LanguageEnrichers(settings.nlp), settings.batch_size))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text("".join(e.model_dump_json() + "\n" for e in enriched), encoding="utf-8")
    return enriched


def daily(snapshots: list[SituationSnapshot]) -> list[Day]:
    last: dict[date, SituationSnapshot] = {}
    for snapshot in snapshots:
        last[snapshot.as_of.date()] = snapshot
    return [
        Day(day, s.escalation_index, s.escalation_index_low, s.escalation_index_high, s.alert_level)
        for day, s in sorted(last.items())
    ]


def in_span(day: date, span: list) -> bool:
    return date.fromisoformat(str(span[0])) <= day <= date.fromisoformat(str(span[1]))


def phase_span(span: str | list, phases: dict[str, list]) -> list:
    """A phase name, or an explicit [first day, last day]."""
    return phases[span] if isinstance(span, str) else span


def run_check(check: dict, phases: dict[str, list], days: list[Day], snapshots: list[SituationSnapshot]) -> str:
    """'pass ...' or 'FAIL ...' with the figures behind it."""
    span = phase_span(check["span"], phases)
    values = [d.index for d in days if in_span(d.day, span)]
    if not values:
        return f"FAIL no reports in {span}"
    if check["kind"] == "lower":
        than = phase_span(check["than"], phases)
        reference = [d.index for d in days if in_span(d.day, than)]
        ok = bool(reference) and mean(values) < mean(reference)
        return f"{'pass' if ok else 'FAIL'} mean {mean(values):.1f} < {mean(reference) if reference else 0:.1f}"
    if check["kind"] == "red":
        red = [d.day.isoformat() for d in days if in_span(d.day, span) and d.alert == "red"]
        return f"{'pass' if red else 'FAIL'} red days {len(red)}, peak index {max(values):.1f}"
    if check["kind"] == "never_red":
        red = [s.as_of.isoformat() for s in snapshots if in_span(s.as_of.date(), span) and s.alert_level == "red"]
        return f"{'pass' if not red else 'FAIL'} red snapshots {len(red)}, max index {max(values):.1f}"
    raise ValueError(f"unknown check kind {check['kind']!r}")


def report(timeline: dict, snapshots: list[SituationSnapshot]) -> dict:
    situation = timeline["situation"]
    mine = [s for s in snapshots if s.situation == situation]
    days = daily(mine)
    phases = timeline.get("phases", {})
    print(f"situation {situation}: {len(mine)} snapshots over {len(days)} days with reports")
    print(f"{'day':<10}  {'index':>5}  {'low':>5}  {'high':>5}  alert")
    for d in days:
        print(f"{d.day.isoformat():<10}  {d.index:5.1f}  {d.low:5.1f}  {d.high:5.1f}  {d.alert}")
    for name, span in phases.items():
        values = [d.index for d in days if in_span(d.day, span)]
        print(f"phase {name:<28} {span[0]} – {span[1]}  mean {mean(values) if values else float('nan'):5.1f}")
    results = [(check, run_check(check, phases, days, mine)) for check in timeline.get("checks", [])]
    for check, result in results:
        print(f"check {check['name']:<44} {result}")
    moves = [abs(b.index - a.index) for a, b in zip(days, days[1:], strict=False)]
    changes = sum(a.alert_level != b.alert_level for a, b in zip(mine, mine[1:], strict=False))
    daily_changes = sum(a.alert != b.alert for a, b in zip(days, days[1:], strict=False))
    passed = sum(result.startswith("pass") for _, result in results)
    figures = {
        "mean_daily_change": mean(moves) if moves else 0.0,
        "alert_changes": changes,
        "daily_alert_changes": daily_changes,
        "checks_passed": passed,
        "checks": len(results),
    }
    print(
        f"stability: mean day-to-day change {figures['mean_daily_change']:.1f}; alert-level changes {daily_changes} "
        f"(over all snapshots: {changes}); checks {passed}/{len(results)}"
    )
    return figures


def with_situations(settings: Settings, situations: list[dict], path: Path) -> Settings:
    path.write_text(yaml.safe_dump({"situations": situations}), encoding="utf-8")
    return settings.model_copy(update={"situations_path": path})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("timeline", type=Path)
    parser.add_argument("--cache", type=Path, help="directory keeping enriched articles between runs")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="an index parameter")
    args = parser.parse_args()
    timeline = yaml.safe_load(args.timeline.read_text(encoding="utf-8"))
    settings = Settings()
    with tempfile.TemporaryDirectory() as scratch:
        if timeline.get("situations"):
            settings = with_situations(settings, timeline["situations"], Path(scratch) / "situations.yaml")
        enriched = enriched_articles(load_articles(args.corpus), settings, args.cache)
        if args.set:
            situations = yaml.safe_load((settings.situations_path or DEFAULT_SITUATIONS).read_text())["situations"]
            for situation in situations:
                if situation["id"] == timeline["situation"]:
                    situation["index"] = situation.get("index") or {}
                    for item in args.set:
                        situation["index"].update(yaml.safe_load(item.replace("=", ": ", 1)))
            settings = with_situations(settings, situations, Path(scratch) / "tried.yaml")
        snapshots = list(situation_snapshots(enriched, settings.situations))
    report(timeline, snapshots)


if __name__ == "__main__":
    main()
