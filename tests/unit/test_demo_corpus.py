"""The shipped 2022 demo corpus: valid, marked as simulation, realistic in shape, and the indicators it drives.

The second half runs the real offline pipeline (spaCy, claims, signals, situation indicators) once per session and
checks the shape of the February 2022 curve, not its exact values.
"""

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import mean

import pytest

from streams.corpus import read_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "2022-ukraine"


def raw_records() -> list[dict]:
    return [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl")) for line in path.open() if line.strip()]


def test_demo_corpus_is_valid_and_spans_february_to_3_march():
    corpus = read_corpus(CORPUS)
    assert corpus.rejected == []
    assert len(corpus.articles) >= 120
    days = corpus.per_day()
    assert min(days) == date(2022, 2, 1) and max(days) == date(2022, 3, 3)
    assert all(article.published_at.utcoffset() is not None for article in corpus.articles)


def test_every_record_is_marked_as_a_simulation_with_a_note():
    records = raw_records()
    assert all(record["simulated"] is True and record["note"] for record in records)
    assert all(record["url"] is None or ".example.org/" in record["url"] for record in records)


def test_reports_are_short_and_come_from_several_outlets():
    records = raw_records()
    assert all(80 <= len(record["text"].split()) <= 250 for record in records)
    outlets = Counter(record["outlet"] for record in records)
    assert len(outlets) >= 5 and max(outlets.values()) < len(records) / 3


def test_syndicated_copies_are_present_verbatim_and_edited():
    records = raw_records()
    texts = Counter(record["text"] for record in records)
    verbatim = [text for text, count in texts.items() if count > 1]
    assert len(verbatim) >= 3
    copies = {record["text"]: record["outlet"] for record in records if texts[record["text"]] > 1 and record["outlet"]}
    assert len(set(copies.values())) >= 2  # carried by different outlets
    assert sum("lightly edited" in record["note"] for record in records) >= 5


def test_reports_arrive_several_a_day_from_10_february():
    days = read_corpus(CORPUS).per_day()
    busy = [count for day, count in days.items() if day >= date(2022, 2, 10)]
    assert min(busy) >= 3 and mean(busy) >= 4


@pytest.fixture(scope="module")
def snapshots() -> list:
    """The offline replay's snapshots of russia-ukraine, in event-time order."""
    from streams.offline import LanguageEnrichers, enrich_stream, situation_snapshots
    from streams.settings import Settings

    settings = Settings()
    articles = read_corpus(CORPUS).articles
    enriched = enrich_stream(articles, LanguageEnrichers(settings.nlp), settings.batch_size)
    stream = situation_snapshots(enriched, settings.situations)
    return [snapshot for snapshot in stream if snapshot.situation == "russia-ukraine"]


@pytest.fixture(scope="module")
def daily_index(snapshots) -> dict[date, float]:
    """Mean 24h escalation index per UTC day."""
    by_day: dict[date, list[float]] = {}
    for snapshot in snapshots:
        by_day.setdefault(snapshot.as_of.astimezone(UTC).date(), []).append(snapshot.escalation_index)
    return {day: mean(values) for day, values in sorted(by_day.items())}


def period(daily: dict[date, float], first: str, last: str) -> float:
    start, end = datetime.fromisoformat(first).date(), datetime.fromisoformat(last).date()
    values = [value for day, value in daily.items() if start <= day <= end]
    assert values, f"no snapshots between {first} and {last}"
    return mean(values)


def test_index_dips_around_14_to_16_february(daily_index):
    dip = period(daily_index, "2022-02-14", "2022-02-16")
    assert dip < period(daily_index, "2022-02-10", "2022-02-12")
    assert dip < period(daily_index, "2022-02-21", "2022-02-24")


def test_index_escalates_from_21_february_and_stays_high_after_the_invasion(daily_index):
    before = period(daily_index, "2022-02-01", "2022-02-20")
    dip = period(daily_index, "2022-02-14", "2022-02-16")
    assert period(daily_index, "2022-02-21", "2022-02-24") > before
    assert period(daily_index, "2022-02-25", "2022-03-03") > before
    war_days = [value for day, value in daily_index.items() if day >= date(2022, 2, 24)]
    assert min(war_days) > dip  # talks and corridors pull single days down, never back to the mid-February lull


def test_the_daily_index_is_stable_and_alerts_rarely_change(snapshots):
    """Issue 13's targets: the daily index (24h index of each UTC day's last snapshot) moves at most 11 points a day on
    average, the end-of-day alert level changes at most 5 times in the 31 days; the invasion and the war read red,
    the mid-February lull never does (bench/calibration.py prints the same figures)."""
    last = {snapshot.as_of.astimezone(UTC).date(): snapshot for snapshot in snapshots}
    days = [last[day] for day in sorted(last)]
    moves = [abs(b.escalation_index - a.escalation_index) for a, b in zip(days, days[1:], strict=False)]
    assert mean(moves) <= 11
    assert sum(a.alert_level != b.alert_level for a, b in zip(days, days[1:], strict=False)) <= 5
    levels = {day: snapshot.alert_level for day, snapshot in last.items()}
    assert "red" in {levels[date(2022, 2, d)] for d in range(21, 25)}
    assert "red" in {level for day, level in levels.items() if day >= date(2022, 2, 25)}
    lull = [s for s in snapshots if date(2022, 2, 14) <= s.as_of.astimezone(UTC).date() <= date(2022, 2, 16)]
    assert lull and all(s.alert_level != "red" for s in lull)
