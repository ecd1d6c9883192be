"""The signal lexicon (data/signals.yaml, docs/signals.md): categories, rules, cue sets and the word lists of
negation, hedging, potential events and stance, indexed for one pass over a claim's words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_LEXICON = Path(__file__).parents[1] / "data" / "signals.yaml"


@dataclass(frozen=True)
class Category:
    name: str
    signal: str
    weight: float
    negated_as: str
    always_negated: bool = False  # DENIAL: the claim says the event does not hold


@dataclass(frozen=True)
class Rule:
    category: str
    terms: tuple[tuple[str, ...], ...]
    with_words: frozenset[str] = frozenset()
    without_words: frozenset[str] = frozenset()
    cues: frozenset[str] = frozenset()
    mode: str | None = None  # "potential" | "actual" | None
    signal: str | None = None
    weight: float | None = None
    max_tokens: int | None = None
    requires_negation: bool = False
    priority: int = 0  # higher wins over nearness to the root (words that recast the whole claim: "hysteria")


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(value).lower() for value in values)


def _terms(values: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(value).lower().split()) for value in values)


class SignalLexicon:
    """Rules and word lists from one YAML file."""

    def __init__(self, config: dict):
        self.max_gap = int(config.get("max_gap", 2))
        self.categories = {
            name: Category(
                name,
                spec["signal"],
                float(spec["weight"]),
                spec.get("negated_as", "OTHER"),
                bool(spec.get("always_negated", False)),
            )
            for name, spec in config["categories"].items()
        }
        cues = config["cues"]
        self.cue_sets = {name: _words(values) for name, values in cues.items()}
        self.rules = tuple(self._rule(spec) for spec in config["rules"])
        # first word of every term -> (rule index, term): one pass over the claim's words finds every occurrence
        self.term_index: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, rule in enumerate(self.rules):
            for term in rule.terms:
                self.term_index.setdefault(term[0], []).append((index, term))
        self.contrast_words = _words(config["contrast"])
        self.demand_heads = _words(config["demand_heads"])
        unknown = {rule.category for rule in self.rules} - set(self.categories)
        if unknown:
            raise ValueError(f"rules name unknown categories: {sorted(unknown)}")
        markets = config["markets"]
        self.market_risk = _words(markets["instruments"]["risk"])
        self.market_haven = _words(markets["instruments"]["haven"])
        self.market_instruments = self.market_risk | self.market_haven
        self.market_up = _terms(markets["up"])
        self.market_down = _terms(markets["down"])
        negation = config["negation"]
        self.negation_deps = _words(negation["dependency"])
        self.negator_determiners = _words(negation["determiners"])
        self.negator_pronouns = _words(negation["pronouns"])
        self.transparent_heads = _words(negation["transparent_heads"])
        self.reversal_words = frozenset(term[0] for term in _terms(negation["reversals"]))
        self.starting_particles = _words(negation["starting_particles"])
        hedging = config["hedging"]
        self.hedge_modals = _words(hedging["modals"])
        self.hedge_words: dict[str, list[tuple[str, ...]]] = {}
        for term in _terms(hedging["words"]):
            self.hedge_words.setdefault(term[0], []).append(term)
        self.hedge_exceptions = {word.lower(): _words(prev) for word, prev in hedging.get("exceptions", {}).items()}
        conditional_marks = _terms(hedging["conditional_marks"])
        self.conditional_words = frozenset(mark[0] for mark in conditional_marks if len(mark) == 1)
        # first word -> the multi-word marks it opens ("in case", "even if")
        self.conditional_phrases: dict[str, list[tuple[str, ...]]] = {}
        for mark in conditional_marks:
            if len(mark) > 1:
                self.conditional_phrases.setdefault(mark[0], []).append(mark)
        self.unasserted_marks = _words(hedging["unasserted_marks"])
        self.question_words = _words(hedging["question_words"])
        potential = config["potential"]
        self.potential_aux = _words(potential["auxiliaries"])
        self.potential_heads = _words(potential["heads"])
        self.potential_modifiers = _words(potential["modifiers"])
        stance = config["stance"]
        self.first_person = _words(stance["first_person"])
        self.reflexive_third = _words(stance["reflexive_third_person"])
        self.bloc_of = {code: bloc for bloc, codes in stance["blocs"].items() for code in codes}
        self.side_words = {word.lower(): side for side, words in stance["sides"].items() for word in words}

    @staticmethod
    def _rule(spec: dict) -> Rule:
        return Rule(
            category=spec["category"],
            terms=_terms(spec["terms"]),
            with_words=_words(spec.get("with", ())),
            without_words=_words(spec.get("without", ())),
            cues=_words(spec.get("cues", ())),
            mode=spec.get("mode"),
            signal=spec.get("signal"),
            weight=spec.get("weight"),
            max_tokens=spec.get("max_tokens"),
            requires_negation=bool(spec.get("requires_negation", False)),
            priority=int(spec.get("priority", 0)),
        )

    @classmethod
    def read(cls, path: Path = DEFAULT_LEXICON) -> SignalLexicon:
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))
