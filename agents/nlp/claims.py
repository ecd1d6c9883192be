"""Claims from one parsed article: direct quotes, reported speech and the outlet's own situation assertions.

Everything is read off the Doc the Enricher already parsed (tokens, lemmas, dependencies, sentences, entities);
nothing here parses text again. Lexicons and page-chrome rules live in data/claims.yaml (format: docs/claims.md).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml
from spacy.tokens import Doc, Span, Token

from agents.nlp.docs import doc_text, head_indices, root_depths
from agents.nlp.signals import SignalClassifier, SignalReading
from agents.nlp.syntax import SUBJECT_DEPS
from streams.records import Claim

DEFAULT_PATH = Path(__file__).parent / "data" / "claims.yaml"

OPENING_QUOTES = "“"
CLOSING_QUOTES = "”"
STRAIGHT_QUOTE = '"'
QUOTE_MARKS = OPENING_QUOTES + CLOSING_QUOTES + STRAIGHT_QUOTE
# Characters that may sit between a paragraph's last word and its terminal punctuation check.
TRAILING_CLOSERS = "”\"’')]» \t\u00a0"
# A quote opening after one of these (or at a paragraph start) is a quotation of its own, not a quoted fragment.
QUOTE_INTRODUCERS = ':,.?!;—–-(“”"'
CONTENT_TRIM = " \t\n\u00a0,.;:—–-"
QUOTE_END_TRIM = " \t\n\u00a0,.;:?!—–-"  # a quote's own final punctuation and the attribution's comma
# Who speaks is the active subject: the passive one is spoken about ("X was warned"), but see "quote" below.
ACTIVE_SUBJECT_DEPS = frozenset({"nsubj"})
# Dependents that do not belong to a clause's or a noun phrase's own span.
DETACHED_DEPS = frozenset({"conj", "cc", "punct", "advcl", "relcl", "parataxis", "appos_relcl"})
SPEAKER_DETACHED_DEPS = frozenset({"relcl", "acl", "punct", "advcl", "prep_according"})
PERSON_LABELS = frozenset({"PERSON"})


class ActorResolver(Protocol):
    """What the extractor needs from agents.nlp.actors.ArticleActors."""

    people: dict[int, str]  # token index -> actor code of a person named there

    def resolve(self, span: Span) -> str | None: ...


@dataclass(frozen=True)
class ClaimLexicon:
    speech_verbs: frozenset[str]
    clausal_only_verbs: frozenset[str]
    speech_nouns: frozenset[str]
    light_verbs: frozenset[str]
    source_prepositions: dict[str, frozenset[str]]  # first word -> the words that complete it ("according" -> "to")
    speaker_heads: frozenset[str]
    person_titles: frozenset[str]
    pronouns: dict[str, str]
    situation_lemmas: frozenset[str]
    conditional_marks: frozenset[str]
    chrome_patterns: tuple[re.Pattern[str], ...]
    tail_markers: tuple[re.Pattern[str], ...]
    terminal_punctuation: str
    min_assertion_tokens: int

    @classmethod
    def read(cls, path: Path) -> ClaimLexicon:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(key: str) -> frozenset[str]:
            return frozenset(str(word).lower() for word in data[key])

        def patterns(key: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(pattern, re.IGNORECASE) for pattern in data[key])

        return cls(
            speech_verbs=words("speech_verbs"),
            clausal_only_verbs=words("clausal_only_verbs"),
            speech_nouns=words("speech_nouns"),
            light_verbs=words("light_verbs"),
            source_prepositions=source_prepositions(data["source_prepositions"]),
            speaker_heads=words("speaker_heads"),
            person_titles=words("person_titles"),
            pronouns={str(k).lower(): str(v) for k, v in data["pronouns"].items()},
            situation_lemmas=words("situation_lemmas"),
            conditional_marks=words("conditional_marks"),
            chrome_patterns=patterns("chrome_patterns"),
            tail_markers=patterns("tail_markers"),
            terminal_punctuation=str(data["terminal_punctuation"]),
            min_assertion_tokens=int(data["min_assertion_tokens"]),
        )


def source_prepositions(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Word pairs ("according to") indexed by their first word, so most tokens are ruled out by one lookup."""
    seconds: dict[str, set[str]] = {}
    for first, second in pairs:
        seconds.setdefault(first.lower(), set()).add(second.lower())
    return {first: frozenset(words) for first, words in seconds.items()}


