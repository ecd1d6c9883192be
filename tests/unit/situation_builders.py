"""Builders of enriched articles and claim evidence for the situation tests (no spaCy)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agents.records import Claim, EnrichedArticle
from agents.situation.indicators import ClaimEvidence, claim_strength, claim_wording
from agents.situation.state import SituationState

T0 = datetime(2022, 2, 14, 0, 0, tzinfo=UTC)
SITUATION = "russia-ukraine"
CONTENTS = {
    "escalation": [
        "Russia may invade Ukraine within days",
        "troops massed along the border with heavy armour",
        "artillery shelled villages near the front line overnight",
        "missile strikes hit military airfields across the country",
    ],
    "de-escalation": [
        "some of the drills are ending and units return to their bases",
        "there is always a chance for agreement with the West",
        "talks on security guarantees will continue next week",
        "the ruble extended gains as tensions eased",
    ],
}
CATEGORY = {"escalation": "INVASION_WARNING", "de-escalation": "DIPLOMACY_CONTINUE"}


def claim(
    article_id: str,
    index: int,
    signal: str,
    content: str,
    weight: float = 6.0,
    hedged: bool = False,
    speaker: str | None = "USA_GOV",
    category: str | None = None,
    negated: bool = False,
) -> Claim:
    return Claim(
        claim_id=f"{article_id}-{index}",
        article_id=article_id,
        speaker_actor=speaker,
        content=content,
        start=0,
        end=len(content),
        kind="indirect",
        signal=signal,
        category=category or CATEGORY.get(signal, "OTHER"),
        hedged=hedged,
        negated=negated,
        weight=weight if signal == "escalation" else -weight,
    )


def article(
    article_id: str,
    hours: float,
    claims: list[Claim] | None = None,
    outlet: str | None = None,
    terms: list[str] | None = None,
    fingerprint: str | None = None,
    duplicate_of: str | None = None,
) -> EnrichedArticle:
    """An enriched article `hours` after T0. Its own terms by default, so it is no near-duplicate of another."""
    return EnrichedArticle(
        article_id=article_id,
        outlet=outlet or f"outlet-{article_id}",
        published_at=T0 + timedelta(hours=hours),
        claims=claims or [],
        situations=[SITUATION],
        content_terms=terms if terms is not None else [f"{article_id}w{i}" for i in range(30)],
        text_fingerprint=fingerprint or f"fp-{article_id}",
        duplicate_of=duplicate_of,
    )


def new_state(lateness_hours: float = 72, retention_days: float = 10) -> SituationState:
    return SituationState(SITUATION, lateness=timedelta(hours=lateness_hours), retention=timedelta(days=retention_days))


def evidence(
    claim_id: str,
    signal: str,
    hours: float,
    source: str,
    weight: float = 6.0,
    hedged: bool = False,
    copy: bool = False,
    content: str | None = None,
    speaker: str | None = "USA_GOV",
) -> ClaimEvidence:
    text = content or CONTENTS[signal][0]
    return ClaimEvidence(
        claim_id=claim_id,
        article_id=f"a-{claim_id}",
        source=source,
        outlet=source,
        t=(T0 + timedelta(hours=hours)).timestamp(),
        copy=copy,
        speaker_actor=speaker,
        category=CATEGORY[signal],
        signal=signal,
        strength=claim_strength(weight, hedged),
        content=text,
        wording=claim_wording(text),
    )
