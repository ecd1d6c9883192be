"""The claim lexicon: reporting verbs and nouns, speaker words, page-chrome rules (data/claims.yaml, docs/claims.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from agents.datafiles import RegexText, Schema, read_data_file

DEFAULT_PATH = Path(__file__).parents[1] / "data" / "claims.yaml"


class ClaimsFile(Schema):
    """data/claims.yaml; every section is required (docs/claims.md)."""

    speech_verbs: list[str]
    clausal_only_verbs: list[str]
    speech_nouns: list[str]
    light_verbs: list[str]
    source_prepositions: list[tuple[str, str]]
    speaker_heads: list[str]
    documents: list[str]
    person_titles: list[str]
    pronouns: dict[str, Literal["person", "group", "body"]]
    situation_lemmas: list[str]
    conditional_marks: list[str]
    chrome_patterns: list[RegexText]
    tail_markers: list[RegexText]
    terminal_punctuation: str
    min_assertion_tokens: int


@dataclass(frozen=True)
class ClaimLexicon:
    speech_verbs: frozenset[str]
    clausal_only_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    light_verbs: frozenset[str]
    source_prepositions: dict[str, frozenset[str]]  # first word -> the words that complete it ("according" -> "to")
    speaker_heads: frozenset[str]
    documents: frozenset[str]
    person_titles: frozenset[str]
    pronouns: dict[str, str]
    situation_lemmas: frozenset[str]
    conditional_marks: frozenset[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    tail_markers: tuple[re.Pattern[str], ...]
    terminal_punctuation: str
    min_assertion_tokens: int

    @classmethod
    def read(cls, path: Path) -> ClaimLexicon:
        data = read_data_file(path, ClaimsFile)

        def words(values: list[str]) -> frozenset[str]:
            return frozenset(word.lower() for word in values)

        def patterns(values: list[str]) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(pattern, re.IGNORECASE) for pattern in values)

        return cls(
            speech_verbs=words(data.speech_verbs),
            clausal_only_verbs=words(data.clausal_only_verbs),
            speech_nouns=words(data.speech_nouns),
            light_verbs=words(data.light_verbs),
            source_prepositions=source_prepositions(data.source_prepositions),
            speaker_heads=words(data.speaker_heads),
            documents=words(data.documents),
            person_titles=words(data.person_titles),
            pronouns={pronoun.lower(): kind for pronoun, kind in data.pronouns.items()},
            situation_lemmas=words(data.situation_lemmas),
            conditional_marks=words(data.conditional_marks),
            chrome_patterns=patterns(data.chrome_patterns),
            tail_markers=patterns(data.tail_markers),
            terminal_punctuation=data.terminal_punctuation,
            min_assertion_tokens=data.min_assertion_tokens,
        )


def source_prepositions(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Word pairs ("according to") indexed by their first word, so most tokens are ruled out by one lookup."""
    seconds: dict[str, set[str]] = {}
    for first, second in pairs:
        seconds.setdefault(first.lower(), set()).add(second.lower())
    return {first: frozenset(words) for first, words in seconds.items()}
