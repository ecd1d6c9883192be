"""Gazetteer files: their schema, reading with validation, and merging.

Every gazetteer file (the built-in ones and a user's `SITREP_ACTORS_PATH`) is checked against one schema before use:
an unknown section or field, a wrong type or a person without a code is an error naming the file and the line, never
silently ignored. Files merge section by section: mappings recursively, lists appended, scalars replaced.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DATA = Path(__file__).parent / "data"
DEFAULT_GAZETTEER = DATA / "actors.yaml"
OFFICE_HOLDERS = DATA / "office_holders.yaml"
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
YEARS = re.compile(r"^\d{4}(-(\d{4})?)?( \d{4}(-(\d{4})?)?)*$")  # "2017-2021 2025-"


class GazetteerError(ValueError):
    """A gazetteer file that does not follow the schema; the message names the file and line."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CountryEntry(Section):
    government: str | None = None  # code of its government; default <CODE>_GOV from the world layer
    names: list[str] = []  # -> the country code
    adjectives: list[str] = []
    people: list[str] = []  # plural demonym: "Israelis"
    armed_forces: list[str] = []  # its military, coded as the country: "People's Liberation Army"
    capitals: list[str] = []  # metonyms of its government: "Beijing warned"
    institutions: list[str] = []  # named state bodies -> the government code


class OrganisationEntry(Section):
    names: list[str] = []
    adjectives: list[str] = []
    subject_only: list[str] = []  # forms that name the organisation only as a clause subject ("the agency said")


class PersonEntry(Section):
    name: str
    code: str
    years: str | None = None  # when the person held the office that gives the code; documentation for curators
    aliases: list[str] = []
    short: list[str] = []  # forms valid alone ("Netanyahu")
    family: list[str] = []  # family-name forms valid only after the full name in the same article ("Kim")

    @field_validator("code")
    @classmethod
    def code_shape(cls, code: str) -> str:
        if not CODE.match(code):
            raise ValueError(f"actor code {code!r} must be upper-case letters, digits and underscores")
        return code

    @field_validator("years", mode="before")
    @classmethod
    def years_shape(cls, years: object) -> str | None:
        if years is None:
            return None
        years = str(years)  # YAML reads a single year as a number
        if not YEARS.match(years):
            raise ValueError(f"years {years!r} must look like '2017-2021 2025-'")
        return years


class PageChromeSection(Section):
    block_headings: list[str] = []
    lines: list[str] = []
    inline: list[str] = []


class GazetteerFile(Section):
    countries: dict[str, CountryEntry] = {}
    organisations: dict[str, OrganisationEntry] = {}
    people: list[PersonEntry] = []
    roles: dict[str, list[str]] = {}
    fixed_roles: dict[str, list[str]] = {}
    outside_government: list[str] = []
    no_antecedent: list[str] = []
    group_modifiers: dict[str, list[str]] = {}
    civilian_quantifiers: list[str] = []
    honorifics: list[str] = []
    page_chrome: PageChromeSection = Field(default_factory=PageChromeSection)

    @field_validator("countries", "organisations", "fixed_roles", "group_modifiers")
    @classmethod
    def codes_shape(cls, section: dict) -> dict:
        for code in section:
            if not CODE.match(str(code)):
                raise ValueError(f"actor code {code!r} must be upper-case letters, digits and underscores")
        return section


def read_gazetteer(path: Path) -> dict:
    """The validated content of one gazetteer file, only the fields it sets (so merging keeps its semantics)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise GazetteerError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise GazetteerError(f"{path}: line 1: a gazetteer is a mapping of sections")
    try:
        return GazetteerFile.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as error:
        first = error.errors()[0]
        line = yaml_line(text, first["loc"])
        where = ".".join(str(part) for part in first["loc"])
        raise GazetteerError(f"{path}: line {line}: {where}: {first['msg']}") from None


def yaml_line(text: str, loc: tuple) -> int:
    """1-based line of the deepest YAML node on the path `loc` (section, key, list index, field...)."""
    node = yaml.compose(text)
    line = 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if pair is None:  # a missing field: the mapping that lacks it is the place
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


@cache
def gazetteer_data(extra_path: Path | None = None) -> dict:
    """The whole gazetteer: the world's countries (agents/nlp/world.py), then the curated files, then a user's file
    over them. Read once per process and path; callers must not modify it."""
    from agents.nlp.world import world_countries

    data = {"countries": world_countries()}
    for path in (DEFAULT_GAZETTEER, OFFICE_HOLDERS, *([Path(extra_path)] if extra_path is not None else [])):
        data = merge_gazetteers(data, read_gazetteer(path))
    return data


def party_forms(data: dict, code: str) -> tuple[frozenset[str], frozenset[str]]:
    """(actor codes, single-word keywords) of one party to a situation: a country with its government, forces, capital
    and office holders ("IND" -> IND, IND_GOV; india, indian, delhi, modi ...), or an organisation or armed group."""
    countries, organisations = data.get("countries", {}), data.get("organisations", {})
    if code in countries:
        entry = countries[code]
        codes = {code, entry.get("government") or f"{code}_GOV"}
        sections = ("names", "adjectives", "people", "capitals", "institutions", "armed_forces")
    elif code in organisations:
        entry = organisations[code]
        codes = {code}
        sections = ("names", "adjectives")
    else:
        raise ValueError(f"party {code!r} is neither a country nor an organisation of the actor gazetteer")
    forms = [form for section in sections for form in entry.get(section, [])]
    for person in data.get("people", []):
        if person["code"] in codes:
            forms += person.get("short", [])  # distinctive surnames only: "Modi", not "Singh"
    keywords = {form.lower() for form in forms if form.isalpha() and len(form) > 2}
    return frozenset(codes), frozenset(keywords)


def merge_gazetteers(base: dict, extra: dict) -> dict:
    """Merge a gazetteer over another: mappings recursively, lists appended, scalars replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_gazetteers(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged
