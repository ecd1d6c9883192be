"""Noun-phrase helpers of actor resolution: coded forms, role nouns, subjects, conjuncts, role phrases."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from agents.nlp.syntax import SUBJECT_DEPS

# "secretary of ...", "director at Control Risks", "spokesman for the ministry", "an official with the mission"
COMPLEMENT_PREPOSITIONS = frozenset({"of", "at", "for", "with"})


@dataclass(frozen=True)
class CodedForm:
    """A coded surface form at token offsets [start, end)."""

    start: int
    end: int
    code: str
    kind: str


def is_role_noun(token: Token, fixed: bool) -> bool:
    """Office titles are often tagged PROPN ("Foreign Minister"). A fixed-role PROPN counts only as a title before a
    name or at a sentence start ("Villager Lyudmila Nechvolod"), so "Residents Association" stays a name."""
    if token.pos_ == "NOUN":
        return True
    return token.pos_ == "PROPN" and (not fixed or token.dep_ == "compound" or token.is_sent_start)


def is_subject(token: Token) -> bool:
    while token.dep_ == "conj":
        token = token.head
    return token.dep_ in SUBJECT_DEPS


def first_conjunct(span: Span, forms: dict[int, CodedForm]) -> Span:
    """'Scholz and Ukrainian President Volodymyr Zelenskiy' -> 'Scholz'. Only conjuncts of the phrase head split:
    not coordinated modifiers ("security and defence council chief"), not one surface form or entity."""
    cut = span.end
    for token in span:
        if token.dep_ == "conj" and token.head == span.root and not same_unit(token, token.head, forms):
            cut = min(cut, token.left_edge.i)
    doc = span.doc
    end = max(cut, span.start)
    while end > span.start and (doc[end - 1].dep_ == "cc" or doc[end - 1].is_punct):
        end -= 1
    return doc[span.start : end]


def same_unit(a: Token, b: Token, forms: dict[int, CodedForm]) -> bool:
    if a.i in forms and forms[a.i] is forms.get(b.i):
        return True
    return a.ent_iob_ == "I" and all(a.doc[i].ent_iob_ in ("I", "B") for i in range(b.i + 1, a.i + 1))


def role_phrase(head: Token, with_complement: bool) -> Span:
    """The noun phrase of a role noun: its left modifiers, plus for office holders a complement
    ("secretary of Ukraine's Security and Defense Council", "spokesman for the ministry")."""
    doc = head.doc
    end = head.i + 1
    for child in head.rights:
        if with_complement and child.dep_ == "prep" and child.lower_ in COMPLEMENT_PREPOSITIONS:
            end = child.right_edge.i + 1
    return doc[head.left_edge.i : end]