@dataclass(frozen=True)
class QuoteSegment:
    """Characters between a pair of quote marks (or from an opening mark to the paragraph end)."""

    open_mark: int  # offset of the opening mark
    close_mark: int  # offset just past the closing mark (paragraph end when unclosed)
    start: int  # content start (after the mark and spaces)
    end: int  # content end (before the mark, spaces and the attribution's comma)
    standalone: bool  # a quotation of its own, not a quoted fragment inside a clause


@dataclass(frozen=True)
class Antecedent:
    """A speaker as named at an attribution, kept for pronoun resolution."""

    span: Span
    kind: str  # person | group | body


@dataclass
class Draft:
    start: int
    end: int
    kind: str
    cue: str | None
    speaker: Span | None


@dataclass
class ArticleState:
    """Per-article bookkeeping: speaker history and the cue tokens already used by quotes."""

    text: str  # the article text (Doc.text rebuilds the string on every access)
    sentences: list[Span]  # the parser's sentences, computed once
    people: Container[int]  # token indices of person names (from the actor resolver)
    antecedents: list[Antecedent] = field(default_factory=list)
    used_cues: set[int] = field(default_factory=set)
    pending_cue: Token | None = None  # attribution of a form of address, carried to the quote that follows
    sentence_tokens: dict[tuple[int, int], list[Token]] = field(default_factory=dict)
    # (start, end, cue, speaker actor, kind) -> reading: a one-sentence quote is classified once, not twice
    readings: dict[tuple[int, int, str | None, str | None, str], SignalReading | None] = field(default_factory=dict)

    def tokens_of(self, sent: Span) -> list[Token]:
        """The sentence's tokens, listed once (iterating a Span builds every Token anew)."""
        key = (sent.start, sent.end)
        if key not in self.sentence_tokens:
            self.sentence_tokens[key] = list(sent)
        return self.sentence_tokens[key]


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-empty line, without surrounding whitespace."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + line.index(stripped)
            yield start, start + len(stripped)


def body_paragraphs(text: str, lexicon: ClaimLexicon) -> list[tuple[int, int]]:
    """Paragraphs of running text: ends like a sentence, is not page chrome, comes before the page tail."""
    body = []
    for start, end in paragraphs(text):
        line = text[start:end]
        if any(marker.search(line) for marker in lexicon.tail_markers) and body:
            break
        if any(pattern.search(line) for pattern in lexicon.chrome_patterns):
            continue
        if line.rstrip(TRAILING_CLOSERS)[-1:] in tuple(lexicon.terminal_punctuation):
            body.append((start, end))
    return body


def _is_opening_straight(text: str, position: int, para_start: int) -> bool:
    before = text[para_start:position].rstrip()
    return not before or before[-1] in QUOTE_INTRODUCERS or position > 0 and text[position - 1].isspace()


def quote_segments(text: str, para_start: int, para_end: int) -> list[QuoteSegment]:
    """Pair the paragraph's quote marks; tolerate any number of marks (an unclosed quote runs to the paragraph end)."""
    segments: list[QuoteSegment] = []
    opened: int | None = None
    for position in range(para_start, para_end):
        char = text[position]
        if char not in QUOTE_MARKS:
            continue
        opening = char in OPENING_QUOTES or (
            char == STRAIGHT_QUOTE and opened is None and _is_opening_straight(text, position, para_start)
        )
        if opening:
            if opened is not None:
                segments.append(_segment(text, para_start, opened, position, position))
            opened = position
        elif opened is not None:
            segments.append(_segment(text, para_start, opened, position, position + 1))
            opened = None
    if opened is not None:
        segments.append(_segment(text, para_start, opened, para_end, para_end))
    return [segment for segment in segments if segment.end > segment.start]


def _segment(text: str, para_start: int, opened: int, inner_end: int, close_mark: int) -> QuoteSegment:
    inner = text[opened + 1 : inner_end]
    start = opened + 1 + (len(inner) - len(inner.lstrip()))
    end = start + len(inner.strip().rstrip(QUOTE_END_TRIM))
    before = text[para_start:opened].rstrip()
    after = text[close_mark : close_mark + 2].lstrip()
    closes_phrase = inner.rstrip()[-1:] in ",.?!:;—–-" or not after or not after[0].isalnum()
    standalone = (not before or before[-1] in QUOTE_INTRODUCERS) and closes_phrase
    return QuoteSegment(opened, close_mark, start, end, standalone)


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding spaces, commas, dashes and final punctuation (quotes kept)."""
    while start < end and text[start] in CONTENT_TRIM:
        start += 1
    while end > start and text[end - 1] in CONTENT_TRIM:
        end -= 1
    return start, end


def clause_span(head: Token, skip_mark: bool = True) -> tuple[int, int]:
    """Character span of a clause head's subtree without detached dependents (conjoined clauses, side clauses)."""
    tokens = [head]
    for child in head.children:
        if child.dep_ in DETACHED_DEPS and not (child.dep_ == "punct" and child.text in QUOTE_MARKS):
            continue
        if skip_mark and child.dep_ == "mark" and child.lower_ in ("that", "whether"):
            continue
        tokens.extend(child.subtree)
    first = min(tokens, key=lambda tok: tok.i)
    last = max(tokens, key=lambda tok: tok.i)
    return first.idx, last.idx + len(last)


