"""Who speaks: the subject of a reporting verb, and the earlier speaker a pronoun refers back to."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from spacy.tokens import Span, Token

from agents.nlp.claims.clauses import (
    ACTIVE_SUBJECT_DEPS,
    PERSON_LABELS,
    inherits_subject,
    relative_antecedent,
    same_line,
    speaker_span,
)
from agents.nlp.claims.lexicon import ClaimLexicon
from agents.nlp.claims.state import Antecedent, ArticleState
from agents.nlp.syntax import SUBJECT_DEPS


def mention_kind(span: Span, person_titles: frozenset[str], people: Container[int]) -> str:
    """person (antecedent of he/she), group (they) or body (it: a state, an institution)."""
    if any(tok.dep_ == "conj" for tok in span) or span.root.tag_ in ("NNS", "NNPS"):
        return "group"
    root = span.root
    if (
        any(tok.ent_type_ in PERSON_LABELS for tok in span)
        or any(tok.lemma_.lower() in person_titles or tok.i in people for tok in span)
        or root.pos_ == "PROPN"
        and not root.ent_type_  # a name the NER left out, most often a person's
    ):
        return "person"
    return "body"


@dataclass(frozen=True)
class Speakers:
    """Speaker finding over the parse; the speakers named so far live in the ArticleState."""

    lexicon: ClaimLexicon

    def subject_of(self, verb: Token) -> Token | None:
        """The speaker token of a reporting verb, climbing out of participles, conjuncts and relative clauses."""
        current = verb
        for _ in range(4):
            # "X was quoted as saying ...": X speaks
            deps = SUBJECT_DEPS if current.lemma_.lower() == "quote" else ACTIVE_SUBJECT_DEPS
            # the nearest: a dateline parsed as a second subject ("NEW DELHI, May 7 - The ministry said") is farther
            subjects = [child for child in current.children if child.dep_ in deps and same_line(child, current)]
            subject = min(subjects, key=lambda child: abs(child.i - current.i)) if subjects else None
            if subject is not None and not (subject.lower_ in ("who", "which", "that") and current.dep_ == "relcl"):
                author = self._author(subject)
                if author is not None:
                    return author
                return subject if self.is_speaker_like(subject) else None
            if current.dep_ == "relcl":
                antecedent = relative_antecedent(current)
                return antecedent if self.is_speaker_like(antecedent) else None
            if not inherits_subject(current):
                return self._orphan_subject(current) or self._name_before(current)
            current = current.head.head if current.dep_ == "pcomp" else current.head
        return None

    def _author(self, subject: Token) -> Token | None:
        """A document speaks for its author: "a report by UN investigators", "the council's statement"."""
        if subject.lemma_.lower() not in self.lexicon.documents:
            return None
        for child in subject.children:
            if child.dep_ == "poss" and self.is_speaker_like(child):
                return child
            if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
                authors = [
                    obj
                    for obj in child.children
                    if obj.dep_ == "pobj" and any(self.is_speaker_like(token) for token in obj.subtree)
                ]
                if authors:
                    return authors[0]
        return None

    def _orphan_subject(self, verb: Token) -> Token | None:
        """A subject the parser hung on a word of the previous line (a headline or byline without punctuation):
        the first noun of the verb's paragraph, left of the verb, whose head lies before the paragraph."""
        start = verb.i
        while start > 0 and "\n" not in verb.doc[start - 1].text:
            start -= 1
        for tok in verb.doc[start : verb.i]:
            if tok.head.i < start and tok.pos_ in ("NOUN", "PROPN") and self.is_speaker_like(tok):
                return tok
        return None

    def _name_before(self, verb: Token) -> Token | None:
        """A name the parse did not make the subject, right before the verb ("…,” Truss tweeted;
        "On Monday, Oleksiy Danilov, secretary of the council, said …")."""
        index = verb.i - 1
        while index >= 0 and verb.doc[index].text == ",":
            index -= 1
        if index < 0:
            return None
        name = verb.doc[index]
        while name.dep_ in ("compound", "appos") and name.head.i < verb.i:
            name = name.head
        named = name.pos_ == "PROPN" or name.ent_type_ in PERSON_LABELS
        return name if named and same_line(name, verb) else None

    def is_speaker_like(self, token: Token) -> bool:
        if token.lower_ in self.lexicon.pronouns:
            return True
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return True
        if token.pos_ == "PROPN":
            return True
        # the surface form too: the lemmatizer turns "media" into "medium"
        return token.lemma_.lower() in self.lexicon.speaker_heads or token.lower_ in self.lexicon.speaker_heads

    def speaker_of(self, verb: Token, state: ArticleState) -> Span | None:
        subject = self.subject_of(verb)
        if subject is None:
            return None
        return self.resolve_pronoun(speaker_span(subject), state)

    def resolve_pronoun(self, span: Span, state: ArticleState) -> Span:
        wanted = self.lexicon.pronouns.get(span.text.lower()) if len(span) == 1 else None
        if wanted is None:
            return span
        earlier = [antecedent for antecedent in state.antecedents if antecedent.span.start < span.start]
        compatible = [antecedent for antecedent in earlier if antecedent.kind == wanted] or earlier
        return max(compatible, key=lambda antecedent: antecedent.span.start).span if compatible else span

    def remember_subjects(self, sent: Span, quoted: set[int], state: ArticleState) -> None:
        """Persons in subject position are antecedents for "he"/"she" even when they are not speakers."""
        for tok in state.tokens_of(sent):
            if tok.dep_ in ACTIVE_SUBJECT_DEPS and tok.idx not in quoted and tok.lower_ not in self.lexicon.pronouns:
                span = speaker_span(tok)
                if mention_kind(span, self.lexicon.person_titles, state.people) == "person":
                    state.antecedents.append(Antecedent(span, "person"))

    def remember_nested(self, verb: Token, state: ArticleState) -> None:
        """A reporting verb folded into another claim still names a speaker a later pronoun may refer to."""
        speaker = self.speaker_of(verb, state)
        if speaker is not None:
            self.remember(speaker, state)

    def remember(self, speaker: Span, state: ArticleState) -> None:
        if speaker.text.lower() not in self.lexicon.pronouns:
            state.antecedents.append(
                Antecedent(speaker, mention_kind(speaker, self.lexicon.person_titles, state.people))
            )

    def last_speaker(self, state: ArticleState) -> Span | None:
        return state.antecedents[-1].span if state.antecedents else None
