"""Actor normalisation: every PERSON/ORG/GPE/NORP mention and every role phrase gets a canonical actor code.

The gazetteer (agents/nlp/data/actors.yaml, optionally merged with a user file) is compiled once into a PhraseMatcher
(surface forms) and a lower-case PhraseMatcher (role nouns, "many Russians", ages, "Mr X"). `ActorGazetteer.annotate`
runs both on the already parsed Doc and resolves each phrase in this order:

1. a role noun heading the phrase takes its code from its nearest coded modifier or complement: "Russian officials"
   -> RUS_GOV, "Western officials" -> NATO, "Ukrainian troops" -> UKR, "Putin's army" -> RUS, "secretary of Ukraine's
   Security and Defense Council" -> UKR_GOV; fixed roles ignore it ("residents" -> CIVILIAN); a bare definite role
   refers back to the latest coded one ("the ministry");
2. people: a gazetteer person, a short name valid alone ("Putin"), or a surname referring back to a full name coded
   in the same article ("Johnson" after "Boris Johnson", "Mr Petrenko" after "Defence Minister Oleksandr Petrenko");
3. a surface form covering the phrase head ("the Kremlin", "Control Risks", "Moscow");
4. a role noun elsewhere in the phrase, then any coded form up to the head ("Russia's" -> RUS).

Unknown names stay None. Pure: no Kafka, no Faust.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from agents.nlp.docs import doc_text
from agents.nlp.gazetteer import gazetteer_data
from agents.nlp.syntax import SUBJECT_DEPS
from streams.records import Entity

ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
NAME_LABELS = frozenset({"PERSON", "ORG"})  # names that may take their code from a title or an apposition
MENTION_LABEL = "ACTOR"  # label of actor mentions that spaCy's NER did not find (role phrases, "the West", ...)
# a dateline opening the text: one place in capitals, then a comma, a bracket or a dash ("NEW DELHI, May 7 -")
DATELINE = re.compile(r"\s*([A-Z][A-Z.'’ -]*[A-Z])\s*(?:,|\(|[-–—])")

# Surface-form kinds. People kinds identify one person; a country kind carries the bare country code.
PERSON_KINDS = frozenset({"person", "short", "surname"})
COUNTRY_KINDS = frozenset({"name", "adjective", "people"})
DEFINITE = frozenset({"the", "this", "that"})
# "secretary of ...", "director at Control Risks", "spokesman for the ministry", "an official with the mission"
COMPLEMENT_PREPOSITIONS = frozenset({"of", "at", "for", "with"})
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


@dataclass(frozen=True)
class CodedForm:
    """A coded surface form at token offsets [start, end)."""

    start: int
    end: int
    code: str
    kind: str


@dataclass
class ArticleActors:
    """The actors of one article: coded entities, mention counts, and a resolver for any span of the same Doc."""

    entities: list[Entity]
    counts: dict[str, int]
    chrome: list[tuple[int, int]]  # character ranges of page chrome (related-story blocks, "Also Read", credits)
    doc: Doc = field(repr=False)
    gazetteer: ActorGazetteer = field(repr=False)
    forms: dict[int, CodedForm] = field(repr=False)  # token index -> surface-form mention
    people: dict[int, str] = field(repr=False)  # token index -> code of the person mentioned there
    roles: dict[int, str] = field(repr=False)  # token index -> role class of a role noun
    # role lemma -> [(token index, code)] of coded role phrases and titles, for "the ministry", "the president"
    antecedents: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    home: str | None = None  # the country of the article's dateline ("ISLAMABAD, May 7 -" -> PAK)

    def resolve(self, span: Span) -> str | None:
        """Actor code of a noun phrase ("NATO Secretary-General Jens Stoltenberg", "a U.S. defense official",
        "Western officials", "Moscow", "Johnson's office"); the first conjunct of a coordination decides."""
        span = first_conjunct(span, self.forms)
        if not len(span):
            return None
        root = span.root
        if self.is_role(root):  # "Putin's army" -> RUS, "the Pentagon spokesman, John Kirby" -> USA_GOV
            code = self.role_code(root, span)
            if code is not None:
                return code
        if root.i in self.people:
            return self.people[root.i]
        for token in span:
            if token.i in self.people:
                return self.people[token.i]
        head = self.forms.get(root.i)
        if head is not None and head.kind not in COUNTRY_KINDS:
            return head.code
        roles = [t for t in span if self.is_role(t)]
        if roles:
            code = self.role_code(roles[-1], span)
            if code is not None:
                return code
        # only the head and its premodifiers: in "officials of its missions in Ukraine" Ukraine is not the actor
        coded = [self.forms[t.i] for t in span if t.i in self.forms and t.i <= root.i]
        return coded[0].code if coded else None

    def mark_gazetteer_people(self) -> dict[str, str]:
        """Mark gazetteer people in the people layer; return surname -> code for this article's full names."""
        surnames: dict[str, str] = {}
        for mention in {m for m in self.forms.values() if m.kind in PERSON_KINDS}:
            for i in range(mention.start, mention.end):
                self.people[i] = mention.code
            if mention.kind == "person":
                surnames[self.doc[mention.end - 1].text] = mention.code
        return surnames

    def resolve_entity(self, ent: Span, ages: set[int], surnames: dict[str, str]) -> str | None:
        """Code of one NER entity. A name coded through its title or apposition becomes a back-reference."""
        doc = self.doc
        code = self.resolve(ent)
        from_context = False
        if code is None and self.is_role(ent.root) and ent.root.left_edge.i < ent.start:
            # "Russia's [defence ministry]": the modifiers NER left out of the entity
            code = self.resolve(doc[ent.root.left_edge.i : ent.end])
        elif code is None and ent.label_ in NAME_LABELS and ent.root.dep_ != "compound":
            # a name heading its phrase (NER often tags a person as ORG), not a fragment: "[Defense] Minister"
            code = name_from_context(ent, self, ages)
            from_context = code is not None
        if code is None:
            return None
        for title in doc[min(ent.root.left_edge.i, ent.start) : ent.end]:
            if self.is_role(title):  # "Prime Minister Boris Johnson", "the Russian Defense Ministry"
                self.remember(title, code)
        if ent.label_ == "PERSON" or from_context:
            for i in range(ent.start, ent.end):
                self.people[i] = code
            if sum(t.is_alpha for t in ent) >= 2:
                surnames.setdefault(ent[-1].text, code)
        return code

    def refer_back(self, ents: list[Span], codes: dict, honorifics: set[int], surnames: dict[str, str]) -> None:
        """Surnames and "Mr X" that refer back to a full name coded anywhere in the article."""
        for i in honorifics:
            if self.doc[i].text in surnames:
                self.people[i] = surnames[self.doc[i].text]
        for ent in ents:
            if codes[(ent.start, ent.end)] is None and ent[-1].text in surnames:
                codes[(ent.start, ent.end)] = surnames[ent[-1].text]
                for i in range(ent.start, ent.end):
                    self.people[i] = surnames[ent[-1].text]

    def is_role(self, token: Token) -> bool:
        """A role noun that is not part of a name ("States" in "the United States" is not a role)."""
        return token.i in self.roles and token.i not in self.forms

    def role_code(self, role: Token, span: Span) -> str | None:
        """Code of a role phrase from its nearest coded modifier; an "of" complement is resolved as a phrase
        ("secretary of Ukraine's Security and Defense Council", "leaders of the separatist regions")."""
        role_class = self.roles[role.i]
        fixed = self.gazetteer.fixed_roles.get(role_class)
        if fixed is not None:
            return fixed
        if role_class == "government" and any(t.lower_ in self.gazetteer.outside_government for t in span):
            role_class = "people"  # "former U.S. ambassador", "Russian opposition leader": a national, not the state
        # the nearest modifier decides: "Lithuanian-born Ukrainian minister" -> UKR_GOV
        for token in reversed(span[: max(role.i - span.start, 0)]):
            code = self.people.get(token.i) or (self.forms[token.i].code if token.i in self.forms else None)
            if code is not None:
                return self.gazetteer.code_for_role(role_class, code)
        for child in role.rights:
            if child.dep_ == "prep" and child.lower_ in COMPLEMENT_PREPOSITIONS and child.right_edge.i < span.end:
                code = self.complement_code(child)
                if code is not None:
                    return self.gazetteer.code_for_role(role_class, code)
        definite = any(child.dep_ == "det" and child.lower_ in DEFINITE for child in role.lefts)
        if definite and role.lemma_.lower() not in self.gazetteer.no_antecedent:
            earlier = self.antecedent(role)
            if earlier is not None:
                return earlier
        return self.home_code(role_class)

    def home_code(self, role_class: str) -> str | None:
        """An office or force with no country named ("the foreign ministry said", "Prime Minister X", "officials")
        belongs to the dateline's country, as a reader of wire copy takes it: "ISLAMABAD - The army said ..."."""
        if self.home is None or role_class not in ("government", "military"):
            return None
        return self.gazetteer.code_for_role(role_class, self.home)

    def title_code(self, title: Span) -> str | None:
        """Code a title gives the name after it: an office ("Ukrainian Defence Minister") or a nationality
        ("Ukrainian pop star"), never a mere association ("Kremlin critic")."""
        roles = [token for token in title if self.is_role(token)]
        if roles:
            return self.role_code(roles[-1], title)
        countries = [self.forms[t.i] for t in title if t.i in self.forms and self.forms[t.i].kind in COUNTRY_KINDS]
        return countries[0].code if countries else None

    def complement_code(self, preposition: Token) -> str | None:
        """Code of the object of "of" up to its head: "of Ukraine's Security and Defense Council", "of Poland"."""
        objects = [c for c in preposition.children if c.dep_ == "pobj"]
        if not objects:
            return None
        return self.resolve(preposition.doc[objects[0].left_edge.i : objects[0].i + 1])

    def remember(self, role: Token, code: str) -> None:
        self.antecedents.setdefault(role.lemma_.lower(), []).append((role.i, code))

    def antecedent(self, role: Token) -> str | None:
        """'The ministry' / 'the prime minister' refer back to the latest coded mention with the same role noun."""
        earlier = [code for i, code in self.antecedents.get(role.lemma_.lower(), []) if i < role.i]
        return earlier[-1] if earlier else None


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
    chrome: PageChrome
    capital_of: dict[str, str]  # capital in upper case ("NEW DELHI") -> country code, for datelines

    @classmethod
    def load(cls, nlp: Language, extra_path: Path | None = None) -> ActorGazetteer:
        data = gazetteer_data(extra_path)
        phrases = PhraseMatcher(nlp.vocab, attr="ORTH")
        for key, forms in surface_forms(data).items():
            if forms:
                phrases.add(key, [nlp.make_doc(form) for form in sorted(forms)])
        cues = PhraseMatcher(nlp.vocab, attr="LOWER")  # case-insensitive cue words, checked in context by match()
        fixed_roles: dict[str, str] = {}
        for role_class, lemmas in data.get("roles", {}).items():
            cues.add(f"role\t{role_class}", [nlp.make_doc(form) for form in noun_forms(lemmas)])
        for code, lemmas in data.get("fixed_roles", {}).items():
            fixed_roles[f"fixed:{code}"] = code
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
            chrome=PageChrome.compile(data.get("page_chrome", {})),
            capital_of={
                capital.upper(): code for code, entry in countries.items() for capital in entry.get("capitals", [])
            },
        )

    def dateline_country(self, text: str) -> str | None:
        """The country whose capital opens the article as its dateline (one city in capitals, then a comma, a
        bracket or a dash); None without one, or for "MOSCOW/LONDON" and cities that are no capital."""
        match = DATELINE.match(text[:200])
        return self.capital_of.get(match.group(1).strip()) if match else None

    def code_for_role(self, role_class: str, modifier: str) -> str:
        """'Russian' + official -> RUS_GOV; 'Russian' + troops -> RUS; 'Kremlin' + spokesman -> RUS_GOV."""
        country = modifier if modifier in self.government else self.country_of.get(modifier)
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
        actors.refer_back(ents, codes, honorifics, surnames)
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
        elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            forms.add(lemma[:-1] + "ies")
        elif lemma.endswith(("s", "sh", "ch", "x")):
            forms.add(lemma + "es")
        else:
            forms.add(lemma + "s")
    return sorted(forms)


