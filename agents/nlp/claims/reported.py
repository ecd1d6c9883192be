"""Reported speech: "X said that …", "X told Y that …", "according to X, …", "X's warning that …"."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from agents.nlp.claims.clauses import (
    CLAUSE_SUBJECT_DEPS,
    clause_span,
    coordinated_predicates,
    has_that,
    is_content_clause,
    same_line,
    speaker_span,
    subtree_span,
    without_possessive,
)
from agents.nlp.claims.lexicon import ClaimLexicon
from agents.nlp.claims.quotes import covered_share, trimmed
from agents.nlp.claims.speakers import Speakers
from agents.nlp.claims.state import ArticleState, Draft
from agents.nlp.docs import root_depths

ADDRESSING = frozenset({"on", "upon", "to"})  # prepositions naming whom a call or appeal is addressed to


@dataclass(frozen=True)
class ReportedSpeech:
    """Drafts of reported speech: the content a reporting verb, noun or source phrase attributes to its speaker."""

    lexicon: ClaimLexicon
    speakers: Speakers

    def reported_in(self, sent: Span, quoted: set[int], state: ArticleState) -> Iterator[Draft]:
        """Reported speech, outermost cue first; a cue inside another claim's content is folded into it."""
        claimed: set[int] = set()
        depths = root_depths(sent.doc)
        for tok in sorted(state.tokens_of(sent), key=lambda tok: depths[tok.i]):
            lemma = tok.lemma_.lower()
            if tok.idx in claimed and lemma in self.lexicon.speech_verbs and tok.pos_ == "VERB":
                self.speakers.remember_nested(tok, state)
            if tok.idx in quoted or tok.idx in claimed or tok.i in state.used_cues:
                continue
            if tok.pos_ in ("VERB", "AUX") and (
                lemma in self.lexicon.speech_verbs or lemma in self.lexicon.clausal_only_verbs
            ):
                drafts = list(self._verb_claims(tok, lemma, sent, quoted, state))
            elif tok.pos_ == "NOUN" and lemma in self.lexicon.speech_nouns:
                drafts = list(self._noun_claims(tok, lemma, sent, quoted, state))
            elif self._opens_source_phrase(tok):
                drafts = list(self._source_claims(tok, sent, quoted, state))
            else:
                continue
            for draft in drafts:
                claimed.update(range(draft.start, draft.end))
            yield from drafts

    def _opens_source_phrase(self, tok: Token) -> bool:
        """ "according to": the token and the next one form a source preposition."""
        completions = self.lexicon.source_prepositions.get(tok.lower_)
        return completions is not None and (tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc) else "") in completions

    def _verb_claims(
        self, verb: Token, lemma: str, sent: Span, quoted: set[int], state: ArticleState
    ) -> Iterator[Draft]:
        subject = self.speakers.subject_of(verb)
        if subject is None or any(child.dep_ == "neg" for child in verb.children):
            return  # "the ministry did not disclose where …" is the outlet's caveat, not a speech act
        spans = self._kept(self._verb_contents(verb, lemma in self.lexicon.clausal_only_verbs), sent, quoted, state)
        if verb.dep_ != "parataxis":  # a parenthetical cue sits inside the clause it reports
            spans = [(s, e) for s, e in spans if not s <= subject.idx < e]
        if not spans:
            return
        speaker = self.speakers.speaker_of(verb, state)
        if speaker is None:
            return
        self.speakers.remember(speaker, state)
        state.used_cues.add(verb.i)
        for start, end in spans:
            yield Draft(start, end, "indirect", lemma, speaker)
        # "said it was suspending the accords and called on its neighbours to ...": a second speech act of the speaker
        for cue in self._coordinated_cues(verb):
            cue_lemma = cue.lemma_.lower()
            state.used_cues.add(cue.i)
            contents = self._verb_contents(cue, cue_lemma in self.lexicon.clausal_only_verbs)
            for start, end in self._kept(contents, sent, quoted, state):
                yield Draft(start, end, "indirect", cue_lemma, speaker)

    @staticmethod
    def _kept(spans: list[tuple[int, int]], sent: Span, quoted: set[int], state: ArticleState) -> list[tuple[int, int]]:
        """Content spans cut to the sentence and trimmed; none that is mostly inside a quotation."""
        spans = [(max(s, sent.start_char), min(e, sent.end_char)) for s, e in spans]
        spans = [(s, e) for s, e in (trimmed(state.text, *span) for span in spans) if e > s]
        return [span for span in spans if covered_share(span, quoted) < 0.5]

    def _verb_clauses(self, verb: Token) -> list[Token]:
        """The that-clauses a reporting verb governs (on its line; one before it needs a subject of its own)."""
        return [
            child
            for child in verb.children
            if child.dep_ == "ccomp"
            and same_line(child, verb)
            and (child.i > verb.i or any(c.dep_ in CLAUSE_SUBJECT_DEPS for c in child.children))
        ]

    def _coordinated_cues(self, verb: Token) -> list[Token]:
        """Reporting verbs coordinated inside the verb's that-clauses."""
        return [cue for clause in self._verb_clauses(verb) for cue in self._clause_cues(clause)]

    def _clause_cues(self, clause: Token) -> list[Token]:
        """Reporting verbs with no subject of their own coordinated after a that-clause's verb: the parser hangs
        "and urged ..." on the reported clause, although the speaker does the urging (a speech act of its own)."""
        return [
            predicate
            for predicate in coordinated_predicates(clause)
            if predicate.lemma_.lower() in self.lexicon.speech_verbs
            and not any(child.dep_ in CLAUSE_SUBJECT_DEPS for child in predicate.children)
        ]

    def _verb_contents(self, verb: Token, clausal_only: bool) -> list[tuple[int, int]]:
        """Content spans of a reporting verb: each that-clause, else its infinitive, object or prepositional phrase.
        A that-clause ends before a reporting verb coordinated with it (`_clause_cues`)."""
        spans = []
        for clause in self._verb_clauses(verb):
            own_that = [conj for conj in clause.conjuncts if conj.i > clause.i and has_that(conj)]
            cues = self._clause_cues(clause)
            if own_that:
                spans.append(clause_span(clause))
                spans.extend(clause_span(conj) for conj in own_that)
            elif cues:
                start, end = subtree_span(clause, self.lexicon.speech_verbs)
                cut = min(cue.left_edge.idx for cue in cues)
                coordinator = max(tok.idx for tok in clause.children if tok.dep_ == "cc" and tok.idx < cut)
                spans.append((start, min(end, coordinator)))
            else:
                spans.append(subtree_span(clause, self.lexicon.speech_verbs))
        # "said he had no plans …, but that he would …": the parser may hang the second that-clause on the cue
        spans.extend(clause_span(conj) for conj in verb.conjuncts if conj.i > verb.i and has_that(conj))
        if spans or clausal_only:
            return spans
        if verb.dep_ == "parataxis" and verb.head.i != verb.i:  # "The truce, the army said, was holding"
            return [clause_span(verb.head)]
        right = [child for child in verb.children if child.i > verb.i]
        infinitive = next((child for child in right if child.dep_ == "xcomp"), None)
        obj = next((child for child in right if child.dep_ in ("dobj", "dative")), None)
        if obj is None:  # "called on both sides to ...", "appealed to the rebels to ...": whom the call addresses
            addressees = (addressee for child in right if self._addressing(child) for addressee in self._pobjs(child))
            obj = next(addressees, None)
        if infinitive is not None:
            first = obj if obj is not None and obj.i < infinitive.i else infinitive
            # "urged both sides to show restraint and settle their differences": the conjoined steps belong to it
            last = max([infinitive, *infinitive.conjuncts], key=lambda token: token.i)
            return [(first.left_edge.idx, clause_span(last)[1])]
        kept = [
            child
            for child in right
            if child.dep_ in ("dobj", "oprd", "prt", "attr", "acomp")
            or child.dep_ == "prep"
            and (child.lower_ != "to" or self._to_a_step(child))
        ]
        if not kept or verb.dep_ in ("amod", "compound"):
            return []
        last = max((child for child in kept), key=lambda child: child.i).right_edge
        return [(verb.idx, last.idx + len(last))]

    @staticmethod
    def _addressing(preposition: Token) -> bool:
        return preposition.dep_ == "prep" and preposition.lower_ in ADDRESSING

    @staticmethod
    def _pobjs(preposition: Token) -> list[Token]:
        return [child for child in preposition.children if child.dep_ == "pobj"]

    def _to_a_step(self, preposition: Token) -> bool:
        """ "agreed to a ceasefire", "committed to talks": "to" with a thing, not a listener ("said to reporters")."""
        objects = self._pobjs(preposition)
        return bool(objects) and objects[0].pos_ == "NOUN" and not self.speakers.is_speaker_like(objects[0])

    def _noun_claims(
        self, noun: Token, lemma: str, sent: Span, quoted: set[int], state: ArticleState
    ) -> Iterator[Draft]:
        owner = next((child for child in noun.children if child.dep_ in ("poss", "compound")), None)
        if owner is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in self.lexicon.light_verbs:
            owner = self.speakers.subject_of(noun.head)
        complement = next(
            (child for child in noun.children if child.dep_ in ("acl", "ccomp", "relcl") and child.i > noun.i), None
        )
        of_phrase = next((child for child in noun.children if child.dep_ == "prep" and child.lower_ == "of"), None)
        if owner is None or not self.speakers.is_speaker_like(owner):
            return
        if complement is not None and (complement.dep_ != "relcl" or is_content_clause(complement)):
            start, end = trimmed(state.text, *clause_span(complement))
        elif of_phrase is not None and owner.dep_ == "poss":  # "the ministry's announcement of a pullback"
            start, end = trimmed(state.text, noun.idx, clause_span(of_phrase)[1])
        else:
            return
        if state.text[start : start + 5].lower() == "that ":
            start += 5
        if end <= start or covered_share((start, end), quoted) >= 0.5:
            return
        speaker = self.speakers.resolve_pronoun(without_possessive(speaker_span(owner)), state)
        self.speakers.remember(speaker, state)
        yield Draft(start, end, "indirect", lemma, speaker)

    def _source_claims(self, prep: Token, sent: Span, quoted: set[int], state: ArticleState) -> Iterator[Draft]:
        """ "According to X, …": the rest of the sentence is X's claim, unless a reporting verb already carries it."""
        if prep.head.lemma_.lower() in self.lexicon.speech_verbs or any(
            tok.idx in quoted for tok in state.tokens_of(sent)
        ):
            return
        source = next((tok for tok in prep.subtree if tok.dep_ == "pobj"), None)
        if source is None:
            return
        phrase = sorted(tok.i for tok in prep.subtree)
        doc = sent.doc
        before = trimmed(state.text, sent.start_char, doc[phrase[0]].idx)
        after = trimmed(state.text, doc[phrase[-1]].idx + len(doc[phrase[-1]]), sent.end_char)
        start, end = max(before, after, key=lambda span: span[1] - span[0])
        if end <= start:
            return
        speaker = self.speakers.resolve_pronoun(speaker_span(source), state)
        self.speakers.remember(speaker, state)
        yield Draft(start, end, "indirect", "according to", speaker)
