"""Which language an article is in, from its text: the `language` field is only a fallback for texts too short to tell.

The NLP rules are written for one spaCy model per language; an article in a language with no configured model would
come out of the English model with no claims and no error, so callers route it to a dead letter (worker) or a report
(extract, replay) with reason `unsupported_language` instead. py3langid: a naive Bayes over byte n-grams, 97
languages, about half a millisecond per short article.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from agents.records import Article

T = TypeVar("T")

MIN_CONFIDENCE = 0.5  # below it the text does not say (a headline-length snippet); the declared language stands
# The opening paragraphs tell the language as surely as the whole text, at a cost that does not grow with its length.
DETECTION_CHARS = 4000


@cache
def identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@dataclass(frozen=True)
class Detection:
    language: str  # ISO 639-1 code
    confidence: float  # probability of the detected language; 0 when the declared one was kept
    declared: str

    @property
    def reason(self) -> str:
        """The dead letter's reason for a language without a model."""
        source = f"detected {self.language}" if self.confidence else f"declared {self.language}"
        return f"unsupported_language: {source} (the record says {self.declared!r}); no spaCy model configured for it"


def detect_language(text: str, declared: str = "en") -> Detection:
    language, confidence = identifier().classify(text[:DETECTION_CHARS])
    if confidence < MIN_CONFIDENCE:
        return Detection(declared.lower(), 0.0, declared)
    return Detection(language, confidence, declared)


def group_by_language(
    items: Iterable[T], article_of: Callable[[T], Article], supported: Collection[str]
) -> tuple[dict[str, list[T]], list[tuple[T, Detection]]]:
    """Items by the detected language of their article (input order kept within a language), and the items whose
    language has no model, each with its detection."""
    groups: dict[str, list[T]] = {}
    unsupported: list[tuple[T, Detection]] = []
    for item in items:
        article = article_of(item)
        detection = detect_language(article.text, article.language)
        if detection.language in supported:
            groups.setdefault(detection.language, []).append(item)
        else:
            unsupported.append((item, detection))
    return groups, unsupported
