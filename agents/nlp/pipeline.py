"""One spaCy parse per article, batched: entities, actors, quantities, claims and situations from the same Doc.

Pure: no Kafka, no Faust. The enrich agent, the offline replay and `sitrep extract` all call `Enricher.enrich`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import spacy
from spacy.attrs import IS_ALPHA, IS_STOP, LEMMA, LENGTH, POS
from spacy.language import Language
from spacy.symbols import ADJ, NOUN, PROPN, VERB
from spacy.tokens import Doc

from agents.dedupe import text_fingerprint
from agents.nlp.actors import MENTION_LABEL, ActorGazetteer, in_ranges
from agents.nlp.attribute_index import index_attribute_ruler
from agents.nlp.claims import ClaimExtractor
from agents.nlp.docs import remember_text
from agents.nlp.normalise import normalise
from agents.nlp.quantities import extract_quantities
from agents.records import Article, EnrichedArticle, Entity
from agents.situation.config import SituationMatcher

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"}
    | {MENTION_LABEL}
)
CONTENT_POS_IDS = frozenset({NOUN, PROPN, VERB, ADJ})


def load_nlp(model: str) -> Language:
    """Load the spaCy pipeline once per process. `model` is a package name or a path.

    Every trained component is used (tagger+lemmatizer for cues and terms, parser for claims, ner for actors),
    so none is disabled; `senter` is off by default in the small model and stays off (the parser segments).
    The attribute ruler matches through dictionaries (agents.nlp.attribute_index): same annotations, less CPU.
    """
    nlp = spacy.load(model)
    index_attribute_ruler(nlp)
    return nlp


def content_terms(doc: Doc) -> list[str]:
    """Distinct content-word lemmas (sorted), the basis of near-duplicate detection downstream.

    Read from one attribute array: iterating the Doc would build a Token object per word."""
    strings = doc.vocab.strings
    rows = doc.to_array([POS, IS_STOP, IS_ALPHA, LENGTH, LEMMA]).tolist()
    return sorted(
        {
            strings[lemma].lower()
            for pos, stop, alpha, length, lemma in rows
            if pos in CONTENT_POS_IDS and not stop and alpha and length > 2
        }
    )


def kept_entities(entities: list[Entity]) -> list[Entity]:
    return [entity for entity in entities if entity.label in ENTITY_LABELS]


@dataclass
class Enricher:
    nlp: Language
    actors: ActorGazetteer
    parse_batch_size: int = 4  # docs per spaCy minibatch (agents.config.NlpSettings.parse_batch_size)
    situations: SituationMatcher = field(default_factory=SituationMatcher.load)
    claims: ClaimExtractor = field(default_factory=ClaimExtractor.load)
    # texts changed by agents.nlp.normalise since the owner last read (and cleared) this, by reason
    normalised: Counter[str] = field(default_factory=Counter)

    def enrich(
        self, articles: Sequence[Article], duplicates: Iterable[str | None] | None = None
    ) -> list[EnrichedArticle]:
        """Parse each article exactly once (nlp.pipe over the batch) and build its EnrichedArticle."""
        marks = list(duplicates) if duplicates is not None else [None] * len(articles)
        return [
            self.build(article, doc, text, mark)
            for article, (doc, text), mark in zip(articles, self.parse(articles), marks, strict=True)
        ]

    def parse(self, articles: Sequence[Article]) -> Iterator[tuple[Doc, str]]:
        """Each article's Doc and the normalised text it was parsed from (agents.nlp.normalise), in order."""
        texts = []
        for article in articles:
            normalised = normalise(article.text)
            self.normalised.update(normalised.changes)
            texts.append(normalised.text)
        return zip(self.nlp.pipe(texts, batch_size=self.parse_batch_size), texts, strict=True)

    def build(self, article: Article, doc: Doc, text: str, duplicate_of: str | None = None) -> EnrichedArticle:
        """`text` is the normalised text the Doc was parsed from (its offsets are the original text's)."""
        remember_text(doc, text)
        actors = self.actors.annotate(doc)
        terms = content_terms(doc)
        return EnrichedArticle(
            article_id=article.id,
            outlet=article.outlet,
            published_at=article.published_at,
            title=article.title,
            url=article.url,
            entities=kept_entities(actors.entities),
            actors=actors.counts,
            claims=self.claims.extract(doc, article.id, actors),
            quantities=[q for q in extract_quantities(doc) if not in_ranges(q.start, actors.chrome)],
            duplicate_of=duplicate_of,
            text_fingerprint=text_fingerprint(article.text),
            content_terms=terms,
            situations=self.situations.match(actors.counts, terms),
        )
