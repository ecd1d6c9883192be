"""Direct quotes: a quoted segment standing as a quotation, with the reporting verb that attributes it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from agents.nlp.claims.clauses import sentence_at
from agents.nlp.claims.lexicon import ClaimLexicon
from agents.nlp.claims.quotes import QUOTE_MARKS, QuoteSegment
from agents.nlp.claims.speakers import Speakers
from agents.nlp.claims.state import ArticleState, Draft


@dataclass(frozen=True)
class DirectQuotes:
    """Drafts of direct quotes, sentence by sentence; a quote without a cue continues the last speaker."""

    lexicon: ClaimLexicon
    speakers: Speakers

    def is_quotation(self, doc: Doc, segment: QuoteSegment) -> bool:
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        return span is not None and len(span) > 0

    def _is_address(self, doc: Doc, segment: QuoteSegment) -> bool:
        """A form of address ("Sergey Viktorovich,"): a few proper nouns only."""
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        words = [tok for tok in span if not tok.is_punct] if span is not None else []
        return 0 < len(words) <= 3 and all(tok.pos_ == "PROPN" for tok in words)

    def quotes_in(
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
        speaker = self.speakers.speaker_of(cue, state) if cue is not None else self.speakers.last_speaker(state)
        if speaker is None:
            return
        if cue is not None:
            self.speakers.remember(speaker, state)
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
        closing = sentence_at(state.sentences, max(seg.close_mark for seg in quotes) - 1)
        tokens = list(doc[sent.start : max(sent.end, closing.end)])
        before = state.text[: first.open_mark].rstrip()
        if before.endswith(":"):
            colon = sentence_at(state.sentences, len(before) - 1)
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
            and self.speakers.subject_of(tok) is not None
        ]
        if not candidates:
            return None
        opening = min(seg.open_mark for seg in quotes)
        closing = max(seg.close_mark for seg in quotes)
        return min(candidates, key=lambda tok: opening - tok.idx if tok.idx < opening else tok.idx - closing)