def speaker_span(head: Token) -> Span:
    """The naming phrase of a subject: its subtree without relative clauses and side clauses."""
    doc = head.doc
    excluded: set[int] = set()
    for child in head.children:
        if child.dep_ in SPEAKER_DETACHED_DEPS or child.lower_ == "according":
            excluded.update(tok.i for tok in child.subtree)
    kept = [tok.i for tok in head.subtree if tok.i not in excluded]
    line_starts = [i + 1 for i in kept if i < head.i and "\n" in doc[i].text]
    start = max([min(kept), *line_starts])
    end = head.i + 1
    for index in range(head.i + 1, max(kept) + 1):  # contiguous run after the head
        if index not in kept:
            break
        end = index + 1
    while end > start + 1 and doc[end - 1].is_punct:
        end -= 1
    while start < head.i and doc[start].is_punct:
        start += 1
    if doc[start].lower_ in ("who", "which", "that"):
        start = head.i
    return doc[start:end]


def mention_kind(span: Span, person_titles: frozenset[str], people: Container[int]) -> str:
    """person (antecedent of he/she), group (they) or body (it: a state, an institution)."""
    if any(tok.dep_ == "conj" for tok in span) or span.root.tag_ in ("NNS", "NNPS"):
        return "group"
    root = span.root
    if (
        any(tok.ent_type_ in PERSON_LABELS for tok in span)
        or any(tok.lemma_.lower() in person_titles or tok.i in people for tok in span)
        or root.pos_ == "PROPN"
        and not root.ent_type_  # a name the NER left out, most often a person's
    ):
        return "person"
    return "body"


