"""The claim lexicon: reporting verbs and nouns, speaker words, page-chrome rules (data/claims.yaml, docs/claims.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).parents[1] / "data" / "claims.yaml"


@dataclass(frozen=True)
class ClaimLexicon:
    speech_verbs: frozenset[str]
    clausal_only_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    light_verbs: frozenset[str]
    source_prepositions: dict[str, frozenset[str]]  # first word -> the words that complete it ("according" -> "to")
    speaker_heads: frozenset[str]
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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(key: str) -> frozenset[str]:
            return frozenset(str(word).lower() for word in data[key])

        def patterns(key: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(pattern, re.IGNORECASE) for pattern in data[key])

        return cls(
            speech_verbs=words("speech_verbs"),
            clausal_only_verbs=words("clausal_only_verbs"),
            speech_nouns=words("speech_nouns"),
            light_verbs=words("light_verbs"),
            source_prepositions=source_prepositions(data["source_prepositions"]),
            speaker_heads=words("speaker_heads"),
            person_titles=words("person_titles"),
            pronouns={str(k).lower(): str(v) for k, v in data["pronouns"].items()},
            situation_lemmas=words("situation_lemmas"),
            conditional_marks=words("conditional_marks"),
            chrome_patterns=patterns("chrome_patterns"),
            tail_markers=patterns("tail_markers"),
            terminal_punctuation=str(data["terminal_punctuation"]),
            min_assertion_tokens=int(data["min_assertion_tokens"]),
        )


def source_prepositions(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Word pairs ("according to") indexed by their first word, so most tokens are ruled out by one lookup."""
    seconds: dict[str, set[str]] = {}
    for first, second in pairs:
        seconds.setdefault(first.lower(), set()).add(second.lower())
    return {first: frozenset(words) for first, words in seconds.items()}
