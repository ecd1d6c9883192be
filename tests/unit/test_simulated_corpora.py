"""The second simulated corpus (India–Pakistan, April–May 2025, for bench/calibration.py): valid, marked as a
simulation, several outlets, syndicated copies named in their notes, thin days and busy days."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

from streams.corpus import read_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "2025-india-pakistan"


def records() -> list[dict]:
    return [json.loads(line) for path in sorted(CORPUS.glob("*.jsonl")) for line in path.open() if line.strip()]


def test_the_corpus_is_valid_and_spans_the_crisis():
    corpus = read_corpus(CORPUS)
    assert corpus.rejected == [] and len(corpus.articles) >= 30
    days = corpus.per_day()
    assert min(days) == date(2025, 4, 22) and max(days) == date(2025, 5, 19)
    assert max(days.values()) >= 5 and min(days.values()) == 1  # busy strike days and thin quiet ones
    assert len(days) < (max(days) - min(days)).days + 1  # some days have no report at all


def test_every_record_is_a_marked_simulation_from_several_outlets():
    items = records()
    assert all(item["simulated"] is True and item["note"] for item in items)
    assert all(".example.org/" in item["url"] for item in items)
    outlets = Counter(item["outlet"] for item in items)
    assert len(outlets) >= 5 and max(outlets.values()) < len(items) / 3


def test_syndicated_copies_name_their_original_and_share_most_of_its_text():
    items = {item["id"]: item for item in records()}
    copies = {i: item for i, item in items.items() if "Syndicated copy of" in item["note"]}
    assert len(copies) >= 4
    for item in copies.values():
        original = items[item["note"].split("Syndicated copy of ")[1].split(",")[0].rstrip(".")]
        assert original["outlet"] != item["outlet"] and original["published_at"] < item["published_at"]
        words, original_words = set(item["text"].split()), set(original["text"].split())
        assert len(words & original_words) / len(words) > 0.8
