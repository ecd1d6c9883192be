"""Fixtures shared by the unit tests: the spaCy model and the compiled actor gazetteer, loaded once per session."""

import pytest
from spacy.language import Language

from agents.nlp.actors import ActorGazetteer
from agents.nlp.pipeline import load_nlp
from streams.settings import Settings


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp(Settings().spacy_model)  # as the Enricher loads it


@pytest.fixture(scope="session")
def gazetteer(nlp) -> ActorGazetteer:
    return ActorGazetteer.load(nlp)
