"""Record contracts (docs/architecture.md: fixed field names) and strict parsing of raw input.

Every record is a pydantic v2 model serialised as JSON on the wire. Field names listed in docs/architecture.md are a
contract: add fields, never rename or drop one.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

SCHEMA_VERSION = 1
DEFAULT_MAX_TEXT_BYTES = 1_000_000

Signal = Literal["escalation", "de-escalation", "neutral"]
ClaimKind = Literal["direct_quote", "indirect", "assertion"]
AlertLevel = Literal["green", "amber", "red"]


def _require_offset(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("published_at must carry a timezone offset (e.g. 2022-02-14T10:00:00+00:00)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_require_offset)]


class Record(BaseModel):
    """Base of every wire record: JSON in, JSON out."""

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode("utf-8")


class Article(Record):
    """An incoming news report. Unknown extra fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    url: str | None = None
    outlet: str | None = None
    published_at: AwareDatetime
    title: str | None = None
    text: str = Field(min_length=1)
    language: str = "en"


class Entity(Record):
    text: str
    label: str
    start: int
    end: int
    actor: str | None = None


class Quantity(Record):
    """A numeric assertion ("more than 130,000 troops"): value, qualifier, counted noun, offsets."""

    text: str
    value: float
    qualifier: str | None = None  # "more than", "about", "up to", ...
    unit: str | None = None  # the counted noun ("troops", "people", "%")
    start: int
    end: int


class Claim(Record):
    claim_id: str
    article_id: str
    speaker_text: str | None = None
    speaker_actor: str | None = None
    cue: str | None = None
    content: str
    start: int
    end: int
    kind: ClaimKind
    signal: Signal = "neutral"
    category: str = "OTHER"
    hedged: bool = False
    negated: bool = False
    # "self" when the speaker reports on its own side's actions or intentions, "observer" when it reports on others,
    # None for the outlet's own assertions. Lets an analyst tell a party's claim about itself from outside observation.
    stance: Literal["self", "observer"] | None = None
    weight: float = 0.0  # signed strength on the CAMEO-like scale, before hedging (positive = escalation)


class EnrichedArticle(Record):
    schema_version: int = SCHEMA_VERSION
    article_id: str
    outlet: str | None = None
    published_at: AwareDatetime
    title: str | None = None
    url: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    actors: dict[str, int] = Field(default_factory=dict)
    claims: list[Claim] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    situations: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None  # id of the first article seen with exactly the same text
    text_fingerprint: str | None = None  # hash of the normalised text
    content_terms: list[str] = Field(default_factory=list)  # content-word lemmas, for near-duplicate detection

    def claims_in_context(self) -> list[dict]:
        """Each claim as JSON with the article's outlet, published_at, situations and duplicate_of (feeds, history)."""
        context = {
            "outlet": self.outlet,
            "published_at": self.published_at.isoformat(),
            "situations": self.situations,
            "duplicate_of": self.duplicate_of,
        }
        return [{**claim.model_dump(mode="json"), **context} for claim in self.claims]


class Driver(Record):
    claim_id: str
    article_id: str
    outlet: str | None = None
    speaker_actor: str | None = None
    content: str
    signal: Signal
    weight: float
    category: str | None = None
    sources: int = 1  # distinct outlets corroborating this claim
    articles: int = 1  # articles carrying it, copies included


class SituationSnapshot(Record):
    schema_version: int = SCHEMA_VERSION
    situation: str
    as_of: AwareDatetime
    window: str = "24h"
    escalation_index: float = Field(ge=0, le=100)
    # Central credible interval of the index holding `escalation_index_level` of the posterior (docs/indicators.md);
    # snapshots written before the interval existed carry none.
    escalation_index_low: float | None = Field(default=None, ge=0, le=100)
    escalation_index_high: float | None = Field(default=None, ge=0, le=100)
    escalation_index_level: float | None = Field(default=None, gt=0, lt=1)
    balance: float = Field(ge=-1, le=1)
    escalation_weight: float = Field(ge=0)
    deescalation_weight: float = Field(ge=0)
    articles: int = 0
    sources: int = 0
    claims: int = 0
    alert_level: AlertLevel = "green"
    trend: float = 0.0
    drivers: list[Driver] = Field(default_factory=list)
    windows: dict[str, dict[str, float]] = Field(default_factory=dict)  # other rolling windows: index, balance, weights
    # The article whose counting produced this snapshot: with the situation, what identifies it in the history store.
    # Unlike the indicators, it depends on arrival order (the last snapshot of a 4-partition replay names another one).
    counted_article_id: str | None = None


class DeadLetter(Record):
    stage: str
    error: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    received_at: AwareDatetime
    payload: str
    payload_encoding: Literal["utf-8", "base64"] = "utf-8"


class InvalidInput(ValueError):
    """Raw input that cannot become a record. `reason` is short and stable (a metric label); `detail` is precise."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def describe_validation_error(error: ValidationError) -> tuple[str, str]:
    """Map pydantic's errors to a stable reason and a precise, human-readable detail."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "record"
    kind = first["type"]
    if kind == "missing":
        reason = f"missing_{field}"
    elif field == "text" and kind == "string_too_short":
        reason = "empty_text"
    elif field == "published_at" and "timezone" in first["msg"]:
        reason = "published_at_without_timezone"
    else:
        reason = f"invalid_{field}"
    details = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in error.errors())
    return reason, details


def parse_article(payload: bytes, max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES) -> Article:
    """Decode and validate one raw message. Raises InvalidInput with a precise reason."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("not_utf8", f"payload is not UTF-8 at byte {exc.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("invalid_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise InvalidInput("not_an_object", f"expected a JSON object, got {type(data).__name__}")
    raw_text = data.get("text")
    if isinstance(raw_text, str) and len(raw_text.encode("utf-8")) > max_text_bytes:
        raise InvalidInput("text_too_large", f"text is {len(raw_text.encode('utf-8'))} bytes, limit {max_text_bytes}")
    if isinstance(raw_text, str) and not raw_text.strip():
        raise InvalidInput("empty_text", "text is empty or whitespace only")
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(*describe_validation_error(exc)) from None


def dead_letter(
    stage: str,
    error: str,
    payload: bytes,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    received_at: datetime | None = None,
) -> DeadLetter:
    """Wrap an unprocessable message so nothing is lost: the original bytes travel with the reason."""
    try:
        body, encoding = payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(payload).decode("ascii"), "base64"
    return DeadLetter(
        stage=stage,
        error=error,
        topic=topic,
        partition=partition,
        offset=offset,
        received_at=received_at or datetime.now(UTC),
        payload=body,
        payload_encoding=encoding,
    )


def original_payload(letter: DeadLetter) -> bytes:
    """The exact bytes that were dead-lettered (for replaying them after a fix)."""
    if letter.payload_encoding == "base64":
        return base64.b64decode(letter.payload)
    return letter.payload.encode("utf-8")
