"""The actors of one article, and the resolver of any noun phrase of its Doc."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Protocol

from spacy.tokens import Doc, Span, Token

from agents.nlp.actors.phrases import COMPLEMENT_PREPOSITIONS, CodedForm, first_conjunct
from agents.records import Entity

NAME_LABELS = frozenset({"PERSON", "ORG"})  # names that may take their code from a title or an apposition

# Surface-form kinds. People kinds identify one person; a country kind carries the bare country code.
PERSON_KINDS = frozenset({"person", "short", "surname"})
COUNTRY_KINDS = frozenset({"name", "adjective", "people"})
DEFINITE = frozenset({"the", "this", "that"})
FOCUS_SENTENCES = 3  # an office with no country named belongs to the country named last within this many sentences


class RoleCodes(Protocol):
    """What the resolver needs from the compiled gazetteer (agents.nlp.actors.matcher.ActorGazetteer)."""

    fixed_roles: dict[str, str]
    no_antecedent: frozenset[str]
    outside_government: frozenset[str]
    military_roles: frozenset[str]

    def country_of_code(self, code: str) -> str | None: ...

    def code_for_role(self, role_class: str, modifier: str) -> str: ...


@dataclass
class ArticleActors:
    """The actors of one article: coded entities, mention counts, and a resolver for any span of the same Doc."""

    entities: list[Entity]
    counts: dict[str, int]
    chrome: list[tuple[int, int]]  # character ranges of page chrome (related-story blocks, "Also Read", credits)
    doc: Doc = field(repr=False)
    gazetteer: RoleCodes = field(repr=False)
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
            if mention.kind == "person" and mention.end - mention.start >= 2:
                self.add_back_references(self.doc[mention.start : mention.end], mention.code, surnames)
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
                self.add_back_references(ent, code, surnames)
        return code

    def add_back_references(self, name: Span, code: str, surnames: dict[str, str]) -> None:
        """The forms a full name is referred back to by later in the article: its last word, and its first part,
        as many names are shortened ("Abiy" for Abiy Ahmed, "Prayuth", "Hassan Sheikh")."""
        surnames.setdefault(name[-1].text, code)
        forename = name[:-1]
        if all(t.is_title and not self.is_role(t) for t in forename):
            surnames.setdefault(forename.text, code)

    def refer_back(
        self, ents: list[Span], codes: dict, honorifics: set[int], surnames: dict[str, str], tagged: set[int]
    ) -> None:
        """Surnames and "Mr X" that refer back to a full name coded anywhere in the article; `tagged`: the tokens of
        every NER entity."""
        for i in honorifics:
            if self.doc[i].text in surnames:
                self.people[i] = surnames[self.doc[i].text]
        for ent in ents:
            if codes[(ent.start, ent.end)] is None:
                code = surnames.get(ent.text) or surnames.get(ent[-1].text)
                if code is not None:
                    codes[(ent.start, ent.end)] = code
                    for i in range(ent.start, ent.end):
                        self.people[i] = code
        if surnames:  # NER often misses a lone surname it tagged in the full name ("Francois Hollande ... Hollande")
            taken = tagged | self.people.keys() | self.forms.keys()
            for token in self.doc:
                code = surnames.get(token.text) if token.pos_ == "PROPN" else None
                if code is not None and token.i not in taken:
                    self.people[token.i] = code

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
        elif role_class == "government" and any(
            t.lemma_.lower() in self.gazetteer.military_roles for t in span if t.i < role.i
        ):
            role_class = "military"  # "military spokesman", "army chief": the armed forces, the state as a whole
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
        place = self.opening_place(role) if role_class in ("government", "military") else None
        if place is not None:
            return self.gazetteer.code_for_role(role_class, place)
        definite = any(child.dep_ == "det" and child.lower_ in DEFINITE for child in role.lefts)
        if definite and role.lemma_.lower() not in self.gazetteer.no_antecedent:
            earlier = self.antecedent(role)
            if earlier is not None:
                return earlier
        return self.home_code(role_class, role.i)

    def home_code(self, role_class: str, role: int) -> str | None:
        """An office or force with no country named ("the foreign ministry said", "Prime Minister X", "officials")
        belongs to the dateline's country, as a reader of wire copy takes it: "ISLAMABAD - The army said ...".
        Without a dateline, to the country in focus where it is mentioned (the token index `role`)."""
        if role_class not in ("government", "military"):
            return None
        country = self.home or self.country_in_focus(role)
        return None if country is None else self.gazetteer.code_for_role(role_class, country)

    def opening_place(self, role: Token) -> str | None:
        """The country of a sentence that opens on its place ("In New Delhi, the foreign ministry said ..."): the
        wire's way of moving the story to the other side, stronger than a mention of the office before."""
        opening = role.sent[0]
        if opening.lower_ != "in" or opening.dep_ != "prep":
            return None
        for token in opening.subtree:
            form = self.forms.get(token.i)
            if form is not None and token.i < role.i:
                return self.country_of_form(form)
        return None

    def country_of_form(self, form: CodedForm) -> str | None:
        """The country a country, capital or government form names; None for people and organisations."""
        return self.gazetteer.country_of_code(form.code) if form.kind not in PERSON_KINDS else None

    def country_in_focus(self, before: int) -> str | None:
        """The country named last in this sentence or the two before it, else the one named most often so far (none
        on a tie). Measured on the team-written set, not the evaluation sets: better than either rule alone."""
        named = []  # (token index, country) of each country, capital or government form before `before`
        for form in sorted({form.start: form for form in self.forms.values()}.values(), key=attrgetter("start")):
            country = self.country_of_form(form)
            if country is not None and form.start < before:
                named.append((form.start, country))
        sentence = self.doc[before].sent
        for _ in range(FOCUS_SENTENCES - 1):
            if sentence.start == 0:
                break
            sentence = self.doc[sentence.start - 1].sent
        recent = [country for index, country in named if index >= sentence.start]
        if recent:
            return recent[-1]
        ranked = Counter(country for _, country in named).most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

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


def name_from_context(ent: Span, actors: ArticleActors, ages: set[int]) -> str | None:
    """An unknown name takes its code from its title or apposition ("Ukrainian Defense Minister Oleksiy Reznikov",
    "Pavel Kuleshov, a 65-year-old pensioner", "SkyUp, a Ukrainian airline"); an age alone ("15-year-old X") marks
    a private person."""
    doc = ent.doc
    root = ent.root
    head = root.head
    if root.dep_ == "appos" and actors.is_role(head) and head.i < ent.start:  # "Chad's President, Idriss Deby"
        code = actors.title_code(doc[head.left_edge.i : head.i + 1])
        if code is not None:
            return code
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
