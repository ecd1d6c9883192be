"""Exact-duplicate bookkeeping for the enrich stage, over any mutable mapping (a dict offline, a Faust Table live).

No spaCy here: the event-loop process checks every article before the NLP process parses it.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from enum import Enum

from agents.records import Article


def text_fingerprint(text: str) -> str:
    """Hash of the case- and whitespace-normalised text: equal for verbatim copies under another id."""
    normalised = " ".join(text.lower().split())
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()


class Verdict(Enum):
    NEW = "new"
    SEEN_ID = "id"  # the same article id again (a redelivery or a re-send): not processed again
    SAME_TEXT = "text"  # a new id with exactly the text of an earlier article: processed, marked as its duplicate


@dataclass
class Deduplicator:
    seen_ids: MutableMapping[str, str]  # article id -> text fingerprint
    first_by_text: MutableMapping[str, str]  # text fingerprint -> first article id
    # Articles held for enrichment and not yet recorded or released: while several batches are in flight, a later
    # batch sees them as recorded. In memory only: after a crash their messages are read, and held, again.
    held_ids: dict[str, str] = field(default_factory=dict)  # article id -> text fingerprint
    held_first_by_text: dict[str, str] = field(default_factory=dict)

    def check(self, article: Article) -> tuple[Verdict, str | None]:
        """Classify an article without recording it (record only once its output is sent)."""
        if article.id in self.seen_ids or article.id in self.held_ids:
            return Verdict.SEEN_ID, None
        fingerprint = text_fingerprint(article.text)
        first = self.first_by_text.get(fingerprint) or self.held_first_by_text.get(fingerprint)
        if first is not None and first != article.id:
            return Verdict.SAME_TEXT, first
        return Verdict.NEW, None

    def classify_batch(self, articles: list[Article]) -> list[tuple[Article, Verdict, str | None]]:
        """Verdicts for a batch, seeing earlier members of the same batch as already recorded."""
        batch_ids: set[str] = set()
        batch_first_by_text: dict[str, str] = {}
        verdicts = []
        for article in articles:
            verdict, first = self.check(article)
            fingerprint = text_fingerprint(article.text)
            if article.id in batch_ids:
                verdict, first = Verdict.SEEN_ID, None
            elif verdict is Verdict.NEW and fingerprint in batch_first_by_text:
                verdict, first = Verdict.SAME_TEXT, batch_first_by_text[fingerprint]
            batch_ids.add(article.id)
            batch_first_by_text.setdefault(fingerprint, article.id)
            verdicts.append((article, verdict, first))
        return verdicts

    def hold(self, article: Article) -> None:
        """The article goes to enrichment: later arrivals with its id or text are its duplicates from now on."""
        fingerprint = text_fingerprint(article.text)
        self.held_ids[article.id] = fingerprint
        self.held_first_by_text.setdefault(fingerprint, article.id)

    def release(self, article: Article) -> None:
        """The article's enrichment failed or is recorded: no longer held."""
        fingerprint = self.held_ids.pop(article.id, None)
        if fingerprint is not None and self.held_first_by_text.get(fingerprint) == article.id:
            del self.held_first_by_text[fingerprint]

    def record(self, article: Article) -> None:
        fingerprint = text_fingerprint(article.text)
        self.seen_ids[article.id] = fingerprint
        self.first_by_text.setdefault(fingerprint, article.id)
        self.release(article)
