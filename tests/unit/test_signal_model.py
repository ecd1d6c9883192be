"""The learned signal model: its features, its decision next to the rules, deterministic training, and the shipped
model file built from the training corpus in the repository."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from agents.nlp.signal_model import DEFAULT_MODEL, LinearHead, RuleView, SignalModel, claim_features
from agents.nlp.signals import SignalClassifier
from agents.nlp.signals.lexicon import SignalLexicon
from streams.evaluation.train_signals import Example, fit

UNRECOGNISED = RuleView("neutral", "OTHER", False, False)


def test_features_are_the_predicate_structure_and_the_rules_reading(nlp):
    doc = nlp("The rebels did not hand over the captured soldiers, and fighting could break out again.")
    features = claim_features(doc[:], "say", "indirect", RuleView("escalation", "MILITARY_ATTACK", False, True))
    assert {"cue=say", "kind=indirect", "rule=escalation", "rule_cat=MILITARY_ATTACK", "rule_hedged"} <= set(features)
    assert {"pv=hand_over", "neg=hand", "modal=could", "pv=break_out"} <= set(features)
    assert not any(feature.startswith("w=") for feature in features)  # no bag of words


def test_probabilities_are_a_softmax_over_the_features_present():
    head = LinearHead(("a", "b"), (0.0, 0.0), {"x": (2.0, 0.0)})
    assert head.probabilities(["x", "unknown"])["a"] == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert head.probabilities([]) == {"a": 0.5, "b": 0.5}


def model_preferring(signal: str) -> SignalModel:
    classes = ("de-escalation", "escalation", "neutral")
    intercepts = tuple(3.0 if label == signal else 0.0 for label in classes)
    head = LinearHead(classes, intercepts, {})
    categories = LinearHead(("CEASEFIRE", "MILITARY_ATTACK", "OTHER"), (1.0, 0.0, 0.0), {})
    mapping = {"CEASEFIRE": "de-escalation", "MILITARY_ATTACK": "escalation", "OTHER": "neutral"}
    return SignalModel(signal=head, category=categories, category_signal=mapping)


def test_the_model_reads_only_what_the_rules_did_not_recognise(nlp):
    doc = nlp("The two commanders shook hands at the border post.")
    model = model_preferring("de-escalation")
    assert model.revise(doc[:], None, "assertion", UNRECOGNISED) == ("CEASEFIRE", "de-escalation")
    recognised = RuleView("escalation", "MILITARY_ATTACK", False, False)
    assert model.revise(doc[:], None, "assertion", recognised) == ("MILITARY_ATTACK", "escalation")
    assert model_preferring("escalation").revise(doc[:], None, "assertion", UNRECOGNISED) == (
        "MILITARY_ATTACK",
        "escalation",
    )


def test_a_classifier_with_the_model_fills_the_rules_gaps(nlp):
    doc = nlp("The two commanders shook hands at the border post.")
    rules = SignalClassifier.load(model_path=None)
    assert rules.classify(doc[:], None, None, "assertion").signal == "neutral"
    learned = SignalClassifier(SignalLexicon.read(), model_preferring("de-escalation"))
    reading = learned.classify(doc[:], None, None, "assertion")
    assert (reading.signal, reading.category) == ("de-escalation", "CEASEFIRE") and reading.weight < 0


def examples() -> list[Example]:
    rows = [
        ("a", ("pv=hand_over", "cue=say"), "de-escalation", "OTHER"),
        ("a", ("pv=hand_over", "root=swap"), "de-escalation", "OTHER"),
        ("a", ("vo=fire_shell", "cue=say"), "escalation", "MILITARY_ATTACK"),
        ("b", ("vo=fire_shell", "root=fire"), "escalation", "MILITARY_ATTACK"),
        ("b", ("root=meet", "cue=say"), "neutral", "OTHER"),
        ("b", ("root=meet", "kind=assertion"), "neutral", "OTHER"),
    ]
    return [Example(crisis, UNRECOGNISED, features, signal, category) for crisis, features, signal, category in rows]


def test_training_is_deterministic_and_learns_its_examples():
    first, second = fit(examples()), fit(examples())
    assert first.to_json({}) == second.to_json({})
    assert first.decide(["pv=hand_over"], UNRECOGNISED) == "de-escalation"
    assert first.decide(["vo=fire_shell"], UNRECOGNISED) == "escalation"
    assert first.category_signal == {"OTHER": "de-escalation", "MILITARY_ATTACK": "escalation"}


def test_the_shipped_model_was_trained_on_the_corpus_in_the_repository():
    training = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))["training"]
    corpus = Path(__file__).parents[2] / "corpus" / "claims-training"
    folders = sorted(p.name for p in corpus.iterdir() if (p / "gold.jsonl").exists())
    claims = sum(len((corpus / name / "gold.jsonl").read_text(encoding="utf-8").splitlines()) for name in folders)
    assert training["crises"] == folders
    assert training["claims"] <= claims and training["claims"] >= 0.95 * claims  # a claim whose span won't parse drops
