"""The compiled actor gazetteer: surface forms and cue words as PhraseMatchers, run once per parsed article."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from agents.gazetteer import gazetteer_data
from agents.nlp.actors.article import ArticleActors
from agents.nlp.actors.chrome import PageChrome, in_ranges
from agents.nlp.actors.phrases import CodedForm, is_role_noun, is_subject, role_phrase
from agents.nlp.docs import doc_text
from agents.records import Entity

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
MENTION_LABEL = "ACTOR"  # label of actor mentions that spaCy's NER did not find (role phrases, "the West", ...)
# a dateline opening the text: one place in capitals, then a comma, a bracket or a dash ("NEW DELHI, May 7 -")
DATELINE = re.compile(r"\s*([A-Z][A-Z.'’ -]*[A-Z])\s*(?:,|\(|[-–—])")
# "GOMA, Democratic Republic of Congo, June 14 -": a city that is no capital, then the country it lies in
DATELINE_COUNTRY = re.compile(r"\s*[A-Z][A-Z.'’ -]*[A-Z]\s*,\s*([A-Z][\w.'’ -]*?)\s*(?:,|\(|[-–—])")
AGE_SUFFIXES = ("year-old", "years-old", "year old", "years old")  # after a number: a private person's age
IRREGULAR_PLURALS = {
    "child": "children",
    "person": "people",
    "personnel": "personnel",
    "people": "people",
    "woman": "women",
    "man": "men",
    "passer-by": "passers-by",
}


@dataclass
class ActorGazetteer:
    """Compiled actor gazetteer. Build with `ActorGazetteer.load(nlp)`; call `annotate(doc)` per parsed article."""

    phrases: PhraseMatcher  # surface forms, case-sensitive
    cues: PhraseMatcher  # role nouns, "many Russians", "-year-old", "Mr", "separatist": lower case
    government: dict[str, str]  # country code -> its government's code
    country_of: dict[str, str]  # government code -> country code
    fixed_roles: dict[str, str]  # role class -> fixed code (CIVILIAN, EXPERT, SEPARATISTS)
    no_antecedent: frozenset[str]  # role lemmas that never refer back ("the country")
    outside_government: frozenset[str]  # modifiers of an office that put its holder outside government ("former")
    military_roles: frozenset[str]  # the military role lemmas: "military spokesman" speaks for the armed forces
    chrome: PageChrome
    capital_of: dict[str, str]  # capital in upper case ("NEW DELHI") -> country code, for datelines
    country_named: dict[str, str]  # a country's name ("Democratic Republic of Congo") -> its code, for datelines
    role_nouns: frozenset[str]  # every role noun, singular and plural, lower case: what can name a speaker

    @classmethod
    def load(cls, nlp: Language, extra_path: Path | None = None) -> ActorGazetteer:
        data = gazetteer_data(extra_path)
        phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        for key, forms in surface_forms(data).items():
            if forms:
                phrases.add(key, [nlp.make_doc(form) for form in sorted(forms)])
        cues = PhraseMatcher(nlp.vocab, attr="LOWER")  # case-insensitive cue words, checked in context by match()
        fixed_roles: dict[str, str] = {}
        role_nouns: set[str] = set()
        for role_class, lemmas in data.get("roles", {}).items():
            role_nouns.update(noun_forms(lemmas))
            cues.add(f"role\t{role_class}", [nlp.make_doc(form) for form in noun_forms(lemmas)])
        for code, lemmas in data.get("fixed_roles", {}).items():
            fixed_roles[f"fixed:{code}"] = code
            role_nouns.update(noun_forms(lemmas))
            cues.add(f"role\tfixed:{code}", [nlp.make_doc(form) for form in noun_forms(lemmas)])
        people = sorted({p for c in data.get("countries", {}).values() for p in c.get("people", [])})
        quantified = [f"{q} {p}" for q in data.get("civilian_quantifiers", []) for p in people]
        cues.add("civilian\tCIVILIAN", [nlp.make_doc(phrase) for phrase in quantified])
        cues.add("age\t", [nlp.make_doc(form) for form in AGE_SUFFIXES])
        cues.add("honorific\t", [nlp.make_doc(form) for form in data.get("honorifics", [])])
        for code, modifiers in data.get("group_modifiers", {}).items():
            cues.add(f"group\t{code}", [nlp.make_doc(form) for form in modifiers])
        countries = data.get("countries", {})
        government = {code: entry.get("government", code) for code, entry in countries.items()}
        return cls(
            phrases=phrases,
            cues=cues,
            government=government,
            country_of={gov: code for code, gov in government.items()},
            fixed_roles=fixed_roles,
            no_antecedent=frozenset(data.get("no_antecedent", [])),
            outside_government=frozenset(data.get("outside_government", [])),
            military_roles=frozenset(data.get("roles", {}).get("military", [])),
            chrome=PageChrome.compile(data.get("page_chrome", {})),
            capital_of={
                capital.upper(): code for code, entry in countries.items() for capital in entry.get("capitals", [])
            },
            role_nouns=frozenset(role_nouns),
            country_named={name: code for code, entry in countries.items() for name in entry.get("names", [])},
        )

    def dateline_country(self, text: str) -> str | None:
        """The country of the article's dateline: a capital in capitals ("ISLAMABAD, May 7 -") or any city followed
        by its country's name ("GOMA, Democratic Republic of Congo, June 14 -"); None without one, or for
        "MOSCOW/LONDON" and a city named alone that is no capital."""
        head = text[:200]
        named = DATELINE_COUNTRY.match(head)
        if named and named.group(1) in self.country_named:
            return self.country_named[named.group(1)]
        match = DATELINE.match(head)
        return self.capital_of.get(match.group(1).strip()) if match else None

    def country_of_code(self, code: str) -> str | None:
        """The country a code stands for or governs (RUS, RUS_GOV -> RUS); None for organisations and roles."""
        return code if code in self.government else self.country_of.get(code)

    def code_for_role(self, role_class: str, modifier: str) -> str:
        """'Russian' + official -> RUS_GOV; 'Russian' + troops -> RUS; 'Kremlin' + spokesman -> RUS_GOV."""
        country = self.country_of_code(modifier)
        if country is None:
            return modifier  # an organisation or collective: NATO, EU, EXPERT ...
        return self.government[country] if role_class == "government" else country

    def annotate(self, doc: Doc) -> ArticleActors:
        """Code every actor mention of a parsed article; the result also resolves any other span of the Doc."""
        chrome = self.chrome.ranges(doc_text(doc))
        forms, roles, ages, honorifics = self.match(doc)
        actors = ArticleActors(
            entities=[],
            counts={},
            chrome=chrome,
            doc=doc,
            gazetteer=self,
            forms=forms,
            people={},
            roles=roles,
            home=self.dateline_country(doc_text(doc)),
        )
        surnames = actors.mark_gazetteer_people()
        all_ents = doc.ents  # the getter builds new Span objects on every call
        ents = [ent for ent in all_ents if ent.label_ in ACTOR_LABELS]
        codes = {(ent.start, ent.end): actors.resolve_entity(ent, ages, surnames) for ent in ents}
        tagged = {i for ent in all_ents for i in range(ent.start, ent.end)}
        actors.refer_back(ents, codes, honorifics, surnames, tagged)
        entities = [
            Entity(
                text=ent.text,
                label=ent.label_,
                start=ent.start_char,
                end=ent.end_char,
                actor=None if in_ranges(ent.start_char, chrome) else codes.get((ent.start, ent.end)),
            )
            for ent in all_ents
        ]
        entities += [
            Entity(text=span.text, label=MENTION_LABEL, start=span.start_char, end=span.end_char, actor=code)
            for span, code in self.extra_mentions(doc, actors, ents)
            if not in_ranges(span.start_char, chrome)
        ]
        entities.sort(key=lambda e: (e.start, e.end))
        actors.entities = entities
        actors.counts = dict(Counter(e.actor for e in entities if e.actor is not None))
        return actors

    def match(self, doc: Doc):
        """Run both matchers once: surface forms (longest wins), role nouns, ages, honorific + name tokens."""
        candidates: list[Span] = []
        roles: dict[int, str] = {}
        ages: set[int] = set()
        honorifics: set[int] = set()
        for match_id, start, end in self.cues(doc):
            kind, _, value = doc.vocab.strings[match_id].partition("\t")
            if kind == "role":
                if is_role_noun(doc[start], fixed=value in self.fixed_roles):
                    roles[start] = value
            elif kind == "age":  # "15-year-old", "65 years old"
                number = start - 1 if start and doc[start - 1].text != "-" else start - 2
                if number >= 0 and doc[number].like_num:
                    ages.update(range(number, end))
            elif kind == "honorific":
                if end < len(doc) and doc[end].is_title:
                    honorifics.add(end)
            elif kind == "group":  # "separatist forces"
                if end < len(doc) and doc[end].pos_ in ("NOUN", "PROPN"):
                    candidates.append(Span(doc, start, end + 1, label=match_id))
            else:
                candidates.append(Span(doc, start, end, label=match_id))
        for match_id, start, end in self.phrases(doc):
            candidates.append(Span(doc, start, end, label=match_id))
        forms: dict[int, CodedForm] = {}
        full_names: set[str] = set()
        spans = filter_spans(candidates)
        for span in spans:
            kind, code, *rest = span.label_.split("\t")
            if kind == "person":
                full_names.add(rest[0])
        for span in spans:
            kind, code, *rest = span.label_.split("\t")
            if kind == "surname" and rest[0] not in full_names:
                continue
            if kind == "subject_only" and not is_subject(span.root):
                continue
            mention = CodedForm(span.start, span.end, code, kind)
            for i in range(span.start, span.end):
                forms[i] = mention
        return forms, roles, ages, honorifics

    def extra_mentions(self, doc: Doc, actors: ArticleActors, ents: list[Span]):
        """Actor mentions NER missed: surface forms outside entities ("the West", "separatists") and role phrases
        ("US officials", "residents", "the Russian president") whose head is not inside an entity or a title."""
        in_ent = {i for ent in ents for i in range(ent.start, ent.end)}
        seen_forms = set()
        for mention in actors.forms.values():
            if mention in seen_forms or any(i in in_ent for i in range(mention.start, mention.end)):
                continue
            seen_forms.add(mention)
            yield doc[mention.start : mention.end], mention.code
        for i in sorted(actors.roles):
            head = doc[i]
            # a compound role noun modifies another noun ("refugee agency", "Minister Sergei Shoigu"): not a head
            if i in in_ent or i in actors.forms or head.dep_ == "compound":
                continue
            span = role_phrase(head, with_complement=actors.roles[i] == "government")
            code = actors.resolve(span)
            if code is not None:
                actors.remember(head, code)
                yield span, code


def surface_forms(data: dict) -> dict[str, set[str]]:
    """Matcher key ("kind\\tcode[\\tperson]") -> surface forms, with a sentence-initial "The ..." for every "the ..."
    form. No all-capitals variants: a dateline ("MOSCOW/LONDON -") names where a report was filed, not an actor."""
    keys: dict[str, set[str]] = {}

    def add(kind: str, code: str, forms, person: str | None = None) -> None:
        key = "\t".join(part for part in (kind, code, person) if part is not None)
        bucket = keys.setdefault(key, set())
        for form in forms:
            bucket.add(form)
            if form.startswith("the "):
                bucket.add("The" + form[3:])

    for code, entry in data.get("countries", {}).items():
        government = entry.get("government", code)
        add("name", code, entry.get("names", []))
        add("adjective", code, entry.get("adjectives", []))
        add("people", code, entry.get("people", []))
        add("military", code, entry.get("armed_forces", []))
        add("capital", government, entry.get("capitals", []))
        add("institution", government, entry.get("institutions", []))
    for code, entry in data.get("organisations", {}).items():
        add("organisation", code, entry.get("names", []))
        add("adjective", code, entry.get("adjectives", []))
        add("subject_only", code, entry.get("subject_only", []))
    for person in data.get("people", []):
        full = [person["name"], *person.get("aliases", [])]
        add("person", person["code"], full, person=person["name"])
        add("short", person["code"], person.get("short", []))
        # a family name given explicitly replaces the last word ("Kim" of "Kim Jong Un", not "Un")
        surnames = set(person.get("family", [])) or {name.split()[-1] for name in full if " " in name}
        surnames -= set(person.get("short", []))
        add("surname", person["code"], surnames, person=person["name"])
    return keys


def noun_forms(lemmas: list[str]) -> list[str]:
    """Lower-case singular and plural forms of role nouns (the Matcher must not depend on lemmatizer quirks)."""
    forms = set()
    for lemma in lemmas:
        forms.add(lemma)
        if lemma in IRREGULAR_PLURALS:
            forms.add(IRREGULAR_PLURALS[lemma])
        elif lemma.endswith("man"):  # spokesman -> spokesmen, fisherman -> fishermen
            forms.add(lemma[:-3] + "men")
        elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            forms.add(lemma[:-1] + "ies")
        elif lemma.endswith(("s", "sh", "ch", "x")):
            forms.add(lemma + "es")
        else:
            forms.add(lemma + "s")
    return sorted(forms)
