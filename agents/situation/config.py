"""Situations as configuration: which actors and keywords put an article in a situation (YAML, see data/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from agents.situation.estimate import DEFAULT_PARAMETERS, IndexParameters

DEFAULT_SITUATIONS = Path(__file__).resolve().parent / "data" / "situations.yaml"


@dataclass(frozen=True)
class MatchGroup:
    """One thing an article must touch: any of these actors mentioned, or any of these keywords among its terms."""

    actors: frozenset[str]
    keywords: frozenset[str]

    def touched_by(self, actors: Mapping[str, int], terms: frozenset[str]) -> bool:
        return any(actors.get(code, 0) > 0 for code in self.actors) or not self.keywords.isdisjoint(terms)


@dataclass(frozen=True)
class Situation:
    id: str
    name: str
    all_of: tuple[MatchGroup, ...]
    parties: frozenset[str] = frozenset()  # actor codes of the parties to the conflict (their own claims weigh more)
    index: IndexParameters = DEFAULT_PARAMETERS  # the estimate's priors and alert thresholds (`index:` section)

    def matches(self, actors: Mapping[str, int], terms: frozenset[str]) -> bool:
        return all(group.touched_by(actors, terms) for group in self.all_of)


def parse_situation(entry: Mapping) -> Situation:
    groups = tuple(
        MatchGroup(
            actors=frozenset(group.get("actors") or ()),
            keywords=frozenset(word.lower() for word in group.get("keywords") or ()),
        )
        for group in entry.get("all_of") or ()
    )
    if not groups:
        raise ValueError(f"situation {entry.get('id')!r} needs at least one group under all_of")
    return Situation(
        id=str(entry["id"]),
        name=str(entry.get("name") or entry["id"]),
        all_of=groups,
        parties=frozenset(entry.get("parties") or ()),
        index=IndexParameters(**(entry.get("index") or {})),
    )


@dataclass(frozen=True)
class SituationMatcher:
    situations: tuple[Situation, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> SituationMatcher:
        """Read a situations YAML file; the built-in russia-ukraine config when `path` is None."""
        with (path or DEFAULT_SITUATIONS).open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        situations = tuple(parse_situation(entry) for entry in data.get("situations") or ())
        ids = [situation.id for situation in situations]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate situation ids in {path or DEFAULT_SITUATIONS}")
        return cls(situations)

    def parties(self, situation_id: str) -> frozenset[str]:
        """The parties of a situation; none for an id that is not (or no longer) configured."""
        return next((s.parties for s in self.situations if s.id == situation_id), frozenset())

    def index_parameters(self, situation_id: str) -> IndexParameters:
        """The estimate's parameters of a situation; the defaults for an id that is not (or no longer) configured."""
        return next((s.index for s in self.situations if s.id == situation_id), DEFAULT_PARAMETERS)

    def match(self, actors: Mapping[str, int], terms: Iterable[str]) -> list[str]:
        """Ids of every situation the article belongs to, in config order."""
        words = frozenset(term.lower() for term in terms)
        return [situation.id for situation in self.situations if situation.matches(actors, words)]
