"""A learned second opinion on a claim's signal, over the rules' reading and the claim's parse.

The rules (agents/nlp/signals/) know the speech act: cues, negation, hedging, conditionals, demands. What they
miss is vocabulary: the many ways reports say that fighting started, a truce held or prisoners went home. The model
is a multinomial logistic regression over sparse features of the already parsed claim (its root, verb-particle and
verb-object pairs, negated words, modals, the cue) and of the rules' own reading, trained by `sitrep train signals`
on the team-written corpus in corpus/claims-training (never on evaluation text). It is stored as plain JSON weights
and applied here with a dot product: no scikit-learn at run time, no second parse.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Span, Token

from agents.datafiles import Schema, read_data_file
from agents.nlp.syntax import SUBJECT_DEPS

DEFAULT_MODEL = Path(__file__).parent / "data" / "signal_model.json"
NEGATION_WORDS = frozenset({"not", "no", "never", "n't", "without", "nothing", "none", "neither", "nor"})
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "pobj"})


@dataclass(frozen=True)
class RuleView:
    """The parts of the rules' reading the model sees."""

    signal: str
    category: str
    negated: bool
    hedged: bool
    # (category, negated, backgrounded) of every lexicon term found in the claim
    evidence: tuple[tuple[str, bool, bool], ...] = ()

    @property
    def recognised(self) -> bool:
        """The rules read something: a lexicon term, or a cue that decides the speech act."""
        return bool(self.evidence) or self.category != "OTHER"


def claim_features(content: Span, cue: str | None, kind: str, rules: RuleView) -> list[str]:
    """Sparse binary features of one claim, read off its parse: the rules' reading, the cue, and the claim's
    predicate structure (root, verb-particle, verb-object, subject-verb pairs, negated words, modals). No bag of
    words: on real reports, words alone carry the team-written corpus's style more than the signal."""
    features = [f"kind={kind}", f"cue={cue or '-'}", f"rule={rules.signal}", f"rule_cat={rules.category}"]
    features.append(f"cue_rule={cue or '-'}|{rules.signal}")
    if rules.negated:
        features += ["rule_negated", f"rule_negated={rules.signal}"]
    if rules.hedged:
        features.append("rule_hedged")
    features += [
        f"{'setting' if backgrounded else 'term'}={category}{'_negated' if negated else ''}"
        for category, negated, backgrounded in rules.evidence
    ]
    tokens = [token for token in content if not (token.is_punct or token.is_space)]
    if not tokens:
        return features
    root = content.root
    features.append(f"root={_lemma(root)}")
    for token in tokens:
        lemma = _lemma(token)
        if token.tag_ == "MD":
            features.append(f"modal={lemma}")
        if _is_negated(token):
            features.append(f"neg={lemma}")
        for child in token.children:
            if child.dep_ == "prt":  # "break out", "pull back", "hand over"
                features.append(f"pv={lemma}_{child.lower_}")
            elif child.dep_ in OBJECT_DEPS and token.pos_ in ("VERB", "NOUN", "ADP"):
                features.append(f"vo={lemma}_{_lemma(child)}")
            elif child.dep_ in SUBJECT_DEPS and token.pos_ == "VERB":
                features.append(f"sv={_lemma(child)}_{lemma}")
    return features


def _lemma(token: Token) -> str:
    if token.like_num:
        return "<num>"
    return token.lemma_.lower()


def _is_negated(token: Token) -> bool:
    return any(
        child.dep_ == "neg" or child.lower_ in NEGATION_WORDS and child.dep_ == "det" for child in token.children
    )


class HeadFile(Schema):
    classes: list[str]
    intercepts: list[float]
    weights: dict[str, list[float]]  # feature -> one weight per class


class SignalModelFile(Schema):
    """data/signal_model.json, written by `sitrep train signals` (SignalModel.to_json)."""

    training: dict[str, Any]  # what the model was trained on, for the reader
    category_signal: dict[str, str]
    signal: HeadFile
    category: HeadFile


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression: per-class intercepts and per-feature weight vectors."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    @classmethod
    def from_file(cls, data: HeadFile) -> LinearHead:
        return cls(
            classes=tuple(data.classes),
            intercepts=tuple(data.intercepts),
            weights={feature: tuple(values) for feature, values in data.weights.items()},
        )

    def to_json(self) -> dict:
        return {
            "classes": list(self.classes),
            "intercepts": [round(value, 6) for value in self.intercepts],
            "weights": {
                feature: [round(value, 6) for value in values] for feature, values in sorted(self.weights.items())
            },
        }

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        scores = list(self.intercepts)
        for feature in set(features):
            values = self.weights.get(feature)
            if values is not None:
                scores = [score + value for score, value in zip(scores, values, strict=True)]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: value / total for label, value in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class SignalModel:
    """A signal head and a category head over the same features; `category_signal` maps each category to the
    signal it most often carried in training, so the category chosen always agrees with the signal."""

    signal: LinearHead
    category: LinearHead
    category_signal: dict[str, str]

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL) -> SignalModel:
        data = read_data_file(path, SignalModelFile)
        return cls(
            signal=LinearHead.from_file(data.signal),
            category=LinearHead.from_file(data.category),
            category_signal=dict(data.category_signal),
        )

    def to_json(self, training: dict) -> str:
        """Stable text: sorted features, rounded weights, and what the model was trained on."""
        data = {
            "training": training,
            "category_signal": dict(sorted(self.category_signal.items())),
            "signal": self.signal.to_json(),
            "category": self.category.to_json(),
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    def decide(self, features: Sequence[str], rules: RuleView) -> str:
        """The signal: the rules' where they recognised something, else the model's likeliest."""
        if rules.recognised:
            return rules.signal
        probabilities = self.signal.probabilities(features)
        return max(self.signal.classes, key=lambda label: probabilities[label])

    def revise(self, content: Span, cue: str | None, kind: str, rules: RuleView) -> tuple[str, str]:
        """(category, signal). Where the rules recognised an event or a speech act they stand: on real reports they
        beat the model there (docs/signals.md). Where they found nothing, the model reads the claim: its
        signal, with the rules' category when that agrees, else its likeliest category of that signal."""
        if rules.recognised:
            return rules.category, rules.signal
        features = claim_features(content, cue, kind, rules)
        signal = self.decide(features, rules)
        if signal == rules.signal:
            return rules.category, signal
        categories = self.category.probabilities(features)
        fitting = [label for label in self.category.classes if self.category_signal.get(label) == signal]
        category = max(fitting, key=lambda label: categories[label]) if fitting else "OTHER"
        return category, signal
