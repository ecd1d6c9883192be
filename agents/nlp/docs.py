"""Values of a parsed Doc that spaCy rebuilds on every access, computed once per article."""

from __future__ import annotations

from spacy.tokens import Doc

TEXT_KEY = "sitrep.text"


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
