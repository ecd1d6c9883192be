"""The signal lexicon (data/signals.yaml, docs/signals.md): its schema, and its categories, rules, cue sets and the
word lists of negation, hedging, potential events and stance, indexed for one pass over a claim's words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from agents.datafiles import Schema, read_data_file

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
    return frozenset(value.lower() for value in values)


def _terms(values: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(value.lower().split()) for value in values)


def _by_first_word(terms: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """First word -> the terms it opens, in file order: a token's text finds its candidate terms in one lookup."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for term in terms:
        index.setdefault(term[0], []).append(term)
    return index


Signal = Literal["escalation", "de-escalation", "neutral"]


class CategorySpec(Schema):
    signal: Signal
    weight: float
    negated_as: str = "OTHER"
    always_negated: bool = False


class RuleSpec(Schema):
    category: str
    terms: list[str]
    with_words: list[str] = Field(default=[], alias="with")
    without: list[str] = []
    cues: list[str] = []
    mode: Literal["potential", "actual"] | None = None
    signal: Signal | None = None
    weight: float | None = None
    max_tokens: int | None = None
    requires_negation: bool = False
    priority: int = 0


class CueSets(Schema):
    """Reporting cues by the speech act they make; each is read by name in the classifier."""

    denial: list[str]
    reassurance: list[str]
    rejection: list[str]
    threat: list[str]
    warning: list[str]
    demand: list[str]
    offer: list[str]
    pledge: list[str]
    question: list[str]
    skepticism: list[str]
    hedge: list[str]
    potential: list[str]


class Instruments(Schema):
    risk: list[str]
    haven: list[str]


class MarketsSection(Schema):
    instruments: Instruments
    up: list[str]
    down: list[str]
    flat: list[str]


class NegationSection(Schema):
    dependency: list[str]
    determiners: list[str]
    pronouns: list[str]
    transparent_heads: list[str]
    reversals: list[str]
    starting_particles: list[str]


class HedgingSection(Schema):
    modals: list[str]
    words: list[str]
    exceptions: dict[str, list[str]] = {}
    conditional_marks: list[str]
    unasserted_marks: list[str]
    question_words: list[str]


class PotentialSection(Schema):
    auxiliaries: list[str]
    heads: list[str]
    modifiers: list[str]


class StanceSection(Schema):
    first_person: list[str]
    reflexive_third_person: list[str]
    blocs: dict[str, list[str]]
    sides: dict[str, list[str]]


class BackgroundSection(Schema):
    clause_markers: list[str]  # subordinators of a circumstantial clause
    prepositions: list[str]  # heads of a circumstantial phrase


class SignalsFile(Schema):
    """data/signals.yaml (docs/signals.md)."""

    max_gap: int = 2
    categories: dict[str, CategorySpec]
    cues: CueSets
    contrast: list[str]
    background: BackgroundSection
    demand_heads: list[str]
    rules: list[RuleSpec]
    markets: MarketsSection
    negation: NegationSection
    hedging: HedgingSection
    potential: PotentialSection
    stance: StanceSection

    @field_validator("categories")
    @classmethod
    def negated_as_known(cls, categories: dict[str, CategorySpec]) -> dict[str, CategorySpec]:
        unknown = {spec.negated_as for spec in categories.values()} - set(categories)
        if unknown:
            raise ValueError(f"negated_as names unknown categories: {sorted(unknown)}")
        return categories

    @field_validator("rules")
    @classmethod
    def categories_known(cls, rules: list[RuleSpec], info: ValidationInfo) -> list[RuleSpec]:
        if "categories" not in info.data:
            return rules  # the categories' own error says it
        categories = info.data["categories"]
        unknown = [f"rule {at}: {rule.category}" for at, rule in enumerate(rules) if rule.category not in categories]
        if unknown:
            raise ValueError(f"rules name unknown categories: {', '.join(unknown)}")
        return rules


class SignalLexicon:
    """The rules and word lists of one signals file, indexed for one pass over a claim's words."""

    def __init__(self, data: SignalsFile):
        self.max_gap = data.max_gap
        self.categories = {
            name: Category(name, spec.signal, spec.weight, spec.negated_as, spec.always_negated)
            for name, spec in data.categories.items()
        }
        self.cue_sets = {name: _words(values) for name, values in data.cues.model_dump().items()}
        self.rules = tuple(self._rule(spec) for spec in data.rules)
        # first word of every term -> (rule index, term): one pass over the claim's words finds every occurrence
        self.term_index: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, rule in enumerate(self.rules):
            for term in rule.terms:
                self.term_index.setdefault(term[0], []).append((index, term))
        self.contrast_words = _words(data.contrast)
        self.background_markers = _words(data.background.clause_markers)
        self.background_prepositions = _words(data.background.prepositions)
        self.demand_heads = _words(data.demand_heads)
        markets = data.markets
        self.market_risk = _words(markets.instruments.risk)
        self.market_haven = _words(markets.instruments.haven)
        self.market_instruments = self.market_risk | self.market_haven
        self.market_up = _terms(markets.up)
        self.market_down = _terms(markets.down)
        self.market_flat = _terms(markets.flat)
        negation = data.negation
        self.negation_deps = _words(negation.dependency)
        self.negator_determiners = _words(negation.determiners)
        self.negator_pronouns = _words(negation.pronouns)
        self.transparent_heads = _words(negation.transparent_heads)
        self.reversal_words = frozenset(term[0] for term in _terms(negation.reversals))
        self.starting_particles = _words(negation.starting_particles)
        hedging = data.hedging
        self.hedge_modals = _words(hedging.modals)
        self.hedge_words = _by_first_word(_terms(hedging.words))
        self.hedge_exceptions = {word.lower(): _words(prev) for word, prev in hedging.exceptions.items()}
        conditional_marks = _terms(hedging.conditional_marks)
        self.conditional_words = frozenset(mark[0] for mark in conditional_marks if len(mark) == 1)
        # first word -> the multi-word marks it opens ("in case", "even if")
        self.conditional_phrases = _by_first_word(mark for mark in conditional_marks if len(mark) > 1)
        self.unasserted_marks = _words(hedging.unasserted_marks)
        self.question_words = _words(hedging.question_words)
        potential = data.potential
        self.potential_aux = _words(potential.auxiliaries)
        self.potential_heads = _words(potential.heads)
        self.potential_modifiers = _words(potential.modifiers)
        stance = data.stance
        self.first_person = _words(stance.first_person)
        self.reflexive_third = _words(stance.reflexive_third_person)
        self.bloc_of = {code: bloc for bloc, codes in stance.blocs.items() for code in codes}
        self.side_words = {word.lower(): side for side, words in stance.sides.items() for word in words}

    @staticmethod
    def _rule(spec: RuleSpec) -> Rule:
        return Rule(
            category=spec.category,
            terms=_terms(spec.terms),
            with_words=_words(spec.with_words),
            without_words=_words(spec.without),
            cues=_words(spec.cues),
            mode=spec.mode,
            signal=spec.signal,
            weight=spec.weight,
            max_tokens=spec.max_tokens,
            requires_negation=spec.requires_negation,
            priority=spec.priority,
        )

    @classmethod
    def read(cls, path: Path = DEFAULT_LEXICON) -> SignalLexicon:
        return cls(read_data_file(path, SignalsFile))
