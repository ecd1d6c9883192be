"""Values of a parsed Doc that spaCy rebuilds on every access, computed once per article."""

from __future__ import annotations

import numpy
from spacy.attrs import HEAD
from spacy.tokens import Doc

TEXT_KEY = "sitrep.text"
HEADS_KEY = "sitrep.heads"


def remember_text(doc: Doc, text: str) -> None:
    """Record the text the Doc was parsed from (spaCy keeps it verbatim: Doc.text == text)."""
    doc.user_data[TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """Doc.text without rebuilding it: the property joins every token's text anew on each access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        remember_text(doc, text)
    return text


def head_indices(doc: Doc) -> list[int]:
    """Token index -> index of its head, read in one call (Token.head builds a new Token on every access)."""
    heads = doc.user_data.get(HEADS_KEY)
    if heads is None:
        offsets = doc.to_array(HEAD).astype(numpy.int64)  # offsets to the head, stored unsigned
        heads = doc.user_data[HEADS_KEY] = (offsets + numpy.arange(len(doc))).tolist()
    return heads