@dataclass
class ClaimExtractor:
    lexicon: ClaimLexicon
    signals: SignalClassifier

    @classmethod
    def load(cls, path: Path | None = None, signals: SignalClassifier | None = None) -> ClaimExtractor:
        """Read the lexicon once; `signals` defaults to the built-in signal lexicon."""
        return cls(lexicon=ClaimLexicon.read(path or DEFAULT_PATH), signals=signals or SignalClassifier.load())

    # ---- public -------------------------------------------------------------------------------------------------

    def extract(self, doc: Doc, article_id: str, actors: ActorResolver) -> list[Claim]:
        text = doc_text(doc)
        state = ArticleState(text=text, sentences=list(doc.sents), people=actors.people)
        drafts: list[Draft] = []
        body = body_paragraphs(text, self.lexicon)
        sentences = list(self._body_sentences(doc, body, state))
        segments = [seg for start, end in body for seg in quote_segments(text, start, end)]
        direct = [seg for seg in segments if seg.standalone and self._is_quotation(doc, seg)]
        sentence_chars = [(sent.start_char, sent.end_char) for sent in sentences]
        direct = [seg for seg in direct if any(start <= seg.start < end for start, end in sentence_chars)]
        quoted = _covered(direct)
        inside_quotes = _covered(segments)
        for sent in sentences:
            self._remember_subjects(sent, quoted, state)
            drafts.extend(self._quotes_in(doc, sent, direct, inside_quotes, state))
            drafts.extend(self._reported_in(sent, quoted, state))
        attributed = list(drafts)
        for sent in sentences:
            drafts.extend(self._assertion(sent, attributed, quoted, state))
        return self._claims(doc, article_id, drafts, actors, state)

    # ---- zones --------------------------------------------------------------------------------------------------

    def _body_sentences(self, doc: Doc, body: list[tuple[int, int]], state: ArticleState) -> Iterator[Span]:
        """Body sentences, each clipped to its paragraph; a sentence seen before (headline repeats) is skipped."""
        seen: set[str] = set()
        for para_start, para_end in body:
            span = doc.char_span(para_start, para_end, alignment_mode="expand")
            if span is None:
                continue
            for sent in (sent for sent in state.sentences if sent.start < span.end and span.start < sent.end):
                start, end = max(sent.start, span.start), min(sent.end, span.end)
                clipped = doc[start:end]
                key = " ".join(state.text[clipped.start_char : clipped.end_char].lower().split())
                if not key or key in seen:
                    continue
                seen.add(key)
                yield clipped

    # ---- direct quotes -----------------------------------------------------------------------------------------

    def _is_quotation(self, doc: Doc, segment: QuoteSegment) -> bool:
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        return span is not None and len(span) > 0

    def _is_address(self, doc: Doc, segment: QuoteSegment) -> bool:
        """A form of address ("Sergey Viktorovich,"): a few proper nouns only."""
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        words = [tok for tok in span if not tok.is_punct] if span is not None else []
        return 0 < len(words) <= 3 and all(tok.pos_ == "PROPN" for tok in words)

    def _quotes_in(
        self, doc: Doc, sent: Span, direct: list[QuoteSegment], inside_quotes: set[int], state: ArticleState
    ) -> Iterator[Draft]:
        mine = [seg for seg in direct if sent.start_char <= seg.start < sent.end_char]
        if not mine:
            return
        region = self._attribution_region(doc, sent, mine, state)
        cue = self._nearest_cue(region, mine, inside_quotes, state)
        address = [seg for seg in mine if self._is_address(doc, seg)]
        quotes = [seg for seg in mine if seg not in address]
        if cue is not None:
            state.used_cues.add(cue.i)
        if not quotes:
            state.pending_cue = cue or state.pending_cue
            return
        if cue is None and state.pending_cue is not None:
            cue = state.pending_cue
        state.pending_cue = None
        speaker = self._speaker_of(cue, state) if cue is not None else self._last_speaker(state)
        if speaker is None:
            return
        if cue is not None:
            self._remember(speaker, state)
        for group in self._split_quote_groups(state.text, quotes):
            longest = max(group, key=lambda seg: seg.end - seg.start)
            yield Draft(longest.start, longest.end, "direct_quote", cue.lemma_.lower() if cue else None, speaker)
            cue = None  # a second quote in the same sentence continues the first

    def _split_quote_groups(self, text: str, quotes: list[QuoteSegment]) -> list[list[QuoteSegment]]:
        """One group per quotation; a sentence split by its attribution ("…,” he asked, “…") is one group."""
        groups: list[list[QuoteSegment]] = []
        for seg in quotes:
            if groups and self._continues(text, groups[-1][-1], seg):
                groups[-1].append(seg)
            else:
                groups.append([seg])
        return groups

    @staticmethod
    def _continues(text: str, previous: QuoteSegment, current: QuoteSegment) -> bool:
        between = text[previous.close_mark : current.open_mark]
        ends_mid_sentence = text[previous.start : previous.close_mark].rstrip(QUOTE_MARKS + " ").endswith(",")
        return ends_mid_sentence and between.rstrip().endswith(",")

    def _attribution_region(self, doc: Doc, sent: Span, quotes: list[QuoteSegment], state: ArticleState) -> list[Token]:
        """Tokens that may hold the quote's attribution: the sentences the quote spans, and the sentence before a
        colon that introduces it."""
        first = min(quotes, key=lambda seg: seg.open_mark)
        closing = _sentence_at(state.sentences, max(seg.close_mark for seg in quotes) - 1)
        tokens = list(doc[sent.start : max(sent.end, closing.end)])
        before = state.text[: first.open_mark].rstrip()
        if before.endswith(":"):
            colon = _sentence_at(state.sentences, len(before) - 1)
            tokens = list(doc[colon.start : min(colon.end, sent.start)]) + tokens
        return tokens

    def _nearest_cue(
        self, region: list[Token], quotes: list[QuoteSegment], inside: set[int], state: ArticleState
    ) -> Token | None:
        candidates = [
            tok
            for tok in region
            if tok.idx not in inside
            and tok.pos_ in ("VERB", "AUX", "NOUN")
            and tok.lemma_.lower() in self.lexicon.speech_verbs
            and tok.i not in state.used_cues
            and self._subject_of(tok) is not None
        ]
        if not candidates:
            return None
        opening = min(seg.open_mark for seg in quotes)
        closing = max(seg.close_mark for seg in quotes)
        return min(candidates, key=lambda tok: opening - tok.idx if tok.idx < opening else tok.idx - closing)

    # ---- reported speech ---------------------------------------------------------------------------------------

    def _reported_in(self, sent: Span, quoted: set[int], state: ArticleState) -> Iterator[Draft]:
        """Reported speech, outermost cue first; a cue inside another claim's content is folded into it."""
        claimed: set[int] = set()
        depths = root_depths(sent.doc)
        for tok in sorted(state.tokens_of(sent), key=lambda tok: depths[tok.i]):
            lemma = tok.lemma_.lower()
            if tok.idx in claimed and lemma in self.lexicon.speech_verbs and tok.pos_ == "VERB":
                self._remember_nested(tok, state)
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
        subject = self._subject_of(verb)
        if subject is None or any(child.dep_ == "neg" for child in verb.children):
            return  # "the ministry did not disclose where …" is the outlet's caveat, not a speech act
        spans = self._verb_contents(verb, lemma in self.lexicon.clausal_only_verbs)
        spans = [(max(s, sent.start_char), min(e, sent.end_char)) for s, e in spans]
        spans = [(s, e) for s, e in (trimmed(state.text, *span) for span in spans) if e > s]
        if verb.dep_ != "parataxis":  # a parenthetical cue sits inside the clause it reports
            spans = [(s, e) for s, e in spans if not s <= subject.idx < e]
        spans = [span for span in spans if _share(span, quoted) < 0.5]
        if not spans:
            return
        speaker = self._speaker_of(verb, state)
        if speaker is None:
            return
        self._remember(speaker, state)
        state.used_cues.add(verb.i)
        for start, end in spans:
            yield Draft(start, end, "indirect", lemma, speaker)

    def _verb_contents(self, verb: Token, clausal_only: bool) -> list[tuple[int, int]]:
        """Content spans of a reporting verb: each that-clause, else its infinitive, object or prepositional phrase."""
        clauses = [
            child
            for child in verb.children
            if child.dep_ == "ccomp"
            and _same_line(child, verb)
            and (child.i > verb.i or any(c.dep_ in ACTIVE_SUBJECT_DEPS for c in child.children))
        ]
        spans = []
        for clause in clauses:
            own_that = [conj for conj in clause.conjuncts if conj.i > clause.i and _has_that(conj)]
            if own_that:
                spans.append(clause_span(clause))
                spans.extend(clause_span(conj) for conj in own_that)
            else:
                spans.append(_subtree_span(clause, self.lexicon.speech_verbs))
        # "said he had no plans …, but that he would …": the parser may hang the second that-clause on the cue
        spans.extend(clause_span(conj) for conj in verb.conjuncts if conj.i > verb.i and _has_that(conj))
        if spans or clausal_only:
            return spans
        if verb.dep_ == "parataxis" and verb.head.i != verb.i:  # "The truce, the army said, was holding"
            return [clause_span(verb.head)]
        right = [child for child in verb.children if child.i > verb.i]
        infinitive = next((child for child in right if child.dep_ == "xcomp"), None)
        obj = next((child for child in right if child.dep_ in ("dobj", "dative")), None)
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

    def _to_a_step(self, preposition: Token) -> bool:
        """ "agreed to a ceasefire", "committed to talks": "to" with a thing, not a listener ("said to reporters")."""
        objects = [child for child in preposition.children if child.dep_ == "pobj"]
        return bool(objects) and objects[0].pos_ == "NOUN" and not self._is_speaker_like(objects[0])

    def _noun_claims(
        self, noun: Token, lemma: str, sent: Span, quoted: set[int], state: ArticleState
    ) -> Iterator[Draft]:
        owner = next((child for child in noun.children if child.dep_ in ("poss", "compound")), None)
        if owner is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in self.lexicon.light_verbs:
            owner = self._subject_of(noun.head)
        complement = next(
            (child for child in noun.children if child.dep_ in ("acl", "ccomp", "relcl") and child.i > noun.i), None
        )
        of_phrase = next((child for child in noun.children if child.dep_ == "prep" and child.lower_ == "of"), None)
        if owner is None or not self._is_speaker_like(owner):
            return
        if complement is not None and (complement.dep_ != "relcl" or _is_content_clause(complement)):
            start, end = trimmed(state.text, *clause_span(complement))
        elif of_phrase is not None and owner.dep_ == "poss":  # "the ministry's announcement of a pullback"
            start, end = trimmed(state.text, noun.idx, clause_span(of_phrase)[1])
        else:
            return
        if state.text[start : start + 5].lower() == "that ":
            start += 5
        if end <= start or _share((start, end), quoted) >= 0.5:
            return
        speaker = self._resolve_pronoun(_without_possessive(speaker_span(owner)), state)
        self._remember(speaker, state)
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
        speaker = self._resolve_pronoun(speaker_span(source), state)
        self._remember(speaker, state)
        yield Draft(start, end, "indirect", "according to", speaker)

    # ---- speakers ----------------------------------------------------------------------------------------------

    def _subject_of(self, verb: Token) -> Token | None:
        """The speaker token of a reporting verb, climbing out of participles, conjuncts and relative clauses."""
        current = verb
        for _ in range(4):
            # "X was quoted as saying ...": X speaks
            deps = SUBJECT_DEPS if current.lemma_.lower() == "quote" else ACTIVE_SUBJECT_DEPS
            # the nearest: a dateline parsed as a second subject ("NEW DELHI, May 7 - The ministry said") is farther
            subjects = [child for child in current.children if child.dep_ in deps and _same_line(child, current)]
            subject = min(subjects, key=lambda child: abs(child.i - current.i)) if subjects else None
            if subject is not None and not (subject.lower_ in ("who", "which", "that") and current.dep_ == "relcl"):
                return subject if self._is_speaker_like(subject) else None
            if current.dep_ == "relcl":
                antecedent = _antecedent(current)
                return antecedent if self._is_speaker_like(antecedent) else None
            if not _inherits_subject(current):
                return self._orphan_subject(current) or self._name_before(current)
            current = current.head.head if current.dep_ == "pcomp" else current.head
        return None

    def _orphan_subject(self, verb: Token) -> Token | None:
        """A subject the parser hung on a word of the previous line (a headline or byline without punctuation):
        the first noun of the verb's paragraph, left of the verb, whose head lies before the paragraph."""
        start = verb.i
        while start > 0 and "\n" not in verb.doc[start - 1].text:
            start -= 1
        for tok in verb.doc[start : verb.i]:
            if tok.head.i < start and tok.pos_ in ("NOUN", "PROPN") and self._is_speaker_like(tok):
                return tok
        return None

    def _name_before(self, verb: Token) -> Token | None:
        """A name the parse did not make the subject, right before the verb ("…,” Truss tweeted;
        "On Monday, Oleksiy Danilov, secretary of the council, said …")."""
        index = verb.i - 1
        while index >= 0 and verb.doc[index].text == ",":
            index -= 1
        if index < 0:
            return None
        name = verb.doc[index]
        while name.dep_ in ("compound", "appos") and name.head.i < verb.i:
            name = name.head
        named = name.pos_ == "PROPN" or name.ent_type_ in PERSON_LABELS
        return name if named and _same_line(name, verb) else None

    def _is_speaker_like(self, token: Token) -> bool:
        if token.lower_ in self.lexicon.pronouns:
            return True
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return True
        if token.pos_ == "PROPN":
            return True
        return token.lemma_.lower() in self.lexicon.speaker_heads

    def _speaker_of(self, verb: Token, state: ArticleState) -> Span | None:
        subject = self._subject_of(verb)
        if subject is None:
            return None
        return self._resolve_pronoun(speaker_span(subject), state)

    def _resolve_pronoun(self, span: Span, state: ArticleState) -> Span:
        wanted = self.lexicon.pronouns.get(span.text.lower()) if len(span) == 1 else None
        if wanted is None:
            return span
        earlier = [antecedent for antecedent in state.antecedents if antecedent.span.start < span.start]
        compatible = [antecedent for antecedent in earlier if antecedent.kind == wanted] or earlier
        return max(compatible, key=lambda antecedent: antecedent.span.start).span if compatible else span

    def _remember_subjects(self, sent: Span, quoted: set[int], state: ArticleState) -> None:
        """Persons in subject position are antecedents for "he"/"she" even when they are not speakers."""
        for tok in state.tokens_of(sent):
            if tok.dep_ in ACTIVE_SUBJECT_DEPS and tok.idx not in quoted and tok.lower_ not in self.lexicon.pronouns:
                span = speaker_span(tok)
                if mention_kind(span, self.lexicon.person_titles, state.people) == "person":
                    state.antecedents.append(Antecedent(span, "person"))

    def _remember_nested(self, verb: Token, state: ArticleState) -> None:
        """A reporting verb folded into another claim still names a speaker a later pronoun may refer to."""
        speaker = self._speaker_of(verb, state)
        if speaker is not None:
            self._remember(speaker, state)

    def _remember(self, speaker: Span, state: ArticleState) -> None:
        if speaker.text.lower() not in self.lexicon.pronouns:
            state.antecedents.append(
                Antecedent(speaker, mention_kind(speaker, self.lexicon.person_titles, state.people))
            )

    def _last_speaker(self, state: ArticleState) -> Span | None:
        return state.antecedents[-1].span if state.antecedents else None

    # ---- assertions --------------------------------------------------------------------------------------------

    def _assertion(self, sent: Span, attributed: list[Draft], quoted: set[int], state: ArticleState) -> Iterator[Draft]:
        """The outlet's own statement: the whole sentence, or, next to attributed speech, each main clause that
        carries none of it ("Russia held the door open … and said …")."""
        tokens = state.tokens_of(sent)
        if any(tok.idx in quoted for tok in tokens) or not self._bears_on_situation(tokens):
            return
        inside = [d for d in attributed if d.start < sent.end_char and sent.start_char < d.end]
        if not inside and not any(tok.i in state.used_cues for tok in tokens):
            yield Draft(*trimmed(state.text, sent.start_char, sent.end_char), "assertion", None, None)
            return
        heads = head_indices(sent.doc)
        roots = [tok for tok in tokens if heads[tok.i] == tok.i or not sent.start <= heads[tok.i] < sent.end]
        mains = [head for root in roots for head in (root, *root.conjuncts)]
        # side clauses with a subject of their own: "…, even as Moscow continued a massive build-up"
        sides = [
            c
            for head in mains
            for c in head.children
            if c.dep_ == "advcl"
            and _has_subject(c)
            and not any(m.dep_ == "mark" and m.lower_ in self.lexicon.conditional_marks for m in c.children)
        ]
        heads = [head for head in mains + sides if head.pos_ in ("VERB", "AUX")]
        for head in heads:
            start, end = trimmed(state.text, *clause_span(head, skip_mark=False))
            start, end = max(start, sent.start_char), min(end, sent.end_char)
            clause = sent.doc.char_span(start, end, alignment_mode="expand") if end > start else None
            if clause is None or any(tok.i in state.used_cues for tok in clause):
                continue
            if any(d.start < end and start < d.end for d in inside) or not self._bears_on_situation(clause):
                continue
            yield Draft(start, end, "assertion", None, None)

    def _bears_on_situation(self, tokens: Iterable[Token]) -> bool:
        words = [tok for tok in tokens if not tok.is_punct and not tok.is_space]
        return (
            len(words) >= self.lexicon.min_assertion_tokens
            and any(tok.pos_ in ("VERB", "AUX") for tok in words)
            and any(tok.lemma_.lower() in self.lexicon.situation_lemmas for tok in words)
        )

    # ---- records -----------------------------------------------------------------------------------------------

    def _claims(
        self, doc: Doc, article_id: str, drafts: Iterable[Draft], actors: ActorResolver, state: ArticleState
    ) -> list[Claim]:
        claims: list[Claim] = []
        seen: set[tuple[int, int]] = set()
        for draft in sorted(drafts, key=lambda d: (d.start, d.end)):
            if (draft.start, draft.end) in seen:
                continue
            seen.add((draft.start, draft.end))
            speaker_actor = actors.resolve(draft.speaker) if draft.speaker is not None else None
            claim = Claim(
                claim_id=f"{article_id}:{draft.start}-{draft.end}",
                article_id=article_id,
                speaker_text=draft.speaker.text if draft.speaker is not None else None,
                speaker_actor=speaker_actor,
                cue=draft.cue,
                content=state.text[draft.start : draft.end],
                start=draft.start,
                end=draft.end,
                kind=draft.kind,
            )
            claims.extend(self._split_by_signal(doc, claim, state) if claim.kind == "direct_quote" else [claim])
        return [self._signalled(doc, claim, state) for claim in claims]

    def _split_by_signal(self, doc: Doc, claim: Claim, state: ArticleState) -> list[Claim]:
        """A multi-sentence quote stays whole unless its sentences point opposite ways (escalation against
        de-escalation): then one claim per run; a neutral sentence joins the run before it."""
        pieces = []
        for sent in state.sentences:
            if not (sent.start_char < claim.end and claim.start < sent.end_char):
                continue
            start, end = trimmed(state.text, max(sent.start_char, claim.start), min(sent.end_char, claim.end))
            if end > start:
                pieces.append((start, end, self._signalled(doc, _respan(state.text, claim, start, end), state).signal))
        runs: list[list[tuple[int, int, str]]] = []
        for piece in pieces:
            if runs and (piece[2] == "neutral" or runs[-1][-1][2] in (piece[2], "neutral")):
                runs[-1].append(piece)
            else:
                runs.append([piece])
        if len(runs) < 2:
            return [claim]
        return [_respan(state.text, claim, run[0][0], run[-1][1]) for run in runs]

    def with_signal(self, doc: Doc, claim: Claim) -> Claim:
        """The claim with category, signal, flags, stance and weight from the signal classifier."""
        return _with_reading(claim, self._reading(doc, claim))

    def _signalled(self, doc: Doc, claim: Claim, state: ArticleState) -> Claim:
        """with_signal, each reading computed once per article."""
        key = (claim.start, claim.end, claim.cue, claim.speaker_actor, claim.kind)
        if key not in state.readings:
            state.readings[key] = self._reading(doc, claim)
        return _with_reading(claim, state.readings[key])

    def _reading(self, doc: Doc, claim: Claim) -> SignalReading | None:
        content = doc.char_span(claim.start, claim.end, alignment_mode="expand")
        if content is None:
            return None
        return self.signals.classify(content, claim.cue, claim.speaker_actor, claim.kind)


