"""Words of a claim for lexicon matching, and walks up the dependency tree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from spacy.tokens import Span, Token

from agents.nlp.docs import head_indices, root_depths


class Unit(NamedTuple):  # a tuple: built for every word of every claim, far cheaper than a frozen dataclass
    """A word for matching: hyphenated compounds ("build-up", "de-escalation") are one unit, as in the lexicon."""

    forms: frozenset[str]  # lower-cased text and lemma
    head: Token  # the token of the unit nearest the root


def word_units(content_tokens: Sequence[Token], skipped: frozenset[int]) -> list[Unit]:
    """Words of the claim outside conditional clauses, hyphenated compounds merged ("build-up", "de-escalation")."""
    units: list[Unit] = []
    tokens = [token for token in content_tokens if token.i not in skipped]
    index = 0
    while index < len(tokens):
        group = [tokens[index]]
        while (
            index + 2 < len(tokens)
            and tokens[index + 1].text == "-"
            and not group[-1].whitespace_
            and not tokens[index + 1].whitespace_
            and tokens[index + 2].i == tokens[index + 1].i + 1
        ):
            group += [tokens[index + 1], tokens[index + 2]]
            index += 2
        index += 1
        if len(group) == 1:  # most words: no joins, no depth walk
            token = group[0]
            if not token.is_punct:
                units.append(Unit(frozenset({token.lower_, lemma_form(token)}), token))
            continue
        texts = "".join(t.lower_ for t in group)
        lemmas = "".join(lemma_form(t) for t in group)
        head = min(group, key=lambda token: head_depth(token, None))
        units.append(Unit(frozenset({texts, lemmas}), head))
    return units


def lemma_form(token: Token) -> str:
    return "-" if token.text == "-" else token.lemma_.lower()


def find_term(term: tuple[str, ...], units: Sequence[Unit], max_gap: int) -> Iterator[list[Unit]]:
    """Occurrences of a term (a word sequence) with at most `max_gap` units between consecutive words."""
    for start in range(len(units)):
        found = match_term_at(term, units, start, max_gap)
        if found:
            yield found


def match_term_at(term: tuple[str, ...], units: Sequence[Unit], start: int, max_gap: int) -> list[Unit] | None:
    if term[0] not in units[start].forms:
        return None
    found, position = [units[start]], start
    for word in term[1:]:
        window = units[position + 1 : position + 2 + max_gap]
        step = next((offset for offset, candidate in enumerate(window) if word in candidate.forms), None)
        if step is None:
            return None
        position += step + 1
        found.append(units[position])
    return found


def head_chain(token: Token, content: Span | None) -> Iterator[Token]:
    """The token and its heads, up to the root of the claim (or of the sentence)."""
    current = token
    while True:
        yield current
        head = current.head  # each access builds a new Token
        if head.i == current.i:
            return
        if content is not None and not (content.start <= head.i < content.end):
            return
        current = head


def head_depth(token: Token, content: Span | None) -> int:
    """How many heads `head_chain` climbs from the token, on head indices (no Token objects)."""
    if content is None:
        return root_depths(token.doc)[token.i]
    heads = head_indices(token.doc)
    start, end = content.start, content.end
    current, depth = token.i, 0
    while (head := heads[current]) != current and start <= head < end:
        current, depth = head, depth + 1
    return depth


def related(first: Token, second: Token) -> bool:
    """Syntactically close: one is within three heads of the other."""

    def near(a: Token, b: Token) -> bool:
        current = a
        for _ in range(4):
            if current.i == b.i:
                return True
            current = current.head
        return False

    return near(first, second) or near(second, first)
