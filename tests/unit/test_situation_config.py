"""Situations declared by their parties alone: codes and words from the actor gazetteer; the explicit form unchanged;
configuration mistakes are errors that name the situation."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.datafiles import DataFileError
from agents.situation.config import Situation, SituationEntry, SituationMatcher, parse_situation

CATALOGUE = Path(__file__).parents[2] / "deploy" / "situations" / "catalogue.yaml"


def parsed(entry: dict) -> Situation:
    return parse_situation(SituationEntry.model_validate(entry))


def test_parties_alone_give_one_group_per_party_from_the_gazetteer():
    situation = parsed({"id": "india-pakistan", "name": "India–Pakistan", "parties": ["IND", "PAK"]})
    india, pakistan = situation.all_of
    assert india.actors == {"IND", "IND_GOV"} and pakistan.actors == {"PAK", "PAK_GOV"}
    assert {"india", "indian", "modi"} <= india.keywords and {"pakistan", "islamabad"} <= pakistan.keywords
    assert situation.parties == {"IND", "IND_GOV", "PAK", "PAK_GOV"}
    assert situation.matches({"IND_GOV": 1}, frozenset({"pakistani"}))
    assert not situation.matches({"IND": 3}, frozenset({"kashmir"}))


def test_an_armed_group_can_be_a_party():
    situation = parsed({"id": "israel-hamas", "parties": ["ISR", "HAMAS"]})
    assert situation.all_of[1].actors == {"HAMAS"} and "hamas" in situation.all_of[1].keywords
    assert situation.name == "israel-hamas"


def test_the_explicit_form_is_kept_as_written():
    entry = {"id": "x", "parties": ["RUS"], "all_of": [{"actors": ["UKR"], "keywords": ["Kyiv"]}]}
    situation = parsed(entry)
    assert len(situation.all_of) == 1 and situation.all_of[0].keywords == {"kyiv"}
    assert situation.parties == {"RUS"}


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"id": "x", "parties": ["XYZ"]}, "'XYZ' is neither a country nor an organisation"),
        ({"id": "x"}, "needs its parties or at least one group"),
    ],
)
def test_mistakes_are_errors(entry, message):
    with pytest.raises(ValueError) as error:
        parsed(entry)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("situations:\n  - id: x\n    parties: [IND]\n    al_of: []\n", 4, "situations.0.al_of"),
        ("situations:\n  - {id: x, parties: [IND]}\n  - {name: no id, parties: [PAK]}\n", 3, "situations.1.id"),
        ("situations:\n  - id: x\n    parties: [IND]\n    index: {red_entr: 50}\n", 4, "index.red_entr"),
        ("situations:\n  - id: x\n    all_of:\n      - {actors: [IND], keywrds: [delhi]}\n", 4, "keywrds"),
    ],
)
def test_a_typo_in_a_situations_file_is_an_error_naming_its_line(tmp_path, content, line, message):
    path = tmp_path / "situations.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        SituationMatcher.load(path)
    assert f"{path}: line {line}:" in str(error.value) and message in str(error.value)


def test_a_users_gazetteer_gives_a_party_its_words(tmp_path):
    actors = tmp_path / "actors.yaml"
    actors.write_text("organisations:\n  NORTHFRONT:\n    names: [Northern Front, Nordfront]\n", encoding="utf-8")
    situations = tmp_path / "situations.yaml"
    situations.write_text("situations:\n  - {id: north, parties: [NORTHFRONT, MLI]}\n", encoding="utf-8")
    matcher = SituationMatcher.load(situations, actors)
    assert matcher.match({"NORTHFRONT": 1}, ["malian"]) == ["north"]
    assert matcher.match({}, ["nordfront", "bamako"]) == ["north"]


def test_the_catalogue_loads_and_keeps_its_situations_apart():
    matcher = SituationMatcher.load(CATALOGUE)
    ids = [situation.id for situation in matcher.situations]
    assert len(ids) >= 6 and "india-pakistan" in ids and "russia-ukraine" in ids
    assert matcher.match({"IND_GOV": 1, "PAK": 2}, []) == ["india-pakistan"]
    assert matcher.match({"ISR_GOV": 1, "IRN": 1, "HAMAS": 1}, []) == ["israel-hamas", "israel-iran"]  # config order