def _with_reading(claim: Claim, reading: SignalReading | None) -> Claim:
    """The claim carrying the reading's fields (unchanged when its span could not be read)."""
    if reading is None:
        return claim
    return claim.model_copy(
        update={
            "signal": reading.signal,
            "category": reading.category,
            "hedged": reading.hedged,
            "negated": reading.negated,
            "stance": reading.stance,
            "weight": reading.weight,
        }
    )


def _sentence_at(sentences: list[Span], char: int) -> Span:
    """The sentence holding a character offset (sentences are in text order)."""
    index = bisect.bisect_right([sent.start_char for sent in sentences], char) - 1
    return sentences[max(index, 0)]


def _respan(text: str, claim: Claim, start: int, end: int) -> Claim:
    claim_id = f"{claim.article_id}:{start}-{end}"
    return claim.model_copy(update={"claim_id": claim_id, "start": start, "end": end, "content": text[start:end]})


def _covered(segments: Iterable[QuoteSegment]) -> set[int]:
    covered: set[int] = set()
    for seg in segments:
        covered.update(range(seg.open_mark, seg.close_mark))
    return covered


def _share(span: tuple[int, int], covered: set[int]) -> float:
    start, end = span
    if end <= start:
        return 0.0
    return len(covered.intersection(range(start, end))) / (end - start)


