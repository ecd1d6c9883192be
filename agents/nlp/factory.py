"""Builds the Enricher from settings: the model and every data file are loaded once per process."""

from __future__ import annotations

from agents.nlp.pipeline import Enricher, load_nlp
from streams.settings import Settings


def build_enricher(settings: Settings) -> Enricher:
    return Enricher(nlp=load_nlp(settings.spacy_model), batch_size=settings.batch_size)
