"""Fixtures shared by the unit tests: the spaCy model and the compiled actor gazetteer, loaded once per session."""

import pytest
import spacy
from spacy.language import Language

from agents.nlp.actors import ActorGazetteer
from streams.settings import Settings


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.load(Settings().spacy_model)


@pytest.fixture(scope="session")
def gazetteer(nlp) -> ActorGazetteer:
    return ActorGazetteer.load(nlp)
