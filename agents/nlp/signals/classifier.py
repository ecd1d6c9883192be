"""The signal classifier: which way a claim points, scored on the speech act, not the topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Span, Token

from agents.nlp.signal_model import RuleView, SignalModel
from agents.nlp.signals.lexicon import DEFAULT_LEXICON, Rule, SignalLexicon
from agents.nlp.signals.modality import Modality
from agents.nlp.signals.stance import Stance
from agents.nlp.signals.units import Unit, find_term, head_chain, head_depth, match_term_at, related, word_units

ESCALATION, DEESCALATION, NEUTRAL = "escalation", "de-escalation", "neutral"
# Calls for these are de-escalation (README §3.6.1: calls for dialogue); other demands are neutral.
DIALOGUE_CATEGORIES = frozenset({"DIPLOMACY_CONTINUE", "NEGOTIATION_OFFER", "CEASEFIRE", "HUMANITARIAN_CORRIDOR"})
QUESTION_NEUTRALISED = frozenset({"DIPLOMACY_CONTINUE", "NEGOTIATION_OFFER", "REASSURANCE", "OTHER"})
NOMINAL = frozenset({"NOUN", "PROPN"})
CLAUSAL_COMPLEMENTS = frozenset({"xcomp", "ccomp"})  # a verb's clause: "allow them [to join]", "deny [that it fired]"


@dataclass(frozen=True)
class SignalReading:
    category: str
    signal: str  # "escalation" | "de-escalation" | "neutral": final polarity after negation
    weight: float  # signed strength, positive = escalation, 0 for neutral; before hedging
    hedged: bool
    negated: bool
    stance: str | None  # "self" | "observer" | None (outlet assertion)


@dataclass(frozen=True)
class RuledReading:
    view: RuleView
    match: Match | None  # the signal-bearing lexicon term, if any
    anchor: Token | None  # the word the reading hangs on (for stance)
    market: bool  # a price move read by the market rules, which the model leaves alone


@dataclass(frozen=True)
class Match:
    rule_index: int
    rule: Rule
    anchor: Token
    depth: int
    term_negators: bool  # the matched term itself contains a negator ("no threats", "not planning anything")
    conceded: bool  # before a contrast ("X can't go on, but I would suggest Y"): the main point is after it
    negated: bool = False  # a negator or a verb of undoing governs the anchor
    backgrounded: bool = False  # in a circumstantial clause or phrase ("hours after the truce began")

    @property
    def rank(self) -> tuple[bool, bool, int, int, int]:
        return self.conceded, self.backgrounded, -self.rule.priority, self.depth, self.rule_index


class SignalClassifier:
    """The lexicon's rules and, optionally, a learned model; `classify` is pure and cheap (one pass over the claim's
    tokens)."""

    def __init__(self, lexicon: SignalLexicon, model: SignalModel | None = None):
        self.lexicon = lexicon
        self.model = model  # the learned second opinion; None reads by the rules alone
        self.modality = Modality(lexicon)
        self.stance = Stance(lexicon)
        self.neutral_rule = Rule(category="OTHER", terms=())

    @classmethod
    def load(cls, path: Path | None = None, model_path: Path | None = None) -> SignalClassifier:
        """The lexicon and, with `model_path`, a learned model (agents/nlp/signal_model.py) for what it misses."""
        model = SignalModel.load(model_path) if model_path is not None else None
        return cls(SignalLexicon.read(path or DEFAULT_LEXICON), model)

    def classify(self, content: Span, cue: str | None, speaker_actor: str | None, kind: str) -> SignalReading:
        cue = (cue or "").lower() or None
        tokens = list(content)  # iterating a Span builds every Token anew: list them once
        ruled = self._rule_reading(content, tokens, cue)
        category, signal = ruled.view.category, ruled.view.signal
        if self.model is not None and not ruled.market:
            category, signal = self.model.revise(content, cue, kind, ruled.view)
        weight = self._weight(category, signal, ruled.match)
        stance = self.stance.of(content, tokens, ruled.anchor, speaker_actor, kind)
        return SignalReading(category, signal, weight, ruled.view.hedged, ruled.view.negated, stance)

    def rule_view(self, content: Span, cue: str | None) -> RuleView:
        """What the rules alone read in a claim (the learned model's input)."""
        return self._rule_reading(content, list(content), (cue or "").lower() or None).view

    def _rule_reading(self, content: Span, tokens: list[Token], cue: str | None) -> RuledReading:
        skipped = self.modality.conditional_tokens(content, tokens)
        units = word_units(tokens, skipped)
        forms = frozenset().union(*(unit.forms for unit in units)) if units else frozenset()
        question = self.modality.is_question(content, tokens, cue)
        hedged = question or cue in self.lexicon.cue_sets["hedge"] or self.modality.has_hedge(content, tokens, skipped)

        negators = tuple(token for token in tokens if self.modality.is_negator(token))
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
        evidence = tuple(sorted({(c.rule.category, c.negated, c.backgrounded) for c in candidates}))
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
            for rule_index, term in (entry for form in unit.forms for entry in self.lexicon.term_index.get(form, ())):
                rule = self.lexicon.rules[rule_index]
                if rule_index not in eligible:
                    eligible[rule_index] = self._rule_applies(rule, forms, cue, words)
                found = eligible[rule_index] and match_term_at(term, units, position, self.lexicon.max_gap)
                if not found:
                    continue
                heads = [matched.head for matched in found]
                anchor = top_head(heads)
                potential = rule.mode == "potential"
                if rule.mode is not None and potential != self.modality.is_potential(anchor, content, cue):
                    continue
                negated = self.modality.negated(anchor, content, negators)
                if rule.requires_negation and not negated:
                    continue
                if negated and self._transparent(anchor, rule):
                    continue  # "no one should doubt ...": the double negative carries what it governs
                term_negators = any(self.modality.is_negator(token) for token in heads)
                conceded = contrast is not None and anchor.i < contrast
                depth = head_depth(anchor, content)
                backgrounded = self._backgrounded(anchor, content)
                candidates.append(
                    Match(rule_index, rule, anchor, depth, term_negators, conceded, negated, backgrounded)
                )
        return candidates

    def _transparent(self, anchor: Token, rule: Rule) -> bool:
        """A negated transparent head passes its negation on to the event it governs. A rule that wants the negation
        of such a head reads it only when it governs no clause: "will not allow any incursion" refuses, "will not
        allow Ukraine to join" is about joining."""
        if anchor.lemma_.lower() not in self.lexicon.transparent_heads:
            return False
        return not rule.requires_negation or any(child.dep_ in CLAUSAL_COMPLEMENTS for child in anchor.children)

    def _backgrounded(self, anchor: Token, content: Span) -> bool:
        """The anchor sits in a circumstantial clause ("... after the ceasefire took effect") or phrase ("despite
        the talks") of the claim: it sets the scene of what the claim says happened."""
        below = None  # the token of the chain under `token`
        for token in head_chain(anchor, content):
            if token.i == content.root.i:
                # A root with its own subordinator is a misparse that hung the main clause under the setting
                # ("Rockets were fired, hours after the truce was announced"): only that main clause is foreground.
                return self._subordinate(token) and (below is None or below.dep_ != "ccomp")
            if token.dep_ == "advcl" and self._subordinate(token):
                return True
            head = token.head
            if token.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in self.lexicon.background_prepositions:
                return True
            below = token
        return False

    def _subordinate(self, verb: Token) -> bool:
        return any(child.dep_ == "mark" and child.lower_ in self.lexicon.background_markers for child in verb.children)

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
        return rule.signal or self.lexicon.categories[rule.category].signal

    def _last_contrast(self, content: Span, tokens: Sequence[Token]) -> int | None:
        positions = [
            token.i
            for token in tokens
            if token.lower_ in self.lexicon.contrast_words
            and token.dep_ in {"cc", "advmod", "mark"}
            and token.i > content.start
        ]
        return positions[-1] if positions else None

    def _event_reading(
        self, content: Span, match: Match, cue: str | None, negators: Sequence[Token]
    ) -> tuple[str, str, bool]:
        category = self.lexicon.categories[match.rule.category]
        signal = match.rule.signal or category.signal
        negated = self.modality.negated(match.anchor, content, negators)
        if match.term_negators or match.rule.requires_negation or category.always_negated:
            return category.name, signal, True
        if cue in self.lexicon.cue_sets["reassurance"]:
            return "REASSURANCE", self.lexicon.categories["REASSURANCE"].signal, False
        if cue in self.lexicon.cue_sets["denial"]:
            # The cue denies the content: an escalation or unclassified content denied is a DENIAL (easing);
            # a de-escalation denied ("dismissed reports of a pullback") is SKEPTICISM.
            if signal == DEESCALATION:
                return "SKEPTICISM", self.lexicon.categories["SKEPTICISM"].signal, True
            return "DENIAL", self.lexicon.categories["DENIAL"].signal, True
        # the cue turns down an easing step, unless the term read is the turning down itself ("rejected any
        # military intervention": a rule that already reads the rejection)
        rejecting = match.anchor.lemma_.lower() in self.lexicon.cue_sets["rejection"]
        if cue in self.lexicon.cue_sets["rejection"] and signal == DEESCALATION and not negated and not rejecting:
            return "DIPLOMACY_REJECT", self.lexicon.categories["DIPLOMACY_REJECT"].signal, False
        if negated and category.negated_as != category.name:
            flipped = self.lexicon.categories[category.negated_as]
            return flipped.name, flipped.signal, True
        return category.name, signal, negated

    def _cue_only_reading(self, negators: Sequence[Token], cue: str | None) -> tuple[str, str, bool]:
        negated = any(self.modality.governs_unblocked(token) for token in negators)
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
            if cue in self.lexicon.cue_sets[cue_set]:
                return category, self.lexicon.categories[category].signal, negated or cue_set == "denial"
        return "OTHER", NEUTRAL, negated

    def _speech_act(
        self, category: str, signal: str, cue: str | None, question: bool, anchor: Token | None, content: Span
    ) -> tuple[str, str]:
        """Demands for an easing step and plain questions commit to nothing: they are neutral (README §3.6.1, 3.6.7)."""
        if question and cue not in self.lexicon.cue_sets["skepticism"] and category in QUESTION_NEUTRALISED:
            return "OTHER", NEUTRAL
        if question and cue in self.lexicon.cue_sets["skepticism"] and signal == DEESCALATION:
            return "SKEPTICISM", ESCALATION
        demanded_in_content = anchor is not None and any(
            token.i != anchor.i and token.lemma_.lower() in self.lexicon.demand_heads
            for token in head_chain(anchor, content)
        )
        is_demand = (cue in self.lexicon.cue_sets["demand"] or demanded_in_content) and not question
        if is_demand and signal == DEESCALATION and category not in DIALOGUE_CATEGORIES:
            return "OTHER", NEUTRAL
        if cue in self.lexicon.cue_sets["threat"] and category in {"OTHER", "INVASION_WARNING", "MILITARY_ATTACK"}:
            return "ATTACK_THREAT", ESCALATION
        return category, signal

    def _weight(self, category: str, signal: str, match: Match | None) -> float:
        if signal == NEUTRAL:
            return 0.0
        base = self.lexicon.categories[category].weight
        if match is not None and match.rule.weight is not None and match.rule.category == category:
            base = float(match.rule.weight)
        magnitude = abs(base) or 1.0
        return magnitude if signal == ESCALATION else -magnitude

    def _market_reading(self, units: Sequence[Unit]) -> str | None:
        """Signal of a price move on the news: risk assets up (or havens down) = easing; the reverse = escalation;
        no move (steady, little changed) = neutral."""
        instruments = [(unit.head, unit.forms) for unit in units if unit.forms & self.lexicon.market_instruments]
        if not instruments:
            return None
        moves = sorted(
            (move.i, direction, move)
            for direction, terms in (
                (+1, self.lexicon.market_up),
                (-1, self.lexicon.market_down),
                (0, self.lexicon.market_flat),
            )
            for term in terms
            for move in (top_head([unit.head for unit in found]) for found in find_term(term, units, 0))
        )
        for _, direction, move in moves:
            for instrument, forms in instruments:
                if not related(instrument, move):
                    continue
                risk_up = direction if forms & self.lexicon.market_risk else -direction
                return NEUTRAL if not risk_up else DEESCALATION if risk_up > 0 else ESCALATION
        return None


def top_head(heads: Sequence[Token]) -> Token:
    """The word of a matched term (its units' heads) that heads the others: the term's anchor in the parse."""
    return heads[0] if len(heads) == 1 else min(heads, key=lambda token: head_depth(token, None))