def _same_line(a: Token, b: Token) -> bool:
    """No line break between the two tokens: a dependency across paragraphs is a parse error."""
    low, high = sorted((a.i, b.i))
    return not any("\n" in tok.text for tok in a.doc[low:high])


def _antecedent(relative_clause: Token) -> Token:
    """The noun right before a relative clause ("…, the minister, John Smith, who reported"): the parser often
    attaches the clause to a larger phrase ("a meeting between the president and … John Smith")."""
    index = relative_clause.left_edge.i - 1
    while index >= 0 and relative_clause.doc[index].is_punct:
        index -= 1
    before = relative_clause.doc[index] if index >= 0 else relative_clause.head
    while before.dep_ == "compound" and before.head.i > before.i:
        before = before.head
    return before if before.pos_ in ("NOUN", "PROPN") else relative_clause.head


def _inherits_subject(verb: Token) -> bool:
    """Conjoined verbs, participles ("…, adding that") and "continued to warn" share their head's subject."""
    if verb.head.i == verb.i:
        return False
    if verb.dep_ == "conj" or verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
        return True
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.tag_ == "VBG":  # "was quoted as saying"
        return verb.head.head.lemma_.lower() == "quote"
    return verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG"


def _is_content_clause(clause: Token) -> bool:
    """ "warnings that Russia may invade": "that" introduces a clause with its own subject (not a relative "that")."""
    return (
        _has_that(clause)
        or any(child.lower_ == "that" for child in clause.children)
        and any(
            child.dep_ in ACTIVE_SUBJECT_DEPS and child.lower_ not in ("that", "which", "who")
            for child in clause.children
        )
    )


def _has_subject(verb: Token) -> bool:
    return any(child.dep_ in ACTIVE_SUBJECT_DEPS for child in verb.children)


def _has_that(clause: Token) -> bool:
    return any(child.dep_ == "mark" and child.lower_ == "that" for child in clause.children)


def _subtree_span(head: Token, speech_verbs: frozenset[str]) -> tuple[int, int]:
    """The whole clause without a leading complementiser, cut before a trailing side clause that reports speech
    of its own ("…, though Moscow dismissed that")."""
    end = head.right_edge.i + 1
    for tok in head.subtree:
        if (
            tok.i > head.i
            and tok.dep_ == "advcl"
            and tok.lemma_.lower() in speech_verbs
            and any(child.dep_ in ACTIVE_SUBJECT_DEPS for child in tok.children)
        ):
            end = min(end, tok.left_edge.i)
    tokens = [
        tok
        for tok in head.doc[head.left_edge.i : end]
        if not (tok.dep_ == "mark" and tok.head.i == head.i and tok.lower_ == "that")
    ]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _without_possessive(span: Span) -> Span:
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span.doc[span.start : end]
