"""Indicators from claim evidence: corroboration, recency, escalation index, balance, alert levels (docs/indicators.md).

Pure functions of the evidence and an evaluation time; nothing depends on arrival order. Sums run over evidence
sorted by a stable key, so equal inputs give bit-identical floats.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from streams.records import AlertLevel

HOUR = 3600.0
COPY_REACH = 0.1  # a syndicated or near-duplicate copy adds this much reach; an independent source adds 1
HEDGE_FACTOR = 0.5  # "may", "could", "reportedly": half the weight of a firm statement
PARTY_FACTOR = 2.0  # a claim by a party to the conflict against one by a third party or the outlet
DEFAULT_STRENGTH = 3.0  # a directional claim whose category carries no weight
MAX_STRENGTH = 10.0  # claim strength is |Claim.weight| on the CAMEO-like 0-10 scale
INTENSITY_SCALE = 20.0  # escalation weight at which the index reaches 63 % of its ceiling
CORROBORATION_SECONDS = 6 * HOUR  # near-identical claims in one such block of event time are one corroborated claim
AMBER_ENTER, AMBER_EXIT = 40.0, 30.0
RED_ENTER, RED_EXIT = 70.0, 60.0
RED_MIN_SOURCES = 2  # independent outlets reporting escalation in the window
DRIVERS = 5

WORD = re.compile(r"[^\W\d_]{3,}")


def claim_wording(content: str) -> str:
    """Near-identical content = the same distinct words of 3+ letters, whatever the case, punctuation or order."""
    return " ".join(sorted({word.lower() for word in WORD.findall(content)}))


def claim_strength(weight: float, hedged: bool, by_party: bool = False) -> float:
    """Unsigned strength of one claim: |weight| (direction comes from the final signal), halved when hedged,
    doubled when a party to the conflict says it."""
    strength = min(abs(weight), MAX_STRENGTH) or DEFAULT_STRENGTH
    return strength * (HEDGE_FACTOR if hedged else 1.0) * (PARTY_FACTOR if by_party else 1.0)


@dataclass(frozen=True)
class ClaimEvidence:
    """One directional claim of one report, with what corroboration and weighting need."""

    claim_id: str
    article_id: str
    source: str  # the outlet, or the article id when the outlet is unknown
    outlet: str | None
    t: float  # published_at, Unix seconds
    copy: bool  # the report is a syndicated / near-duplicate copy of an earlier one
    speaker_actor: str | None
    category: str
    signal: str  # "escalation" | "de-escalation"
    strength: float  # claim_strength(): hedging applied
    content: str
    wording: str  # claim_wording(content)
    # Derived once: every window evaluation sorts and groups all its claims, once per hour of the alert series.
    order: tuple = field(init=False, repr=False, compare=False)
    group_key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", (self.t, self.article_id, self.claim_id))
        object.__setattr__(self, "group_key", corroboration_key(self))


@dataclass(frozen=True)
class Corroborated:
    """Near-identical claims by one speaker in one category from one or more reports: counted once."""

    members: tuple[ClaimEvidence, ...]  # sorted by event time
    # Derived once (read for every group of every window evaluation):
    sources: int = field(init=False, compare=False)  # distinct outlets among the original (non-copy) reports
    articles: int = field(init=False, compare=False)
    representative: ClaimEvidence = field(init=False, compare=False)  # firmest, preferring an original, then earliest
    weight: float = field(init=False, compare=False)  # undecayed: the firmest member's strength * log2(1 + reach)

    def __post_init__(self) -> None:
        members = self.members
        if len(members) == 1:  # most groups: skip the set and min/max machinery, same values
            [only] = members
            sources, articles, representative, strength = int(not only.copy), 1, only, only.strength
        else:
            sources = len({m.source for m in members if not m.copy})
            articles = len({m.article_id for m in members})
            representative = min(members, key=lambda m: (m.copy, -m.strength, m.order))
            strength = max(m.strength for m in members)
        reach = sources + COPY_REACH * (articles - sources)
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "articles", articles)
        object.__setattr__(self, "representative", representative)
        object.__setattr__(self, "weight", strength * math.log2(1.0 + reach))

    @property
    def signal(self) -> str:
        return self.members[0].signal

    @property
    def latest(self) -> float:
        return self.members[-1].t


def corroboration_key(claim: ClaimEvidence) -> tuple:
    """Same speaker, category, signal and wording, in the same CORROBORATION_SECONDS block of event time.

    A fixed partition: adding a claim joins exactly one group or opens a new one, and never merges two groups (which
    would lower the weight), so the grouping depends on the set of claims only and the index stays monotone.
    """
    return (
        claim.speaker_actor or "",
        claim.category,
        claim.signal,
        math.floor(claim.t / CORROBORATION_SECONDS),
        claim.wording,
    )


BY_ORDER = attrgetter("order")


def corroborate(claims: Iterable[ClaimEvidence]) -> list[Corroborated]:
    groups: dict[tuple, list[ClaimEvidence]] = {}
    for claim in sorted(claims, key=BY_ORDER):
        groups.setdefault(claim.group_key, []).append(claim)
    # Groups open in claim order, so the dict is already ordered by each group's first member.
    return [Corroborated(tuple(members)) for members in groups.values()]


def recency(age_seconds: float, window_seconds: float) -> float:
    """Half-life of half the window: a claim at the far edge of the window counts a quarter of a fresh one."""
    return 0.5 ** (max(age_seconds, 0.0) / (window_seconds / 2.0))


@dataclass(frozen=True)
class Weighted:
    group: Corroborated
    weight: float  # decayed


@dataclass(frozen=True)
class WindowIndicators:
    escalation_weight: float
    deescalation_weight: float
    escalation_index: float
    balance: float
    claims: int
    escalation_sources: int  # independent outlets carrying escalation claims
    drivers: tuple[Weighted, ...]


def escalation_index(escalation: float, deescalation: float) -> float:
    """0-100: intensity of escalation evidence times its share against de-escalation (both with a prior of 1)."""
    intensity = 1.0 - math.exp(-escalation / INTENSITY_SCALE)
    share = (escalation + 1.0) / (escalation + deescalation + 2.0)
    return 100.0 * intensity * share


def balance(escalation: float, deescalation: float) -> float:
    """-1..+1, positive when escalation outweighs de-escalation."""
    return (escalation - deescalation) / (escalation + deescalation + 1.0)


def evaluate(claims: Sequence[ClaimEvidence], as_of: float, window_seconds: float) -> WindowIndicators:
    """Indicators of the claims published in (as_of - window, as_of], each group decayed by its latest report."""
    inside = [c for c in claims if as_of - window_seconds < c.t <= as_of]
    return weigh(corroborate(inside), as_of, window_seconds)


def weigh(groups: Sequence[Corroborated], as_of: float, window_seconds: float) -> WindowIndicators:
    """Indicators of corroborated groups already restricted to the window (what `evaluate` does after grouping)."""
    weighted = [Weighted(g, g.weight * recency(as_of - g.latest, window_seconds)) for g in groups]
    escalation = math.fsum(w.weight for w in weighted if w.group.signal == "escalation")
    deescalation = math.fsum(w.weight for w in weighted if w.group.signal == "de-escalation")
    sources = {m.source for w in weighted if w.group.signal == "escalation" for m in w.group.members if not m.copy}
    drivers = heapq.nsmallest(DRIVERS, weighted, key=lambda w: (-w.weight, w.group.representative.order))
    return WindowIndicators(
        escalation_weight=escalation,
        deescalation_weight=deescalation,
        escalation_index=escalation_index(escalation, deescalation),
        balance=balance(escalation, deescalation),
        claims=len(weighted),
        escalation_sources=len(sources),
        drivers=tuple(drivers),
    )


def next_alert_level(level: AlertLevel, index: float, escalation_sources: int) -> AlertLevel:
    """One hysteresis step: enter a level above its ENTER threshold, leave it only below its EXIT threshold."""
    if escalation_sources >= RED_MIN_SOURCES and (index >= RED_ENTER or (level == "red" and index >= RED_EXIT)):
        return "red"
    if index >= AMBER_ENTER or (level != "green" and index >= AMBER_EXIT):
        return "amber"
    return "green"


def alert_level(series: Iterable[tuple[float, int]]) -> AlertLevel:
    """Run the hysteresis over (index, escalation sources) in event-time order, starting green."""
    level: AlertLevel = "green"
    for index, sources in series:
        level = next_alert_level(level, index, sources)
    return level
