"""Dependency-tree helpers of the claim rules: clause and speaker spans, subjects, complementisers."""

from __future__ import annotations

import bisect

from spacy.tokens import Span, Token

from agents.nlp.claims.quotes import QUOTE_MARKS

# Who speaks is the active subject: the passive one is spoken about ("X was warned"), but see Speakers.subject_of.
ACTIVE_SUBJECT_DEPS = frozenset({"nsubj"})
# a clause before its cue is reported speech when it has a subject of its own ("Two guards were killed, X said")
CLAUSE_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
# Dependents that do not belong to a clause's or a noun phrase's own span.
DETACHED_DEPS = frozenset({"conj", "cc", "punct", "advcl", "relcl", "parataxis", "appos_relcl"})
SPEAKER_DETACHED_DEPS = frozenset({"relcl", "acl", "punct", "advcl", "prep_according"})
PERSON_LABELS = frozenset({"PERSON"})


def clause_span(head: Token, skip_mark: bool = True) -> tuple[int, int]:
    """Character span of a clause head's subtree without detached dependents (conjoined clauses, side clauses)."""
    tokens = [head]
    for child in head.children:
        if child.dep_ in DETACHED_DEPS and not (child.dep_ == "punct" and child.text in QUOTE_MARKS):
            continue
        if skip_mark and child.dep_ == "mark" and child.lower_ in ("that", "whether"):
            continue
        tokens.extend(child.subtree)
    first = min(tokens, key=lambda tok: tok.i)
    last = max(tokens, key=lambda tok: tok.i)
    return first.idx, last.idx + len(last)


def speaker_span(head: Token) -> Span:
    """The naming phrase of a subject: its subtree without relative clauses and side clauses."""
    doc = head.doc
    excluded: set[int] = set()
    for child in head.children:
        if child.dep_ in SPEAKER_DETACHED_DEPS or child.lower_ == "according":
            excluded.update(tok.i for tok in child.subtree)
    kept = [tok.i for tok in head.subtree if tok.i not in excluded]
    line_starts = [i + 1 for i in kept if i < head.i and "\n" in doc[i].text]
    start = max([min(kept), *line_starts])
    end = head.i + 1
    for index in range(head.i + 1, max(kept) + 1):  # contiguous run after the head
        if index not in kept:
            break
        end = index + 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < head.i and (doc[start].is_punct or doc[start].is_space):  # a blanked run (agents.nlp.normalise)
        start += 1
    if doc[start].lower_ in ("who", "which", "that"):
        start = head.i
    return doc[start:end]


def sentence_at(sentences: list[Span], char: int) -> Span:
    """The sentence holding a character offset (sentences are in text order)."""
    index = bisect.bisect_right([sent.start_char for sent in sentences], char) - 1
    return sentences[max(index, 0)]


def same_line(a: Token, b: Token) -> bool:
    """No line break between the two tokens: a dependency across paragraphs is a parse error."""
    low, high = sorted((a.i, b.i))
    return not any("\n" in tok.text for tok in a.doc[low:high])


def relative_antecedent(relative_clause: Token) -> Token:
    """The noun right before a relative clause ("…, the minister, John Smith, who reported"): the parser often
    attaches the clause to a larger phrase ("a meeting between the president and … John Smith")."""
    index = relative_clause.left_edge.i - 1
    while index >= 0 and relative_clause.doc[index].is_punct:
        index -= 1
    before = relative_clause.doc[index] if index >= 0 else relative_clause.head
    while before.dep_ == "compound" and before.head.i > before.i:
        before = before.head
    return before if before.pos_ in ("NOUN", "PROPN") else relative_clause.head


def inherits_subject(verb: Token) -> bool:
    """Conjoined verbs, participles ("…, adding that") and "continued to warn" share their head's subject."""
    if verb.head.i == verb.i:
        return False
    if verb.dep_ == "conj" or verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
        return True
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.tag_ == "VBG":  # "was quoted as saying"
        return verb.head.head.lemma_.lower() == "quote"
    return verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG"


def is_content_clause(clause: Token) -> bool:
    """ "warnings that Russia may invade": "that" introduces a clause with its own subject (not a relative "that")."""
    return (
        has_that(clause)
        or any(child.lower_ == "that" for child in clause.children)
        and any(
            child.dep_ in ACTIVE_SUBJECT_DEPS and child.lower_ not in ("that", "which", "who")
            for child in clause.children
        )
    )


def has_subject(verb: Token) -> bool:
    return any(child.dep_ in ACTIVE_SUBJECT_DEPS for child in verb.children)


def has_that(clause: Token) -> bool:
    return any(child.dep_ == "mark" and child.lower_ == "that" for child in clause.children)


def subtree_span(head: Token, speech_verbs: frozenset[str]) -> tuple[int, int]:
    """The whole clause without a leading complementiser, cut before a trailing side clause that reports speech
    of its own ("…, though Moscow dismissed that")."""
    end = head.right_edge.i + 1
    for tok in head.subtree:
        if (
            tok.i > head.i
            and tok.dep_ == "advcl"
            and tok.lemma_.lower() in speech_verbs
            and any(child.dep_ in ACTIVE_SUBJECT_DEPS for child in tok.children)
        ):
            end = min(end, tok.left_edge.i)
    tokens = [
        tok
        for tok in head.doc[head.left_edge.i : end]
        if not (tok.dep_ == "mark" and tok.head.i == head.i and tok.lower_ == "that")
    ]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def coordinated_predicates(head: Token) -> list[Token]:
    """The verbs coordinated after a clause's head by a conjunction ("was suspending the accords [and] called on
    ...", "had no plans to hold the town [and] were ready to talk")."""
    coordinators = [child.i for child in head.children if child.dep_ == "cc" and child.i > head.i]
    return [
        child
        for child in head.children
        if child.dep_ == "conj"
        and child.pos_ in ("VERB", "AUX")
        and same_line(head, child)
        and any(head.i < cc < child.left_edge.i + 1 for cc in coordinators)
    ]


def without_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span.doc[span.start : end]
