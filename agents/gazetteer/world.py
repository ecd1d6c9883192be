"""The country layer of the actor gazetteer, built from data packages rather than typed by hand.

pycountry gives every ISO 3166-1 country its alpha-3 code and its short, common and official names; countryinfo adds
the demonym, the capital and alternative spellings. The result has the shape of the gazetteer's `countries` section
(names, adjectives, people, capitals, government), so the curated YAML merges over it entry by entry: a curated
country keeps its own government code and gains every name the packages know.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files

import pycountry

# A usable surface form: letters (Åland, Côte d'Ivoire), spaces, hyphens, apostrophes, dots; no "Korea, Republic of".
PLAIN_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[.'’ -])+$")
# The state's form before its core name: "Democratic Republic of the Congo", "Islamic Republic of Iran".
REPUBLIC_OF = re.compile(r"^.*\bRepublic of (the )?")
# Words that make a name a qualifier of another country's name, never the country itself.
QUALIFIED = re.compile(r"\b(Province|part|Minor|Outlying)\b")


def government_code(alpha3: str) -> str:
    return f"{alpha3}_GOV"


@cache
def world_countries() -> dict[str, dict]:
    """alpha-3 code -> gazetteer entry for every ISO 3166-1 country. A demonym shared by several countries belongs to
    the one ten times more populous than any other ("French", not French Guiana); otherwise to none ("Congolese")."""
    details = countryinfo_records()
    entries: dict[str, dict] = {}
    for country in pycountry.countries:
        record = details.get(country.alpha_3, {})
        names = (
            {getattr(country, attribute, None) for attribute in ("name", "common_name", "official_name")}
            | {record.get("name")}
            | set(record.get("altSpellings", []))
        )
        entry = {
            "government": government_code(country.alpha_3),
            "names": sorted(name for name in names if is_plain_name(name)),
            "capitals": capitals(record.get("capital")),
        }
        demonym = record.get("demonym")
        if isinstance(demonym, str) and is_plain_name(demonym):
            entry["adjectives"] = [demonym]
            entry["people"] = [plural_demonym(demonym)]
        # "Democratic Republic of the Congo" is also called by its core, "Congo" (which the shared rule below decides)
        cores = {REPUBLIC_OF.sub("", name) for name in entry["names"] if REPUBLIC_OF.search(name)}
        entry["names"] = sorted(set(entry["names"]) | {core for core in cores if is_plain_name(core)})
        entries[country.alpha_3] = entry
    populations = {alpha3: population(details.get(alpha3, {})) for alpha3 in entries}
    for form, alpha3 in losing_claims(entries, "names", populations):
        entries[alpha3]["names"].remove(form)
    for _, alpha3 in losing_claims(entries, "adjectives", populations):
        entries[alpha3].pop("adjectives", None)
        entries[alpha3].pop("people", None)
    return entries


def losing_claims(entries: dict[str, dict], field: str, populations: dict[str, int]) -> list[tuple[str, str]]:
    """(form, country) for each country that loses a form of `field` several countries claim: all of them but the
    one ten times more populous than any other, if there is one."""
    claimants: dict[str, list[tuple[int, str]]] = {}
    for alpha3, entry in entries.items():
        for form in entry.get(field, []):
            claimants.setdefault(form, []).append((populations[alpha3], alpha3))
    losing = []
    for form, countries in claimants.items():
        if len(countries) >= 2:
            countries.sort(reverse=True)
            kept = 1 if countries[0][0] >= 10 * countries[1][0] else 0
            losing += [(form, alpha3) for _, alpha3 in countries[kept:]]
    return losing


def countryinfo_records() -> dict[str, dict]:
    """countryinfo's JSON records by alpha-3 code; where a code has two records the one with a demonym wins."""
    records: dict[str, dict] = {}
    for path in files("countryinfo").joinpath("data").iterdir():
        if not path.name.endswith(".json"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        alpha3 = record.get("ISO", {}).get("alpha3")
        if alpha3 and (alpha3 not in records or record.get("demonym")):
            records[alpha3] = record
    return records


def population(record: dict) -> int:
    value = record.get("population")
    return value if isinstance(value, int) else 0


def is_plain_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and len(name) > 3
        and name[0].isupper()
        and bool(PLAIN_NAME.match(name))
        and not QUALIFIED.search(name)
    )


def capitals(value: object) -> list[str]:
    """'Washington D.C.' -> ['Washington', 'Washington D.C.']; 'Kralendijk / Oranjestad' -> both."""
    raw = value if isinstance(value, list) else [value]
    forms = set()
    for item in raw:
        if not isinstance(item, str):
            continue
        for part in item.split("/"):
            part = part.strip()
            if is_plain_name(part) or (part and PLAIN_NAME.match(part)):
                forms.add(part)
                forms.add(part.removesuffix(" D.C.").removesuffix(" City"))
    return sorted(form for form in forms if form)


def plural_demonym(demonym: str) -> str:
    """'Israeli' -> 'Israelis', 'Chinese' -> 'Chinese', 'Swiss' -> 'Swiss', 'Frenchman' stays as the data has it."""
    if demonym.endswith(("ese", "ss", "sh", "ch")):
        return demonym
    return demonym + "s"
