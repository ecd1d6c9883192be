"""The model's attribute ruler (tag -> POS and morphology map, word exceptions), matched through dictionaries.

spaCy's Matcher tests every one of the ruler's ~180 patterns at every token: ~55 ms of CPU for a 1,500-token article,
about a seventh of its whole parse. The ruler's patterns are short runs of tokens, each token tested on its TAG,
LOWER, DEP or IS_SPACE (a value, IN or NOT_IN a list, a REGEX). Each pattern is filed under one value its first token
must have, so a token looks up the few patterns that can start at it and tests only those. Patterns of any other form
(operators, other attributes) stay with a Matcher of their own. The matches are the ruler's own, in its order, so the
ruler sets the same attributes (tests/unit/test_attribute_index.py compares both).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# The attributes a filed pattern may test, by column of the token rows; a pattern is filed under the first of them
# its first token requires a value of (LOWER is the most selective).
COLUMNS = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}
MEMO_SIZE = 100_000  # token rows (or regex subjects) whose results are remembered (a few MB), per process


@dataclass(frozen=True)
class AttributeTest:
    column: int
    accepted: frozenset[int] = frozenset()  # the values allowed (IN, or a plain value)
    rejected: frozenset[int] = frozenset()  # the values refused (NOT_IN)
    regex: re.Pattern | None = None  # on the value's string
    searched: dict[int, bool] = field(default_factory=dict, compare=False)  # value -> regex result, per vocabulary

    def passes(self, value: int, strings) -> bool:
        if self.regex is not None:
            return remembered(self.searched, value, lambda: self.regex.search(strings[value]) is not None)
        if self.accepted:
            return value in self.accepted
        return value not in self.rejected


TokenTests = tuple[AttributeTest, ...]
# A pattern as filed: its ordinal, its length in tokens, and the tests left once the filing value is known to match,
# as (offset of the token in the pattern, test).
Filed = tuple[int, int, tuple[tuple[int, AttributeTest], ...]]


class IndexedRulerMatcher:
    """Callable as `AttributeRuler.match`: the (ordinal, key, start, end) matches of the ruler's patterns, sorted."""

    def __init__(self, ruler: AttributeRuler):
        strings = ruler.vocab.strings
        self.strings = strings
        self.others = Matcher(ruler.vocab)
        self.keys: list[int] = []  # the ruler's Matcher key of each ordinal
        # one-token patterns (their matches depend on the token's row alone) and longer ones
        self.single, self.runs = PatternFiles(), PatternFiles()
        self.single_matches: dict[tuple[int, ...], list[int]] = {}  # a token row -> ordinals of the single matches
        for ordinal, entry in enumerate(ruler.patterns):
            key = strings.add(str(ordinal))
            self.keys.append(key)
            for pattern in entry["patterns"]:
                tests = [token_tests(token, strings) for token in pattern]
                if not pattern or any(test is None for test in tests):
                    self.others.add(key, [pattern])
                else:
                    (self.single if len(tests) == 1 else self.runs).file(ordinal, tests)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        rows = doc.to_array(list(COLUMNS.values())).tolist()
        found: set[tuple[int, int, int]] = set()
        for start in range(len(rows)):
            found.update((ordinal, start, start + 1) for ordinal in self._single_matches(rows, start))
            found.update(self.runs.matches(rows, start, self.strings))
        matches = [(ordinal, self.keys[ordinal], start, end) for ordinal, start, end in found]
        if len(self.others):
            others = self.others(doc, allow_missing=True)
            matches += [(int(doc.vocab.strings[key]), key, start, end) for key, start, end in others]
        matches.sort()
        return matches

    def _single_matches(self, rows: list[list[int]], start: int) -> list[int]:
        row = tuple(rows[start])
        ordinals = self.single_matches.get(row)  # the hot path: most rows are seen before
        if ordinals is None:
            ordinals = remembered(
                self.single_matches, row, lambda: [o for o, _, _ in self.single.matches(rows, start, self.strings)]
            )
        return ordinals


class PatternFiles:
    """Patterns filed by a value their first token must have; those with none are tried at every token."""

    def __init__(self):
        self.filed: dict[int, dict[int, list[Filed]]] = {}  # column -> value -> patterns
        self.unfiled: list[Filed] = []

    def file(self, ordinal: int, tests: list[TokenTests]) -> None:
        filing = next((test for test in tests[0] if test.accepted), None)
        rest = tuple((offset, test) for offset, token in enumerate(tests) for test in token if test is not filing)
        if filing is None:
            self.unfiled.append((ordinal, len(tests), rest))
        for value in filing.accepted if filing else ():
            self.filed.setdefault(filing.column, {}).setdefault(value, []).append((ordinal, len(tests), rest))

    def matches(self, rows: list[list[int]], start: int, strings) -> Iterator[tuple[int, int, int]]:
        """(ordinal, start, end) of the patterns that match from `start`."""
        candidates = itertools.chain(
            *(values.get(rows[start][column], ()) for column, values in self.filed.items()), self.unfiled
        )
        for ordinal, length, rest in candidates:
            end = start + length
            if end <= len(rows) and all(
                test.passes(rows[start + offset][test.column], strings) for offset, test in rest
            ):
                yield ordinal, start, end


def remembered(memo: dict, key, compute: Callable):
    """memo[key], computed on first use; the memo starts afresh once it holds MEMO_SIZE keys."""
    if key not in memo:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = compute()
    return memo[key]


def token_tests(token: dict, strings) -> TokenTests | None:
    """The tests of one token of a pattern, in COLUMNS order; None for a token this matcher cannot test."""
    if not token or not set(token) <= set(COLUMNS):
        return None
    tests = []
    for name in sorted(token, key=list(COLUMNS).index):
        column, value = list(COLUMNS).index(name), token[name]
        if not isinstance(value, dict):
            tests.append(AttributeTest(column, accepted=values_of([value], strings)))
        elif set(value) == {"IN"}:
            tests.append(AttributeTest(column, accepted=values_of(value["IN"], strings)))
        elif set(value) == {"NOT_IN"}:
            tests.append(AttributeTest(column, rejected=values_of(value["NOT_IN"], strings)))
        elif set(value) == {"REGEX"} and name != "IS_SPACE":
            tests.append(AttributeTest(column, regex=re.compile(value["REGEX"])))
        else:
            return None
    return tuple(tests)


def values_of(values: list, strings) -> frozenset[int]:
    """Pattern values as the token rows hold them: strings as their hashes, booleans as 0 or 1."""
    return frozenset(int(value) if isinstance(value, bool) else strings.add(value) for value in values)


def index_attribute_ruler(nlp: Language) -> None:
    """Give the pipeline's attribute ruler (if any) the indexed matcher."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.match = IndexedRulerMatcher(ruler)
