"""Situations as configuration: which actors and keywords put an article in a situation (YAML, see data/).

A situation is declared either by its parties alone (`parties: [IND, PAK]`: each party's codes and words come from the
actor gazetteer, and an article belongs when it touches every party) or with explicit `all_of` groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ConfigDict

from agents.datafiles import Schema, read_data_file
from agents.gazetteer import gazetteer_data, party_forms
from agents.situation.estimate import DEFAULT_PARAMETERS, IndexParameters

DEFAULT_SITUATIONS = Path(__file__).resolve().parent / "data" / "situations.yaml"


class GroupEntry(Schema):
    name: str | None = None  # for the curator
    actors: list[str] | None = None
    keywords: list[str] | None = None


class SituationEntry(Schema):
    model_config = ConfigDict(coerce_numbers_to_str=True)  # `id: 2022` is the id "2022"

    id: str
    name: str | None = None
    parties: list[str] | None = None
    all_of: list[GroupEntry] | None = None
    index: IndexParameters | None = None


class SituationsFile(Schema):
    """A situations config: data/situations.yaml, deploy/situations/catalogue.yaml or SITREP_SITUATIONS_PATH."""

    situations: list[SituationEntry] | None = None


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


def parse_situation(entry: SituationEntry, gazetteer: Mapping | None = None) -> Situation:
    """A situation from its config entry; `gazetteer` (agents/gazetteer data) expands parties-only entries."""
    parties = list(entry.parties or ())
    groups = tuple(
        MatchGroup(
            actors=frozenset(group.actors or ()),
            keywords=frozenset(word.lower() for word in group.keywords or ()),
        )
        for group in entry.all_of or ()
    )
    if not groups and parties:
        sides = [party_forms(gazetteer or gazetteer_data(), code) for code in parties]
        groups = tuple(MatchGroup(actors=codes, keywords=keywords) for codes, keywords in sides)
        parties = [code for codes, _ in sides for code in sorted(codes)]
    if not groups:
        raise ValueError(f"situation {entry.id!r} needs its parties or at least one group under all_of")
    return Situation(
        id=entry.id,
        name=entry.name or entry.id,
        all_of=groups,
        parties=frozenset(parties),
        index=entry.index or DEFAULT_PARAMETERS,
    )


@dataclass(frozen=True)
class SituationMatcher:
    situations: tuple[Situation, ...]

    @classmethod
    @cache
    def load(cls, path: Path | None = None, actors_path: Path | None = None) -> SituationMatcher:
        """Read a situations YAML file (the built-in russia-ukraine config when `path` is None); parties-only
        situations take their words from the actor gazetteer, with the user's `actors_path` file merged in."""
        data = read_data_file(path or DEFAULT_SITUATIONS, SituationsFile)
        gazetteer = gazetteer_data(actors_path)
        situations = tuple(parse_situation(entry, gazetteer) for entry in data.situations or ())
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
