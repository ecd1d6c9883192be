"""Builds the Enricher from its settings section: the model and every data file are loaded once per process."""

from __future__ import annotations

from agents.config import NlpSettings
from agents.nlp.actors import ActorGazetteer
from agents.nlp.claims import ClaimExtractor
from agents.nlp.pipeline import Enricher, load_nlp
from agents.nlp.quantities import rules_for
from agents.nlp.signal_model import DEFAULT_MODEL
from agents.nlp.signals import SignalClassifier
from agents.situation.config import SituationMatcher


def build_enricher(settings: NlpSettings, learned_signals: bool | None = None) -> Enricher:
    """`learned_signals` overrides the setting (training the model needs the rules' plain reading)."""
    learned_signals = settings.learned_signals if learned_signals is None else learned_signals
    signals = SignalClassifier.load(model_path=DEFAULT_MODEL if learned_signals else None)
    nlp = load_nlp(settings.spacy_model)
    rules_for(nlp.vocab)  # compile the quantity rules now, not on the first article
    actors = ActorGazetteer.load(nlp, settings.actors_path)
    return Enricher(
        nlp=nlp,
        actors=actors,
        parse_batch_size=settings.parse_batch_size,
        situations=SituationMatcher.load(settings.situations_path, settings.actors_path),
        claims=ClaimExtractor.load(signals=signals, role_nouns=actors.role_nouns),
    )
