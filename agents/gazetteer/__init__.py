"""The actor gazetteer's data: its files' schema, reading with validation, merging, and the parties of situations.

Shared by the actor resolver (agents/nlp/actors/) and the situations config (agents/situation/config.py), so it
belongs to neither.

Every gazetteer file (the built-in ones and a user's `SITREP_ACTORS_PATH`) is read through agents/datafiles.py against
one schema: an unknown section or field, a wrong type or a person without a code is an error naming the file and the
line, never silently ignored. Files merge section by section: mappings recursively, lists appended, scalars replaced.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator

from agents.datafiles import RegexText, Schema, read_data_file

DATA = Path(__file__).parent / "data"
DEFAULT_GAZETTEER = DATA / "actors.yaml"
OFFICE_HOLDERS = DATA / "office_holders.yaml"
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
YEARS = re.compile(r"^\d{4}(-(\d{4})?)?( \d{4}(-(\d{4})?)?)*$")  # "2017-2021 2025-"


class CountryEntry(Schema):
    government: str | None = None  # code of its government; default <CODE>_GOV from the world layer
    names: list[str] = []  # -> the country code
    adjectives: list[str] = []
    people: list[str] = []  # plural demonym: "Israelis"
    armed_forces: list[str] = []  # its military, coded as the country: "People's Liberation Army"
    capitals: list[str] = []  # metonyms of its government: "Beijing warned"
    institutions: list[str] = []  # named state bodies -> the government code


class OrganisationEntry(Schema):
    names: list[str] = []
    adjectives: list[str] = []
    subject_only: list[str] = []  # forms that name the organisation only as a clause subject ("the agency said")


class PersonEntry(Schema):
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


class PageChromeSection(Schema):
    block_headings: list[RegexText] = []
    lines: list[RegexText] = []
    inline: list[RegexText] = []


class GazetteerFile(Schema):
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
    return read_data_file(path, GazetteerFile).model_dump(exclude_unset=True)


@cache
def gazetteer_data(extra_path: Path | None = None) -> dict:
    """The whole gazetteer: the world's countries (world.py), then the curated files, then a user's file over them.
    Read once per process and path; callers must not modify it."""
    from agents.gazetteer.world import world_countries

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
