"""The indexed attribute-ruler matcher finds exactly the matches of spaCy's own Matcher, so the annotations agree."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from agents.nlp.attribute_index import IndexedRulerMatcher, index_attribute_ruler
from streams.settings import Settings

DEMO_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "2025-india-pakistan"

# Sentences written to reach the ruler's rarer patterns: contractions, two-token forms, "there is", negation,
# subordinators, determiners used as pronouns, auxiliaries, runs of spaces.
CRAFTED = [
    "Y'all ain't gonna believe what they got, c'mon.  Let's go, he said; I gotta run and it isn't nothin'.",
    "There are reports that both armies, though tired, have withdrawn; that is what they did, but only after talks.",
    "I told you it wasn't ready. Did they have it? They do and they have had it since May.\n\n\nThose were the days.",
    "Whether or not the envoy comes, the talks will go on unless the ceasefire fails, whereas the border stays shut.",
    "A text that stops without a full stop, as a headline might: they said they were gonna",
    "   Leading spaces, then\ttabs\t\tand  double  spaces  between words , and a line\nbreak.",
]


@pytest.fixture(scope="module")
def stock():
    return spacy.load(Settings().spacy_model)


def texts() -> list[str]:
    written = [json.loads(line)["text"] for path in sorted(DEMO_CORPUS.glob("*.jsonl")) for line in path.open()]
    return CRAFTED + written[:40]


def test_the_indexed_matcher_finds_the_rulers_own_matches(stock):
    ruler = stock.get_pipe("attribute_ruler")
    indexed = IndexedRulerMatcher(ruler)
    docs = list(stock.pipe(texts()))
    assert sum(len(ruler.match(doc)) for doc in docs) > 3_000
    for doc in docs:
        assert indexed(doc) == ruler.match(doc), doc.text[:80]


def test_a_pipeline_with_the_indexed_ruler_annotates_as_the_stock_one(stock):
    indexed = spacy.load(Settings().spacy_model)
    index_attribute_ruler(indexed)
    for ours, theirs in zip(indexed.pipe(CRAFTED), stock.pipe(CRAFTED), strict=True):
        assert [(t.pos_, t.tag_, t.morph, t.lemma_, t.dep_) for t in ours] == [
            (t.pos_, t.tag_, t.morph, t.lemma_, t.dep_) for t in theirs
        ]


def test_patterns_of_other_forms_are_matched_by_a_matcher_of_their_own(stock):
    """Operators and attributes the index does not read (ORTH, LENGTH, OP) keep spaCy's Matcher semantics."""
    ruler = AttributeRuler(stock.vocab)
    ruler.add([[{"ORTH": "talks"}]], {"LEMMA": "talk"})
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"LOWER": "long"}]], {"LEMMA": "long"}, index=-1)
    ruler.add([[{"LENGTH": {">=": 9}, "TAG": "NN"}]], {"LEMMA": "longword"})
    ruler.add([[{"LOWER": {"REGEX": "^cease"}}], [{"TAG": {"NOT_IN": ["NN", "NNS", "DT"]}, "LOWER": "fire"}]], {})
    indexed = IndexedRulerMatcher(ruler)
    doc = stock("The talks were very very long, and the ceasefire held; fire again and the negotiation ended.")
    assert indexed(doc) == ruler.match(doc)
    assert {ordinal for ordinal, _, _, _ in indexed(doc)} == {0, 1, 2, 3}
