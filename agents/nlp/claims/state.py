"""What the claim rules keep while reading one article, and what they read from the actor resolver."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Span, Token

from agents.nlp.signals import SignalReading


class ActorResolver(Protocol):
    """What the extractor needs from agents.nlp.actors.ArticleActors."""

    people: dict[int, str]  # token index -> actor code of a person named there

    def resolve(self, span: Span) -> str | None: ...


@dataclass(frozen=True)
class Antecedent:
    """A speaker as named at an attribution, kept for pronoun resolution."""

    span: Span
    kind: str  # person | group | body


@dataclass
class Draft:
    """A claim before its record and signal: content offsets, kind, cue lemma and speaker as written."""

    start: int
    end: int
    kind: str
    cue: str | None
    speaker: Span | None


@dataclass
class ArticleState:
    """Per-article bookkeeping: speaker history and the cue tokens already used by quotes."""

    text: str  # the article text (Doc.text rebuilds the string on every access)
    sentences: list[Span]  # the parser's sentences, computed once
    people: Container[int]  # token indices of person names (from the actor resolver)
    antecedents: list[Antecedent] = field(default_factory=list)
    used_cues: set[int] = field(default_factory=set)
    pending_cue: Token | None = None  # attribution of a form of address, carried to the quote that follows
    sentence_tokens: dict[tuple[int, int], list[Token]] = field(default_factory=dict)
    # (start, end, cue, speaker actor, kind) -> reading: a one-sentence quote is classified once, not twice
    readings: dict[tuple[int, int, str | None, str | None, str], SignalReading | None] = field(default_factory=dict)

    def tokens_of(self, sent: Span) -> list[Token]:
        """The sentence's tokens, listed once (iterating a Span builds every Token anew)."""
        key = (sent.start, sent.end)
        if key not in self.sentence_tokens:
            self.sentence_tokens[key] = list(sent)
        return self.sentence_tokens[key]
