"""Stance: a party's claim about its own side ("self") or an observation of others ("observer")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from agents.nlp.signals.lexicon import SignalLexicon
from agents.nlp.signals.units import head_chain


@dataclass(frozen=True)
class Stance:
    """Whose side the claim's agent is on, compared with the speaker's (blocs of data/signals.yaml)."""

    lexicon: SignalLexicon

    def of(
        self, content: Span, tokens: Sequence[Token], anchor: Token | None, speaker_actor: str | None, kind: str
    ) -> str | None:
        if kind == "assertion" or not speaker_actor:
            return None
        speaker_side = self._side_of_code(speaker_actor)
        agent_side = self._agent_side(content, tokens, anchor, speaker_side, kind)
        if agent_side is None:
            return "observer"
        return "self" if agent_side == speaker_side else "observer"

    def _side_of_code(self, code: str) -> str:
        base = code.removesuffix("_GOV")
        return self.lexicon.bloc_of.get(base, base)

    def _agent_side(
        self, content: Span, tokens: Sequence[Token], anchor: Token | None, speaker_side: str, kind: str
    ) -> str | None:
        for token in self._agent_tokens(content, anchor):
            side = self._token_side(token, speaker_side, kind)
            if side:
                return side
        sides = {self._token_side(token, speaker_side, kind) for token in tokens} - {None}
        return sides.pop() if len(sides) == 1 else None

    def _agent_tokens(self, content: Span, anchor: Token | None) -> Iterator[Token]:
        if anchor is None:
            return
        for token in head_chain(anchor, content):
            for child in token.children:
                if child.dep_ in {"nsubj", "nsubjpass", "agent", "poss", "amod", "compound"}:
                    yield from child.subtree

    def _token_side(self, token: Token, speaker_side: str, kind: str) -> str | None:
        lower = token.lower_
        if lower in self.lexicon.first_person:
            return speaker_side
        if kind == "indirect" and lower in self.lexicon.reflexive_third:
            return speaker_side
        side = self.lexicon.side_words.get(lower)
        return self.lexicon.bloc_of.get(side, side) if side else None