@dataclass(frozen=True)
class PageChrome:
    """Page chrome patterns (gazetteer section `page_chrome`): mentions inside chrome are not attributed."""

    blocks: tuple[re.Pattern, ...]  # a heading line that starts a block of unrelated stories up to the end
    lines: tuple[re.Pattern, ...]  # a whole line of chrome ("Also Read | ...", "Photo credit: AFP")
    inline: tuple[re.Pattern, ...]  # chrome inside a line (photo credits "(Name/AP)", "©2022 Bloomberg L.P.")

    @classmethod
    def compile(cls, section: dict) -> PageChrome:
        return cls(
            *(tuple(re.compile(p) for p in section.get(key, [])) for key in ("block_headings", "lines", "inline"))
        )

    def ranges(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of page chrome in the text, in order."""
        ranges = []
        offset = 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if any(p.search(stripped) for p in self.blocks):
                ranges.append((offset, len(text)))
                break
            if any(p.search(stripped) for p in self.lines):
                ranges.append((offset, offset + len(line)))
            else:
                ranges += [(offset + m.start(), offset + m.end()) for p in self.inline for m in p.finditer(line)]
            offset += len(line)
        return sorted(ranges)


def in_ranges(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def is_role_noun(token: Token, fixed: bool) -> bool:
    """Office titles are often tagged PROPN ("Foreign Minister"). A fixed-role PROPN counts only as a title before a
    name or at a sentence start ("Villager Lyudmila Nechvolod"), so "Residents Association" stays a name."""
    if token.pos_ == "NOUN":
        return True
    return token.pos_ == "PROPN" and (not fixed or token.dep_ == "compound" or token.is_sent_start)


def is_subject(token: Token) -> bool:
    while token.dep_ == "conj":
        token = token.head
    return token.dep_ in SUBJECT_DEPS


def first_conjunct(span: Span, forms: dict[int, CodedForm]) -> Span:
    """'Scholz and Ukrainian President Volodymyr Zelenskiy' -> 'Scholz'. Only conjuncts of the phrase head split:
    not coordinated modifiers ("security and defence council chief"), not one surface form or entity."""
    cut = span.end
    for token in span:
        if token.dep_ == "conj" and token.head == span.root and not same_unit(token, token.head, forms):
            cut = min(cut, token.left_edge.i)
    doc = span.doc
    end = max(cut, span.start)
    while end > span.start and (doc[end - 1].dep_ == "cc" or doc[end - 1].is_punct):
        end -= 1
    return doc[span.start : end]


def same_unit(a: Token, b: Token, forms: dict[int, CodedForm]) -> bool:
    if a.i in forms and forms[a.i] is forms.get(b.i):
        return True
    return a.ent_iob_ == "I" and all(a.doc[i].ent_iob_ in ("I", "B") for i in range(b.i + 1, a.i + 1))


def role_phrase(head: Token, with_complement: bool) -> Span:
    """The noun phrase of a role noun: its left modifiers, plus for office holders a complement
    ("secretary of Ukraine's Security and Defense Council", "spokesman for the ministry")."""
    doc = head.doc
    end = head.i + 1
    for child in head.rights:
        if with_complement and child.dep_ == "prep" and child.lower_ in COMPLEMENT_PREPOSITIONS:
            end = child.right_edge.i + 1
    return doc[head.left_edge.i : end]


def name_from_context(ent: Span, actors: ArticleActors, ages: set[int]) -> str | None:
    """An unknown name takes its code from its title or apposition ("Ukrainian Defense Minister Oleksiy Reznikov",
    "Pavel Kuleshov, a 65-year-old pensioner", "SkyUp, a Ukrainian airline"); an age alone ("15-year-old X") marks
    a private person."""
    doc = ent.doc
    root = ent.root
    if root.left_edge.i < ent.start:
        title = doc[root.left_edge.i : ent.start]
        code = actors.title_code(title)
        if code is not None:
            return code
        if any(t.i in ages for t in title):
            return "CIVILIAN"
    for child in root.rights:
        if child.dep_ == "prep" and child.lower_ == "of":  # "Foreign Minister Zbigniew Rau of Poland"
            code = actors.complement_code(child)
            if code is not None:
                return actors.gazetteer.code_for_role("government", code)
        if child.dep_ == "appos":
            apposition = doc[child.left_edge.i : child.right_edge.i + 1]
            code = actors.resolve(apposition)
            if code is not None:
                return code
            if any(t.i in ages for t in apposition):
                return "CIVILIAN"
    return None
