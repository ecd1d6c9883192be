"""Values of a parsed Doc that spaCy rebuilds on every access, computed once per article."""

from __future__ import annotations

import numpy
from spacy.attrs import HEAD
from spacy.tokens import Doc

TEXT_KEY = "sitrep.text"
HEADS_KEY = "sitrep.heads"
DEPTHS_KEY = "sitrep.depths"


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


def root_depths(doc: Doc) -> list[int]:
    """Token index -> number of heads up to its sentence root, every head path walked once."""
    depths = doc.user_data.get(DEPTHS_KEY)
    if depths is None:
        depths = doc.user_data[DEPTHS_KEY] = tree_depths(head_indices(doc))
    return depths


def tree_depths(heads: list[int]) -> list[int]:
    depths: list[int | None] = [None] * len(heads)
    for index in range(len(heads)):
        path = []
        current = index
        while depths[current] is None and heads[current] != current:
            path.append(current)
            current = heads[current]
        if depths[current] is None:  # a root
            depths[current] = 0
        depth = depths[current]
        for node in reversed(path):
            depth += 1
            depths[node] = depth
    return depths
