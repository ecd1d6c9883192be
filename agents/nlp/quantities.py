"""Numbers that matter: rule-based numeric assertions on the parsed Doc ("more than 130,000 troops", "fell 3.5%").

spaCy's small model finds QUANTITY poorly, so a Matcher compiled once from agents/nlp/data/quantities.yaml finds
the numeric core (number + counted noun, number + "%", "a 10-page response", "dozens of troops", "40 to 50 tanks",
"$5 billion") and a PhraseMatcher finds the approximate qualifier ending right before it ("more than", "about",
"up to", "some").
Pure: no Kafka, no Faust.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from spacy.attrs import LIKE_NUM, LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from agents.datafiles import Schema, read_data_file
from agents.records import Quantity

DATA = Path(__file__).parent / "data" / "quantities.yaml"
SKIPPED_ENTITY_TYPES = frozenset({"DATE", "TIME", "ORDINAL"})  # durations, dates and ranks are not counts
IMPLIED_QUALIFIERS = {"vague": "at least", "range": "up to"}  # "dozens of troops", "40 to 50 tanks"
NOUN = {"POS": "NOUN"}
WINDOW = 12  # tokens: the longest pattern is a number phrase, some adjectives and a noun
NUMBER = {"LIKE_NUM": True}


class QuantitiesFile(Schema):
    """data/quantities.yaml."""

    qualifiers: dict[str, str]  # phrase as written -> canonical qualifier
    numbers: dict[str, float]
    scales: list[str]
    vague: dict[str, float]  # "dozens" -> the value it stands for
    percent: list[str]
    currencies: dict[str, str]  # symbol -> ISO code


@dataclass
class QuantityRules:
    matcher: Matcher
    qualifiers: PhraseMatcher
    canonical: dict[str, str]
    numbers: dict[str, float]
    scales: frozenset[str]
    vague: dict[str, float]
    currencies: dict[str, str]
    starters: np.ndarray  # LOWER hashes of non-numeric tokens that can start a quantity ("dozens", "$")

    @classmethod
    def compile(cls, vocab: Vocab, data: QuantitiesFile) -> QuantityRules:
        percent = data.percent
        currencies = data.currencies
        matcher = Matcher(vocab)
        matcher.add("percent", [[NUMBER, {"LOWER": {"IN": percent}}], [NUMBER, {"LOWER": "per"}, {"LOWER": "cent"}]])
        matcher.add("money", [[{"ORTH": {"IN": list(currencies)}}, {**NUMBER, "OP": "+"}]])
        matcher.add(
            "count",
            [
                [{**NUMBER, "OP": "+"}, {"POS": "ADJ", "OP": "*"}, NOUN],
                [{**NUMBER, "OP": "+"}, {"LOWER": "of"}, {"POS": {"IN": ["DET", "PRON"]}, "OP": "?"}, NOUN],
            ],
        )
        matcher.add(
            "range",
            [
                [
                    NUMBER,
                    {"LOWER": {"IN": ["to", "-", "and", "or"]}},
                    {**NUMBER, "OP": "+"},
                    {"POS": "ADJ", "OP": "*"},
                    NOUN,
                ]
            ],
        )
        matcher.add("compound", [[NUMBER, {"ORTH": "-"}, {"IS_ALPHA": True}, {"POS": "ADJ", "OP": "*"}, NOUN]])
        matcher.add("vague", [[{"LOWER": {"IN": list(data.vague)}}, {"LOWER": "of"}, {"POS": "ADJ", "OP": "*"}, NOUN]])
        qualifiers = PhraseMatcher(vocab, attr="LOWER")
        qualifiers.add("qualifier", [Doc(vocab, words=phrase.split()) for phrase in data.qualifiers])
        return cls(
            matcher=matcher,
            qualifiers=qualifiers,
            canonical=dict(data.qualifiers),
            numbers=dict(data.numbers),
            scales=frozenset(data.scales),
            vague=dict(data.vague),
            currencies=dict(currencies),
            starters=np.array(
                [vocab.strings.add(word.lower()) for word in [*data.vague, *currencies]], dtype=np.uint64
            ),
        )

    def extract(self, doc: Doc) -> list[Quantity]:
        cores = filter_spans(
            [Span(doc, s, e, label=m) for m, s, e in self.numeric_matches(doc) if self.plausible(doc, s)]
        )
        qualifier_ending: dict[int, tuple[int, str]] = {}
        for _, start, end in self.qualifiers(doc):  # the longest qualifier ending at a position wins
            if end not in qualifier_ending or start < qualifier_ending[end][0]:
                qualifier_ending[end] = (start, doc[start:end].text.lower())
        quantities = []
        for core in sorted(cores, key=lambda span: span.start):
            value, unit = self.read(core)
            if value is None:
                continue
            start, qualifier = core.start, None
            if core.start in qualifier_ending:
                start, phrase = qualifier_ending[core.start]
                qualifier = self.canonical[phrase]
            elif core.label_ in IMPLIED_QUALIFIERS:
                qualifier = IMPLIED_QUALIFIERS[core.label_]
            span = doc[start : core.end]
            quantities.append(
                Quantity(
                    text=span.text,
                    value=value,
                    qualifier=qualifier,
                    unit=unit,
                    start=span.start_char,
                    end=span.end_char,
                )
            )
        return quantities

    def numeric_matches(self, doc: Doc):
        """Run the Matcher only on short windows starting at a number, a vague amount or a currency sign: most of an
        article has none, and the Matcher's cost grows with every token it visits."""
        attributes = doc.to_array([LIKE_NUM, LOWER])
        starts = np.flatnonzero(attributes[:, 0] | np.isin(attributes[:, 1], self.starters))
        windows: list[list[int]] = []
        for start in starts.tolist():
            end = min(len(doc), start + WINDOW)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = end  # overlapping windows merge
            else:
                windows.append([start, end])
        for first, last in windows:
            for match_id, start, end in self.matcher(doc[first:last]):
                yield match_id, first + start, first + end

    def plausible(self, doc: Doc, start: int) -> bool:
        """Skip dates, times, years ("a 2014 war") and numbers that are part of a name ("Nord Stream 2 pipeline")."""
        token = doc[start]
        if token.ent_type_ in SKIPPED_ENTITY_TYPES:
            return False
        if token.is_digit and len(token) == 4 and 1800 <= int(token.text) <= 2100:
            return False
        return not (start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].text not in self.currencies)

    def read(self, core: Span) -> tuple[float | None, str | None]:
        label = core.label_
        if label == "vague":
            return self.vague[core[0].lower_], core[-1].text
        if label == "money":
            return self.number(core[1:]), self.currencies[core[0].text]
        if label == "range":  # "40 to 50 tanks": the upper bound, read with qualifier "up to"
            return self.number([t for t in core[2:] if t.like_num]), core[-1].text
        numeric = [t for t in core if t.like_num]
        if label == "count" and any(t.lower_ == "of" for t in core):
            numeric = [t for t in core[: [t.lower_ for t in core].index("of")] if t.like_num]
        value = self.number(numeric)
        if label == "percent":
            return value, "%"
        if label == "compound":
            return value, core[2].lower_
        return value, core[-1].text

    def number(self, tokens) -> float | None:
        """'130,000' -> 130000; 'two' -> 2; '1.5 million' -> 1.5e6; 'two hundred' -> 200."""
        total, current = 0.0, None
        for token in tokens:
            word = token.lower_.replace(",", "")
            if word in self.scales and current is not None:
                current *= self.numbers[word]
                if self.numbers[word] >= 1000:
                    total, current = total + current, None
                continue
            try:
                number = float(word)
            except ValueError:
                if word not in self.numbers:
                    return None
                number = self.numbers[word]
            current = number if current is None else current + number
        if current is None and total == 0:
            return None
        return total + (current or 0.0)


@cache
def rules_for(vocab: Vocab) -> QuantityRules:
    return QuantityRules.compile(vocab, read_data_file(DATA, QuantitiesFile))


def extract_quantities(doc: Doc) -> list[Quantity]:
    """Numeric assertions of a parsed Doc, in text order. The rules are compiled once per vocabulary."""
    return rules_for(doc.vocab).extract(doc)
