"""The data-file loader: every mistake in a data file is an error naming the file and the line."""

from pathlib import Path

import pytest

from agents.datafiles import DataFileError, RegexText, Schema, read_data_file
from agents.nlp.claims.lexicon import ClaimsFile
from agents.nlp.quantities import QuantitiesFile
from agents.nlp.signal_model import SignalModelFile
from agents.nlp.signals.lexicon import SignalsFile
from agents.situation.config import SituationsFile


class Entry(Schema):
    name: str
    count: int = 0


class Example(Schema):
    title: str = ""
    entries: list[Entry] = []
    groups: dict[str, list[str]] = {}
    patterns: list[RegexText] = []


def read(tmp_path: Path, content: str) -> Example:
    path = tmp_path / "example.yaml"
    path.write_text(content, encoding="utf-8")
    return read_data_file(path, Example)


def error_of(tmp_path: Path, content: str) -> str:
    with pytest.raises(DataFileError) as error:
        read(tmp_path, content)
    return str(error.value)


def test_a_valid_file_reads_into_its_schema(tmp_path):
    example = read(tmp_path, "title: t\nentries:\n  - {name: a, count: 2}\ngroups:\n  g: [x, y]\npatterns: ['^a+$']\n")
    assert example.entries == [Entry(name="a", count=2)]
    assert example.groups == {"g": ["x", "y"]}
    assert read(tmp_path, "") == Example()


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("title: t\ntitel: u\n", 2, ["titel", "Extra inputs are not permitted"]),  # a misspelt key
        ("entries:\n  - {name: a}\n  - {name: b, cuont: 1}\n", 3, ["entries.1.cuont"]),  # in a list item
        ("entries:\n  - name: a\n    count: many\n", 3, ["entries.0.count", "valid integer"]),  # a wrong type
        ("entries:\n  - {name: a}\n  - {count: 1}\n", 3, ["entries.1.name", "Field required"]),  # a missing field
        ("groups:\n  g: [x, y]\n  h: [x, yes]\n", 3, ["groups.h.1", "valid string"]),  # YAML reads yes as true
        ("title: t\npatterns:\n  - 'a('\n", 3, ["patterns.0", "not a regular expression"]),
        ("- just\n- a list\n", 1, ["(file)", "valid dictionary"]),
    ],
)
def test_a_schema_error_names_the_file_and_the_line(tmp_path, content, line, words):
    message = error_of(tmp_path, content)
    assert message.startswith(f"{tmp_path / 'example.yaml'}: line {line}: ")
    for word in words:
        assert word in message


def test_a_yaml_syntax_error_names_the_file_and_the_line(tmp_path):
    message = error_of(tmp_path, "title: t\nentries:\n  - {name: a\n  - {name: b}\ngroups: {}\n")
    assert message.startswith(f"{tmp_path / 'example.yaml'}: line ")
    assert "not valid YAML" in message
    line = int(message.split(": line ")[1].split(":")[0])
    assert 3 <= line <= 5  # the parser notices the unclosed mapping a little after it opens


def test_every_schema_error_is_reported(tmp_path):
    message = error_of(tmp_path, "titel: t\nentries:\n  - {name: a, count: x}\n")
    assert sorted(line.split(": ")[1] for line in message.splitlines()) == ["line 1", "line 3"]


DATA = Path(__file__).parents[2] / "agents" / "nlp" / "data"
BUILT_IN = [
    (DATA / "claims.yaml", ClaimsFile),
    (DATA / "signals.yaml", SignalsFile),
    (DATA / "quantities.yaml", QuantitiesFile),
    (DATA / "signal_model.json", SignalModelFile),
    (DATA.parents[1] / "situation" / "data" / "situations.yaml", SituationsFile),
    (Path(__file__).parents[2] / "deploy" / "situations" / "catalogue.yaml", SituationsFile),
]


@pytest.mark.parametrize("path, schema", BUILT_IN, ids=[path.name for path, _ in BUILT_IN])
def test_the_built_in_data_files_follow_their_schemas(path, schema):
    assert read_data_file(path, schema)


@pytest.mark.parametrize(
    "name, schema, original, typo, place, where",
    [
        ("claims.yaml", ClaimsFile, "\nlight_verbs:", "\nlight_verb:", "\nlight_verb:", "light_verb"),
        ("signals.yaml", SignalsFile, "\n    without: [", "\n    witout: [", "\n    witout: [", "witout"),
        ("signals.yaml", SignalsFile, "category: CEASEFIRE\n", "category: CEASFIRE\n", "\nrules:", "CEASFIRE"),
        ("quantities.yaml", QuantitiesFile, "\nscales:", "\nscale:", "\nscale:", "scale"),
        ("signal_model.json", SignalModelFile, '"intercepts"', '"intercept"', '"intercept"', "intercept"),
    ],
)
def test_a_typo_in_a_built_in_data_file_names_its_line(tmp_path, name, schema, original, typo, place, where):
    changed = (DATA / name).read_text(encoding="utf-8").replace(original, typo, 1)
    path = tmp_path / name
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_data_file(path, schema)
    line = changed[: changed.index(place)].count("\n") + 1 + place.startswith("\n")  # where `place` starts
    assert f"{path}: line {line}: " in str(error.value) and where in str(error.value)


def test_a_json_syntax_error_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{\n "signal": {\n  "classes": ["a",]\n }\n}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"^{path}: line 3: not valid JSON"):
        read_data_file(path, SignalModelFile)
