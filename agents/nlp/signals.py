"""Escalation signals: which way a claim points, scored on the speech act, not the topic.

Pure: reads the spaCy parse already made for the article (token lemmas, POS, dependency tree) and the lexicon in
agents/nlp/data/signals.yaml; never parses text. `SignalClassifier.classify` gives a category (taxonomy of
docs/signals.md), the final signal after negation, a signed CAMEO-like weight, hedged / negated flags and the stance
(a party's claim about its own side, or an observation of others).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml
from spacy.tokens import Span, Token

from agents.nlp.docs import head_indices, root_depths
from agents.nlp.signal_model import RuleView, SignalModel

DEFAULT_LEXICON = Path(__file__).parent / "data" / "signals.yaml"
ESCALATION, DEESCALATION, NEUTRAL = "escalation", "de-escalation", "neutral"
# Calls for these are de-escalation (README §3.6.1: calls for dialogue); other demands are neutral.
DIALOGUE_CATEGORIES = frozenset({"DIPLOMACY_CONTINUE", "NEGOTIATION_OFFER", "CEASEFIRE", "HUMANITARIAN_CORRIDOR"})
QUESTION_NEUTRALISED = frozenset({"DIPLOMACY_CONTINUE", "NEGOTIATION_OFFER", "REASSURANCE", "OTHER"})
PREDICATIVE = frozenset({"acomp", "attr", "oprd"})
NOMINAL = frozenset({"NOUN", "PROPN"})
CLAUSE_BREAK = frozenset({",", ";", ":", "—", "–", "(", ")"})


@dataclass(frozen=True)
class SignalReading:
    category: str
    signal: str  # "escalation" | "de-escalation" | "neutral": final polarity after negation
    weight: float  # signed strength, positive = escalation, 0 for neutral; before hedging
    hedged: bool
    negated: bool
    stance: str | None  # "self" | "observer" | None (outlet assertion)


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


@dataclass(frozen=True)
class RuledReading:
    view: RuleView
    match: Match | None  # the signal-bearing lexicon term, if any
    anchor: Token | None  # the word the reading hangs on (for stance)
    market: bool  # a price move read by the market rules, which the model leaves alone


class Unit(NamedTuple):  # a tuple: built for every word of every claim, far cheaper than a frozen dataclass
    """A word for matching: hyphenated compounds ("build-up", "de-escalation") are one unit, as in the lexicon."""

    forms: frozenset[str]  # lower-cased text and lemma
    head: Token  # the token of the unit nearest the root


@dataclass(frozen=True)
class Match:
    rule_index: int
    rule: Rule
    anchor: Token
    depth: int
    term_negators: bool  # the matched term itself contains a negator ("no threats", "not planning anything")
    conceded: bool  # before a contrast ("X can't go on, but I would suggest Y"): the main point is after it
    negated: bool = False  # a negator or a verb of undoing governs the anchor

    @property
    def rank(self) -> tuple[bool, int, int, int]:
        return self.conceded, -self.rule.priority, self.depth, self.rule_index


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(value).lower() for value in values)


def _terms(values: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(value).lower().split()) for value in values)


class SignalClassifier:
    """Rules and lexicons from one YAML file; `classify` is pure and cheap (one pass over the claim's tokens)."""

    def __init__(self, config: dict, model: SignalModel | None = None):
        self.model = model  # the learned second opinion; None reads by the rules alone
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
        self.neutral_rule = Rule(category="OTHER", terms=())
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
    def load(cls, path: Path | None = None, model_path: Path | None = None) -> SignalClassifier:
        """The lexicon and, with `model_path`, a learned model (agents/nlp/signal_model.py) for what it misses."""
        with open(path or DEFAULT_LEXICON, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        return cls(config, SignalModel.load(model_path) if model_path is not None else None)

    # ------------------------------------------------------------------ classification

    def classify(self, content: Span, cue: str | None, speaker_actor: str | None, kind: str) -> SignalReading:
        cue = (cue or "").lower() or None
        tokens = list(content)  # iterating a Span builds every Token anew: list them once
        ruled = self._rule_reading(content, tokens, cue)
        category, signal = ruled.view.category, ruled.view.signal
        if self.model is not None and not ruled.market:
            category, signal = self.model.revise(content, cue, kind, ruled.view)
        weight = self._weight(category, signal, ruled.match)
        stance = self._stance(content, tokens, ruled.anchor, speaker_actor, kind)
        return SignalReading(category, signal, weight, ruled.view.hedged, ruled.view.negated, stance)

    def rule_view(self, content: Span, cue: str | None) -> RuleView:
        """What the rules alone read in a claim (the learned model's input)."""
        return self._rule_reading(content, list(content), (cue or "").lower() or None).view

    def _rule_reading(self, content: Span, tokens: list[Token], cue: str | None) -> RuledReading:
        skipped = self._conditional_tokens(content, tokens)
        units = _units(tokens, skipped)
        forms = frozenset().union(*(unit.forms for unit in units)) if units else frozenset()
        question = self._is_question(content, tokens, cue)
        hedged = question or cue in self.cue_sets["hedge"] or self._has_hedge(content, tokens, skipped)

        negators = tuple(token for token in tokens if self._is_negator(token))
        market = self._market_reading(units)
        candidates = [] if market else self._candidates(content, tokens, units, forms, cue, negators)
        match = self._pick(candidates)
        if market:
            category, signal, negated, anchor = "MARKET_REACTION", market, False, None
        elif match:
            category, signal, negated = self._event_reading(content, match, cue, negators)
            anchor = match.anchor
        else:
            category, signal, negated = self._cue_only_reading(negators, cue)
            anchor = content.root if len(content) else None
        category, signal = self._speech_act(category, signal, cue, question, anchor, content)
        evidence = tuple(sorted({(candidate.rule.category, candidate.negated) for candidate in candidates}))
        view = RuleView(signal, category, negated, hedged, evidence)
        return RuledReading(view, match, anchor, market is not None)

    def _pick(self, candidates: Sequence[Match]) -> Match | None:
        """The signal-bearing occurrence: after any concession, nearest the root of the claim, then by rule order."""
        if not candidates:
            return None
        best = min(candidates, key=lambda match: match.rank)
        return self._dual_track(best, candidates) or best

    def _candidates(
        self,
        content: Span,
        tokens: Sequence[Token],
        units: Sequence[Unit],
        forms: frozenset[str],
        cue: str | None,
        negators: Sequence[Token],
    ) -> list[Match]:
        """Every occurrence of a rule's term that applies here."""
        contrast = self._last_contrast(content, tokens)
        words = sum(1 for token in tokens if not token.is_punct)
        eligible: dict[int, bool] = {}
        candidates = []
        for position, unit in enumerate(units):
            for rule_index, term in (entry for form in unit.forms for entry in self.term_index.get(form, ())):
                rule = self.rules[rule_index]
                if rule_index not in eligible:
                    eligible[rule_index] = self._rule_applies(rule, forms, cue, words)
                found = eligible[rule_index] and _match_at(term, units, position, self.max_gap)
                if not found:
                    continue
                heads = [matched.head for matched in found]
                anchor = heads[0] if len(heads) == 1 else min(heads, key=lambda token: _depth(token, None))
                if rule.mode is not None and (rule.mode == "potential") != self._is_potential(anchor, content, cue):
                    continue
                negated = self._negated(anchor, content, negators)
                if rule.requires_negation and not negated:
                    continue
                if negated and anchor.lemma_.lower() in self.transparent_heads:
                    continue  # "no one should doubt ...": the double negative carries what it governs
                term_negators = any(self._is_negator(token) for token in heads)
                conceded = contrast is not None and anchor.i < contrast
                candidates.append(
                    Match(rule_index, rule, anchor, _depth(anchor, content), term_negators, conceded, negated)
                )
        return candidates

    @staticmethod
    def _rule_applies(rule: Rule, forms: frozenset[str], cue: str | None, words: int) -> bool:
        if rule.cues and cue not in rule.cues:
            return False
        if rule.max_tokens is not None and words > rule.max_tokens:
            return False
        return not ((rule.with_words and not rule.with_words & forms) or rule.without_words & forms)

    def _dual_track(self, best: Match, candidates: Sequence[Match]) -> Match | None:
        """Coordinated opposite aims ("deterrence and diplomacy") commit to neither: a neutral OTHER.

        Only nominal coordination: coordinated verbs report two events ("completed the drills and started to return").
        """
        signal = self._rule_signal(best.rule)
        if best.anchor.pos_ not in NOMINAL:
            return None
        for other in candidates:
            linked = (other.anchor.dep_ == "conj" and other.anchor.head.i == best.anchor.i) or (
                best.anchor.dep_ == "conj" and best.anchor.head.i == other.anchor.i
            )
            if linked and {signal, self._rule_signal(other.rule)} == {ESCALATION, DEESCALATION}:
                return Match(best.rule_index, self.neutral_rule, best.anchor, best.depth, False, best.conceded)
        return None

    def _rule_signal(self, rule: Rule) -> str:
        return rule.signal or self.categories[rule.category].signal

    def _last_contrast(self, content: Span, tokens: Sequence[Token]) -> int | None:
        positions = [
            token.i
            for token in tokens
            if token.lower_ in self.contrast_words
            and token.dep_ in {"cc", "advmod", "mark"}
            and token.i > content.start
        ]
        return positions[-1] if positions else None

    def _event_reading(
        self, content: Span, match: Match, cue: str | None, negators: Sequence[Token]
    ) -> tuple[str, str, bool]:
        category = self.categories[match.rule.category]
        signal = match.rule.signal or category.signal
        negated = self._negated(match.anchor, content, negators)
        if match.term_negators or match.rule.requires_negation or category.always_negated:
            return category.name, signal, True
        if cue in self.cue_sets["reassurance"]:
            return "REASSURANCE", self.categories["REASSURANCE"].signal, False
        if cue in self.cue_sets["denial"]:
            # The cue denies the content: an escalation or unclassified content denied is a DENIAL (easing);
            # a de-escalation denied ("dismissed reports of a pullback") is SKEPTICISM.
            if signal == DEESCALATION:
                return "SKEPTICISM", self.categories["SKEPTICISM"].signal, True
            return "DENIAL", self.categories["DENIAL"].signal, True
        if cue in self.cue_sets["rejection"] and signal == DEESCALATION and not negated:
            return "DIPLOMACY_REJECT", self.categories["DIPLOMACY_REJECT"].signal, False
        if negated and category.negated_as != category.name:
            flipped = self.categories[category.negated_as]
            return flipped.name, flipped.signal, True
        return category.name, signal, negated

    def _cue_only_reading(self, negators: Sequence[Token], cue: str | None) -> tuple[str, str, bool]:
        negated = any(self._governs_unblocked(token) for token in negators)
        for cue_set, category in (
            ("denial", "DENIAL"),
            ("reassurance", "REASSURANCE"),
            ("rejection", "DIPLOMACY_REJECT"),
            ("threat", "ATTACK_THREAT"),
            ("warning", "INVASION_WARNING"),
            ("skepticism", "SKEPTICISM"),
            ("offer", "NEGOTIATION_OFFER"),
            ("pledge", "SUPPORT_PLEDGE"),
        ):
            if cue in self.cue_sets[cue_set]:
                return category, self.categories[category].signal, negated or cue_set == "denial"
        return "OTHER", NEUTRAL, negated

    def _speech_act(
        self, category: str, signal: str, cue: str | None, question: bool, anchor: Token | None, content: Span
    ) -> tuple[str, str]:
        """Demands for an easing step and plain questions commit to nothing: they are neutral (README §3.6.1, 3.6.7)."""
        if question and cue not in self.cue_sets["skepticism"] and category in QUESTION_NEUTRALISED:
            return "OTHER", NEUTRAL
        if question and cue in self.cue_sets["skepticism"] and signal == DEESCALATION:
            return "SKEPTICISM", ESCALATION
        demanded_in_content = anchor is not None and any(
            token.i != anchor.i and token.lemma_.lower() in self.demand_heads for token in _chain(anchor, content)
        )
        is_demand = (cue in self.cue_sets["demand"] or demanded_in_content) and not question
        if is_demand and signal == DEESCALATION and category not in DIALOGUE_CATEGORIES:
            return "OTHER", NEUTRAL
        if cue in self.cue_sets["threat"] and category in {"OTHER", "INVASION_WARNING", "MILITARY_ATTACK"}:
            return "ATTACK_THREAT", ESCALATION
        return category, signal

    def _weight(self, category: str, signal: str, match: Match | None) -> float:
        if signal == NEUTRAL:
            return 0.0
        base = self.categories[category].weight
        if match is not None and match.rule.weight is not None and match.rule.category == category:
            base = float(match.rule.weight)
        magnitude = abs(base) or 1.0
        return magnitude if signal == ESCALATION else -magnitude

    # ------------------------------------------------------------------ markets

    def _market_reading(self, units: Sequence[Unit]) -> str | None:
        """Signal of a price move on the news: risk assets up (or havens down) = easing; the reverse = escalation."""
        instruments = [(unit.head, unit.forms) for unit in units if unit.forms & self.market_instruments]
        if not instruments:
            return None
        moves = sorted(
            [(found[0].head.i, +1, found[0].head) for term in self.market_up for found in _find(term, units, 0)]
            + [(found[0].head.i, -1, found[0].head) for term in self.market_down for found in _find(term, units, 0)]
        )
        for _, direction, move in moves:
            for instrument, forms in instruments:
                if not _related(instrument, move):
                    continue
                risk_up = direction if forms & self.market_risk else -direction
                return DEESCALATION if risk_up > 0 else ESCALATION
        return None

    # ------------------------------------------------------------------ negation

    def _is_negator(self, token: Token) -> bool:
        lower = token.lower_
        if token.dep_ in self.negation_deps:
            return True
        if lower in self.negator_determiners and token.dep_ in {"det", "neg", "advmod", "amod", "nsubj", "dobj"}:
            return not any(child.lower_ == "a" for child in token.children)  # "a few troops" is no negation
        return lower in self.negator_pronouns

    def _negated(self, anchor: Token, content: Span, negators: Sequence[Token]) -> bool:
        """A negator governs the anchor, or a verb of undoing governs it ("the truce collapsed", "talks broke down")."""
        if any(self._reaches(token, anchor, content) for token in negators):
            return True
        return any(
            token.i != anchor.i and token.lemma_.lower() in self.reversal_words and not self._outbreak(token)
            for token in _chain(anchor, content)
        )

    def _outbreak(self, verb: Token) -> bool:
        """ "Fighting broke out": a particle that makes the verb of undoing a verb of starting."""
        return any(child.dep_ == "prt" and child.lower_ in self.starting_particles for child in verb.children)

    def _reaches(self, negator: Token, anchor: Token, content: Span) -> bool:
        """Does the negated word (the negator's head) dominate the anchor, with no transparent head on the way?"""
        negated_word = negator.head
        if negated_word.dep_.startswith("nsubj") and negator.dep_ != "neg":
            negated_word = negated_word.head  # "few Russians expect", "no one wants": the verb is negated
        for token in _chain(anchor, content):
            if token.i in (negated_word.i, negator.i):
                return token.i == anchor.i or token.lemma_.lower() not in self.transparent_heads
            if token.i != anchor.i and token.lemma_.lower() in self.transparent_heads:
                return False
            if token.dep_ == "conj":
                return False  # a negated first conjunct does not negate the next one ("can't go on ... but continue")
        return False

    def _governs_unblocked(self, negator: Token) -> bool:
        return negator.head.lemma_.lower() not in self.transparent_heads

    # ------------------------------------------------------------------ hedging, conditionals, questions

    def _conditional_tokens(self, content: Span, tokens: Sequence[Token]) -> frozenset[int]:
        """Token indices inside conditional clauses ("if it did attack", "should he decide", "in case they attack")."""
        skipped: set[int] = set()
        for position, token in enumerate(tokens):
            lower = token.lower_
            single = lower in self.conditional_words
            asked = lower in self.unasserted_marks and token.head.i != content.root.i
            conditional = single and token.head.dep_ == "advcl"
            if token.dep_ == "mark" and (asked or conditional):
                skipped.update(t.i for t in token.head.subtree if content.start <= t.i < content.end)
            elif lower == "should" and token.dep_ == "aux" and token.head.dep_ == "advcl":
                subjects = [c for c in token.head.children if c.dep_.startswith("nsubj")]
                if subjects and token.i < subjects[0].i:
                    skipped.update(t.i for t in token.head.subtree if content.start <= t.i < content.end)
            for mark in self.conditional_phrases.get(lower, ()):
                if tuple(t.lower_ for t in tokens[position : position + len(mark)]) == mark:
                    for follower in tokens[position:]:
                        if follower.text in CLAUSE_BREAK and follower.i > token.i + len(mark):
                            break
                        skipped.add(follower.i)
        return frozenset(skipped)

    def _has_hedge(self, content: Span, tokens: Sequence[Token], conditional: frozenset[int]) -> bool:
        """Epistemic modals and markers outside conditional and relative clauses."""
        relative = set(conditional) | {
            t.i
            for token in tokens
            if token.dep_ in {"relcl", "acl"}
            and token.i != content.root.i
            and content.start <= token.head.i < content.end
            for t in token.subtree
        }
        for token in tokens:
            if token.i in relative:
                continue
            if token.tag_ == "MD" and token.lower_ in self.hedge_modals:
                return True
        if any(token.lower_ in self.unasserted_marks for token in tokens):
            return True  # an embedded question ("whether ...") is itself uncertain
        visible = [token for token in tokens if token.i not in relative]
        texts = [token.lower_ for token in visible]
        for position, token in enumerate(visible):
            for term in self.hedge_words.get(texts[position], ()):
                if tuple(texts[position : position + len(term)]) != term:
                    continue
                previous = token.doc[token.i - 1].lower_ if token.i > 0 else ""
                if previous not in self.hedge_exceptions.get(term[0], frozenset()):
                    return True
        return False

    def _is_question(self, content: Span, tokens: Sequence[Token], cue: str | None) -> bool:
        first = next((token for token in tokens if not token.is_punct), None)
        if cue in self.cue_sets["question"] and first is not None and first.lower_ in self.question_words:
            return True
        doc = content.doc
        last = tokens[-1] if tokens else None
        after = doc[content.end] if content.end < len(doc) else None
        return bool(
            (last is not None and last.text == "?")
            or (after is not None and after.text == "?")
            or (
                after is not None and after.is_quote and content.end + 1 < len(doc) and doc[content.end + 1].text == "?"
            )
        )

    # ------------------------------------------------------------------ potential vs actual

    def _is_potential(self, anchor: Token, content: Span, cue: str | None) -> bool:
        if cue in self.cue_sets["potential"]:
            return True
        if any(
            child.lemma_.lower() in self.potential_modifiers
            for child in anchor.children
            if child.dep_ in {"amod", "det", "compound", "advmod"}
        ):
            return True
        for token in _chain(anchor, content):
            if token.i != anchor.i and token.lemma_.lower() in self.potential_heads:
                return True
            for child in token.children:
                if child.dep_ in {"aux", "auxpass"} and child.lower_ in self.potential_aux:
                    return True
                if child.dep_ in PREDICATIVE and child.lemma_.lower() in self.potential_modifiers:
                    return True  # "an invasion remained possible", "an attack is imminent"
        return False

    # ------------------------------------------------------------------ stance

    def _stance(
        self, content: Span, tokens: Sequence[Token], anchor: Token | None, speaker_actor: str | None, kind: str
    ) -> str | None:
        if kind == "assertion" or not speaker_actor:
            return None
        speaker_side = self._side_of_code(speaker_actor)
        agent_side = self._agent_side(content, tokens, anchor, speaker_side, kind)
        if agent_side is None:
            return "observer"
        return "self" if agent_side == speaker_side else "observer"

    def _side_of_code(self, code: str) -> str:
        base = code.removesuffix("_GOV")
        return self.bloc_of.get(base, base)

    def _agent_side(
        self, content: Span, tokens: Sequence[Token], anchor: Token | None, speaker_side: str, kind: str
    ) -> str | None:
        for token in self._agent_tokens(content, anchor):
            side = self._token_side(token, speaker_side, kind)
            if side:
                return side
        sides = {self._token_side(token, speaker_side, kind) for token in tokens} - {None}
        return sides.pop() if len(sides) == 1 else None

    def _agent_tokens(self, content: Span, anchor: Token | None) -> Iterator[Token]:
        if anchor is None:
            return
        for token in _chain(anchor, content):
            for child in token.children:
                if child.dep_ in {"nsubj", "nsubjpass", "agent", "poss", "amod", "compound"}:
                    yield from child.subtree

    def _token_side(self, token: Token, speaker_side: str, kind: str) -> str | None:
        lower = token.lower_
        if lower in self.first_person:
            return speaker_side
        if kind == "indirect" and lower in self.reflexive_third:
            return speaker_side
        side = self.side_words.get(lower)
        return self.bloc_of.get(side, side) if side else None


# ---------------------------------------------------------------------- token helpers


def _units(content_tokens: Sequence[Token], skipped: frozenset[int]) -> list[Unit]:
    """Words of the claim outside conditional clauses, hyphenated compounds merged ("build-up", "de-escalation")."""
    units: list[Unit] = []
    tokens = [token for token in content_tokens if token.i not in skipped]
    index = 0
    while index < len(tokens):
        group = [tokens[index]]
        while (
            index + 2 < len(tokens)
            and tokens[index + 1].text == "-"
            and not group[-1].whitespace_
            and not tokens[index + 1].whitespace_
            and tokens[index + 2].i == tokens[index + 1].i + 1
        ):
            group += [tokens[index + 1], tokens[index + 2]]
            index += 2
        index += 1
        if len(group) == 1:  # most words: no joins, no depth walk
            token = group[0]
            if not token.is_punct:
                units.append(Unit(frozenset({token.lower_, _lemma_form(token)}), token))
            continue
        texts = "".join(t.lower_ for t in group)
        lemmas = "".join(_lemma_form(t) for t in group)
        head = min(group, key=lambda token: _depth(token, None))
        units.append(Unit(frozenset({texts, lemmas}), head))
    return units


def _lemma_form(token: Token) -> str:
    return "-" if token.text == "-" else token.lemma_.lower()


def _find(term: tuple[str, ...], units: Sequence[Unit], max_gap: int) -> Iterator[list[Unit]]:
    """Occurrences of a term (a word sequence) with at most `max_gap` units between consecutive words."""
    for start in range(len(units)):
        found = _match_at(term, units, start, max_gap)
        if found:
            yield found


def _match_at(term: tuple[str, ...], units: Sequence[Unit], start: int, max_gap: int) -> list[Unit] | None:
    if term[0] not in units[start].forms:
        return None
    found, position = [units[start]], start
    for word in term[1:]:
        window = units[position + 1 : position + 2 + max_gap]
        step = next((offset for offset, candidate in enumerate(window) if word in candidate.forms), None)
        if step is None:
            return None
        position += step + 1
        found.append(units[position])
    return found


def _chain(token: Token, content: Span | None) -> Iterator[Token]:
    """The token and its heads, up to the root of the claim (or of the sentence)."""
    current = token
    while True:
        yield current
        head = current.head  # each access builds a new Token
        if head.i == current.i:
            return
        if content is not None and not (content.start <= head.i < content.end):
            return
        current = head


def _depth(token: Token, content: Span | None) -> int:
    """How many heads `_chain` climbs from the token, on head indices (no Token objects)."""
    if content is None:
        return root_depths(token.doc)[token.i]
    heads = head_indices(token.doc)
    start, end = content.start, content.end
    current, depth = token.i, 0
    while (head := heads[current]) != current and start <= head < end:
        current, depth = head, depth + 1
    return depth


def _related(first: Token, second: Token) -> bool:
    """Syntactically close: one is within three heads of the other."""

    def near(a: Token, b: Token) -> bool:
        current = a
        for _ in range(4):
            if current.i == b.i:
                return True
            current = current.head
        return False

    return near(first, second) or near(second, first)
