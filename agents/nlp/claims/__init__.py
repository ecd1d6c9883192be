"""Claims from one parsed article: direct quotes, reported speech and the outlet's own situation assertions.

Everything is read off the Doc the Enricher already parsed (tokens, lemmas, dependencies, sentences, entities);
nothing here parses text again. Lexicons and page-chrome rules live in data/claims.yaml (format: docs/claims.md).
"""

from agents.nlp.claims.extractor import ClaimExtractor

__all__ = ["ClaimExtractor"]
