"""The claim extractor: direct quotes, reported speech and assertions of one parsed article, each with its signal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from agents.nlp.claims.clauses import clause_span, has_subject
from agents.nlp.claims.direct import DirectQuotes
from agents.nlp.claims.lexicon import DEFAULT_PATH, ClaimLexicon
from agents.nlp.claims.quotes import body_paragraphs, covered, quote_segments, trimmed
from agents.nlp.claims.reported import ReportedSpeech
from agents.nlp.claims.speakers import Speakers
from agents.nlp.claims.state import ActorResolver, ArticleState, Draft
from agents.nlp.docs import doc_text, head_indices
from agents.nlp.signals import SignalClassifier, SignalReading
from agents.records import Claim


@dataclass
class ClaimExtractor:
    """Claims of one parsed article: quotes and reported speech first, then the outlet's own assertions."""

    lexicon: ClaimLexicon
    signals: SignalClassifier
    speakers: Speakers = field(init=False, repr=False)
    direct_quotes: DirectQuotes = field(init=False, repr=False)
    reported_speech: ReportedSpeech = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.speakers = Speakers(self.lexicon)
        self.direct_quotes = DirectQuotes(self.lexicon, self.speakers)
        self.reported_speech = ReportedSpeech(self.lexicon, self.speakers)

    @classmethod
    def load(
        cls, path: Path | None = None, signals: SignalClassifier | None = None, role_nouns: Iterable[str] = ()
    ) -> ClaimExtractor:
        """Read the lexicon once; `signals` defaults to the built-in signal lexicon. `role_nouns` (the actor
        gazetteer's: "witnesses", "residents", "analysts") can head a speaker like the lexicon's own speaker heads."""
        lexicon = ClaimLexicon.read(path or DEFAULT_PATH)
        lexicon = replace(lexicon, speaker_heads=lexicon.speaker_heads | {noun.lower() for noun in role_nouns})
        return cls(lexicon=lexicon, signals=signals or SignalClassifier.load())

    def extract(self, doc: Doc, article_id: str, actors: ActorResolver) -> list[Claim]:
        text = doc_text(doc)
        state = ArticleState(text=text, sentences=list(doc.sents), people=actors.people)
        drafts: list[Draft] = []
        body = body_paragraphs(text, self.lexicon)
        sentences = list(self._body_sentences(doc, body, state))
        segments = [seg for start, end in body for seg in quote_segments(text, start, end)]
        direct = [seg for seg in segments if seg.standalone and self.direct_quotes.is_quotation(doc, seg)]
        sentence_chars = [(sent.start_char, sent.end_char) for sent in sentences]
        direct = [seg for seg in direct if any(start <= seg.start < end for start, end in sentence_chars)]
        quoted = covered(direct)
        inside_quotes = covered(segments)
        for sent in sentences:
            self.speakers.remember_subjects(sent, quoted, state)
            drafts.extend(self.direct_quotes.quotes_in(doc, sent, direct, inside_quotes, state))
            drafts.extend(self.reported_speech.reported_in(sent, quoted, state))
        attributed = list(drafts)
        for sent in sentences:
            drafts.extend(self._assertion(sent, attributed, quoted, state))
        return self._claims(doc, article_id, drafts, actors, state)

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
            and has_subject(c)
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


def _respan(text: str, claim: Claim, start: int, end: int) -> Claim:
    claim_id = f"{claim.article_id}:{start}-{end}"
    return claim.model_copy(update={"claim_id": claim_id, "start": start, "end": end, "content": text[start:end]})
