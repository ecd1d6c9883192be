"""Escalation signals: which way a claim points, scored on the speech act, not the topic.

Pure: reads the spaCy parse already made for the article (token lemmas, POS, dependency tree) and the lexicon in
agents/nlp/data/signals.yaml; never parses text. `SignalClassifier.classify` gives a category (taxonomy of
docs/signals.md), the final signal after negation, a signed CAMEO-like weight, hedged / negated flags and the stance
(a party's claim about its own side, or an observation of others).
"""

from agents.nlp.signals.classifier import SignalClassifier, SignalReading

__all__ = ["SignalClassifier", "SignalReading"]
