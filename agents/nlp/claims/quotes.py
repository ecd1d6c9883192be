"""The text layer of claims: paragraphs of running text, quote marks paired into segments, span trimming.

Character offsets only; nothing here reads the parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from agents.nlp.claims.lexicon import ClaimLexicon

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


@dataclass(frozen=True)
class QuoteSegment:
    """Characters between a pair of quote marks (or from an opening mark to the paragraph end)."""

    open_mark: int  # offset of the opening mark
    close_mark: int  # offset just past the closing mark (paragraph end when unclosed)
    start: int  # content start (after the mark and spaces)
    end: int  # content end (before the mark, spaces and the attribution's comma)
    standalone: bool  # a quotation of its own, not a quoted fragment inside a clause


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


def covered(segments: Iterable[QuoteSegment]) -> set[int]:
    covered: set[int] = set()
    for seg in segments:
        covered.update(range(seg.open_mark, seg.close_mark))
    return covered


def covered_share(span: tuple[int, int], covered: set[int]) -> float:
    start, end = span
    if end <= start:
        return 0.0
    return len(covered.intersection(range(start, end))) / (end - start)
