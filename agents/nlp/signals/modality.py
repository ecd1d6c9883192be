"""How a claim holds its content: negated, hedged, conditional, asked, or about a potential event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from agents.nlp.signals.lexicon import SignalLexicon
from agents.nlp.signals.units import head_chain

PREDICATIVE = frozenset({"acomp", "attr", "oprd"})
CLAUSE_BREAK = frozenset({",", ";", ":", "—", "–", "(", ")"})


@dataclass(frozen=True)
class Modality:
    """Negation, hedging, conditionals, questions and potential events, read off the claim's parse."""

    lexicon: SignalLexicon

    def is_negator(self, token: Token) -> bool:
        lower = token.lower_
        if token.dep_ in self.lexicon.negation_deps:
            return True
        determiner_deps = {"det", "neg", "advmod", "amod", "nsubj", "dobj"}
        if lower in self.lexicon.negator_determiners and token.dep_ in determiner_deps:
            return not any(child.lower_ == "a" for child in token.children)  # "a few troops" is no negation
        return lower in self.lexicon.negator_pronouns

    def negated(self, anchor: Token, content: Span, negators: Sequence[Token]) -> bool:
        """A negator governs the anchor, or a verb of undoing governs it ("the truce collapsed", "talks broke down")."""
        if any(self._reaches(token, anchor, content) for token in negators):
            return True
        return any(
            token.i != anchor.i and token.lemma_.lower() in self.lexicon.reversal_words and not self._outbreak(token)
            for token in head_chain(anchor, content)
        )

    def _outbreak(self, verb: Token) -> bool:
        """ "Fighting broke out": a particle that makes the verb of undoing a verb of starting."""
        return any(child.dep_ == "prt" and child.lower_ in self.lexicon.starting_particles for child in verb.children)

    def _reaches(self, negator: Token, anchor: Token, content: Span) -> bool:
        """Does the negated word (the negator's head) dominate the anchor, with no transparent head on the way?"""
        negated_word = negator.head
        if negated_word.dep_.startswith("nsubj") and negator.dep_ != "neg":
            negated_word = negated_word.head  # "few Russians expect", "no one wants": the verb is negated
        for token in head_chain(anchor, content):
            if token.i in (negated_word.i, negator.i):
                return token.i == anchor.i or token.lemma_.lower() not in self.lexicon.transparent_heads
            if token.i != anchor.i and token.lemma_.lower() in self.lexicon.transparent_heads:
                return False
            if token.dep_ == "conj":
                return False  # a negated first conjunct does not negate the next one ("can't go on ... but continue")
        return False

    def governs_unblocked(self, negator: Token) -> bool:
        return negator.head.lemma_.lower() not in self.lexicon.transparent_heads

    def conditional_tokens(self, content: Span, tokens: Sequence[Token]) -> frozenset[int]:
        """Token indices inside conditional clauses ("if it did attack", "should he decide", "in case they attack")."""
        skipped: set[int] = set()
        for position, token in enumerate(tokens):
            lower = token.lower_
            single = lower in self.lexicon.conditional_words
            asked = lower in self.lexicon.unasserted_marks and token.head.i != content.root.i
            conditional = single and token.head.dep_ == "advcl"
            if token.dep_ == "mark" and (asked or conditional):
                skipped.update(t.i for t in token.head.subtree if content.start <= t.i < content.end)
            elif lower == "should" and token.dep_ == "aux" and token.head.dep_ == "advcl":
                subjects = [c for c in token.head.children if c.dep_.startswith("nsubj")]
                if subjects and token.i < subjects[0].i:
                    skipped.update(t.i for t in token.head.subtree if content.start <= t.i < content.end)
            for mark in self.lexicon.conditional_phrases.get(lower, ()):
                if tuple(t.lower_ for t in tokens[position : position + len(mark)]) == mark:
                    for follower in tokens[position:]:
                        if follower.text in CLAUSE_BREAK and follower.i > token.i + len(mark):
                            break
                        skipped.add(follower.i)
        return frozenset(skipped)

    def has_hedge(self, content: Span, tokens: Sequence[Token], conditional: frozenset[int]) -> bool:
        """Epistemic modals and markers outside conditional and relative clauses."""
        relative = set(conditional) | {
            t.i
            for token in tokens
            if token.dep_ in {"relcl", "acl"}
            and token.i != content.root.i
            and content.start <= token.head.i < content.end
            for t in token.subtree
        }
        for token in tokens:
            if token.i in relative:
                continue
            if token.tag_ == "MD" and token.lower_ in self.lexicon.hedge_modals:
                return True
        if any(token.lower_ in self.lexicon.unasserted_marks for token in tokens):
            return True  # an embedded question ("whether ...") is itself uncertain
        visible = [token for token in tokens if token.i not in relative]
        texts = [token.lower_ for token in visible]
        for position, token in enumerate(visible):
            for term in self.lexicon.hedge_words.get(texts[position], ()):
                if tuple(texts[position : position + len(term)]) != term:
                    continue
                previous = token.doc[token.i - 1].lower_ if token.i > 0 else ""
                if previous not in self.lexicon.hedge_exceptions.get(term[0], frozenset()):
                    return True
        return False

    def is_question(self, content: Span, tokens: Sequence[Token], cue: str | None) -> bool:
        first = next((token for token in tokens if not token.is_punct), None)
        asked = first is not None and first.lower_ in self.lexicon.question_words
        if cue in self.lexicon.cue_sets["question"] and asked:
            return True
        doc = content.doc
        last = tokens[-1] if tokens else None
        after = doc[content.end] if content.end < len(doc) else None
        return bool(
            (last is not None and last.text == "?")
            or (after is not None and after.text == "?")
            or (
                after is not None and after.is_quote and content.end + 1 < len(doc) and doc[content.end + 1].text == "?"
            )
        )

    def is_potential(self, anchor: Token, content: Span, cue: str | None) -> bool:
        if cue in self.lexicon.cue_sets["potential"]:
            return True
        if any(
            child.lemma_.lower() in self.lexicon.potential_modifiers
            for child in anchor.children
            if child.dep_ in {"amod", "det", "compound", "advmod"}
        ):
            return True
        for token in head_chain(anchor, content):
            if token.i != anchor.i and token.lemma_.lower() in self.lexicon.potential_heads:
                return True
            for child in token.children:
                if child.dep_ in {"aux", "auxpass"} and child.lower_ in self.lexicon.potential_aux:
                    return True
                if child.dep_ in PREDICATIVE and child.lemma_.lower() in self.lexicon.potential_modifiers:
                    return True  # "an invasion remained possible", "an attack is imminent"
        return False
