"""Indicators from claim evidence: corroboration, recency, escalation index, balance, alert levels (docs/indicators.md).

The index itself is the Bayesian estimate of `estimate.py`, fed with the window's evidence and the recent days'.

Pure functions of the evidence and an evaluation time; nothing depends on arrival order. Sums are exact (math.fsum),
so equal inputs give bit-identical floats whatever the order of their groups.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from agents.records import AlertLevel
from agents.situation.estimate import DAY, DEFAULT_PARAMETERS, Evidence, IndexParameters, estimate, exposure_days

HOUR = 3600.0
COPY_REACH = 0.1  # a syndicated or near-duplicate copy adds this much reach; an independent source adds 1
HEDGE_FACTOR = 0.5  # "may", "could", "reportedly": half the weight of a firm statement
PARTY_FACTOR = 2.0  # a claim by a party to the conflict against one by a third party or the outlet
DEFAULT_STRENGTH = 3.0  # a directional claim whose category carries no weight
MAX_STRENGTH = 10.0  # claim strength is |Claim.weight| on the CAMEO-like 0-10 scale
CORROBORATION_SECONDS = 6 * HOUR  # near-identical claims in one such block of event time are one corroborated claim
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
    original_sources: frozenset[str] = field(init=False, compare=False)  # outlets of its original (non-copy) reports
    sources: int = field(init=False, compare=False)  # how many
    articles: int = field(init=False, compare=False)
    representative: ClaimEvidence = field(init=False, compare=False)  # firmest, preferring an original, then earliest
    weight: float = field(init=False, compare=False)  # undecayed: the firmest member's strength * log2(1 + reach)
    signal: str = field(init=False, compare=False)
    latest: float = field(init=False, compare=False)  # event time of its latest member

    def __post_init__(self) -> None:
        members = self.members
        if len(members) == 1:  # most groups: skip the set and min/max machinery, same values
            [only] = members
            originals = frozenset() if only.copy else frozenset((only.source,))
            articles, representative, strength = 1, only, only.strength
        else:
            originals = frozenset(m.source for m in members if not m.copy)
            articles = len({m.article_id for m in members})
            representative = min(members, key=lambda m: (m.copy, -m.strength, m.order))
            strength = max(m.strength for m in members)
        sources = len(originals)
        reach = sources + COPY_REACH * (articles - sources)
        object.__setattr__(self, "original_sources", originals)
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "articles", articles)
        object.__setattr__(self, "representative", representative)
        object.__setattr__(self, "weight", strength * math.log2(1.0 + reach))
        object.__setattr__(self, "signal", members[0].signal)
        object.__setattr__(self, "latest", members[-1].t)


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


class ClaimGroups:
    """The claims of a span grouped once; the groups of any window inside it are cut from them, not regrouped.

    A group lies within one CORROBORATION_SECONDS block and its members are sorted by time, so the groups of the
    claims with start < t <= end are the full groups' members in that range: whole groups where they fit, a cut
    (computed once, then reused) at the window's edges. The hourly alert series reads hundreds of windows per report.
    """

    def __init__(self, claims: Iterable[ClaimEvidence]):
        self.groups = corroborate(claims)  # ordered by each group's first member
        self.firsts = [group.members[0].t for group in self.groups]
        self.cuts: dict[tuple[int, int, int], Corroborated] = {}

    def between(self, start: float, end: float) -> list[Corroborated]:
        """The groups `corroborate` gives for the claims with start < t <= end (in another order)."""
        found = []
        for i in range(bisect_right(self.firsts, start - CORROBORATION_SECONDS), bisect_right(self.firsts, end)):
            group = self.groups[i]
            if group.members[0].t > start and group.latest <= end:
                found.append(group)
                continue
            times = [member.t for member in group.members]
            first, last = bisect_right(times, start), bisect_right(times, end)
            if first < last:
                if (i, first, last) not in self.cuts:
                    self.cuts[i, first, last] = Corroborated(group.members[first:last])
                found.append(self.cuts[i, first, last])
        return found


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
    escalation_index: float  # posterior mean (estimate.py)
    escalation_index_low: float  # central credible interval (IndexParameters.credible_level)
    escalation_index_high: float
    balance: float
    claims: int
    escalation_sources: int  # independent outlets carrying escalation claims
    drivers: tuple[Weighted, ...]


def balance(escalation: float, deescalation: float) -> float:
    """-1..+1, positive when escalation outweighs de-escalation."""
    return (escalation - deescalation) / (escalation + deescalation + 1.0)


def evaluate(
    claims: Sequence[ClaimEvidence],
    as_of: float,
    window_seconds: float,
    parameters: IndexParameters = DEFAULT_PARAMETERS,
) -> WindowIndicators:
    """Indicators of the window (as_of - window, as_of]; `claims` may reach back `parameters.recent_days` further,
    the recent level the estimate starts from. Each group is decayed by its latest report."""
    return window_of(ClaimGroups(claims), as_of, window_seconds, parameters)


def window_of(
    groups: ClaimGroups, as_of: float, window_seconds: float, parameters: IndexParameters = DEFAULT_PARAMETERS
) -> WindowIndicators:
    """Indicators of the window (as_of - window, as_of] cut from `groups`, read against the recent days before it."""
    start = as_of - window_seconds
    recent = groups.between(start - parameters.recent_days * DAY, start)
    return weigh(groups.between(start, as_of), as_of, window_seconds, recent, parameters)


def recent_evidence(groups: Sequence[Corroborated], start: float, parameters: IndexParameters) -> Evidence:
    """The evidence of the recent days before a window starting at `start`, decayed from `start` (half-life: half the
    recent days). It is the estimate's prior, capped in strength: an empty or thin day reads the recent level."""
    seconds = parameters.recent_days * DAY
    if seconds <= 0:
        return Evidence(0.0, 0.0, 0.0)
    weights = [(g.signal, g.weight * recency(start - g.latest, seconds)) for g in groups]
    return Evidence(
        escalation=math.fsum(w for signal, w in weights if signal == "escalation"),
        deescalation=math.fsum(w for signal, w in weights if signal == "de-escalation"),
        days=exposure_days(seconds),
    )


def weigh(
    groups: Sequence[Corroborated],
    as_of: float,
    window_seconds: float,
    recent: Sequence[Corroborated] = (),
    parameters: IndexParameters = DEFAULT_PARAMETERS,
) -> WindowIndicators:
    """Indicators of corroborated groups already restricted to the window (what `evaluate` does after grouping);
    `recent`: the groups of the recent days before it."""
    weights = [g.weight * recency(as_of - g.latest, window_seconds) for g in groups]
    escalation = math.fsum(w for w, g in zip(weights, groups, strict=True) if g.signal == "escalation")
    deescalation = math.fsum(w for w, g in zip(weights, groups, strict=True) if g.signal == "de-escalation")
    sources = frozenset().union(*(g.original_sources for g in groups if g.signal == "escalation"))
    top = heapq.nsmallest(DRIVERS, range(len(groups)), key=lambda i: (-weights[i], groups[i].representative.order))
    posterior = estimate(
        Evidence(escalation, deescalation, exposure_days(window_seconds)),
        recent_evidence(recent, as_of - window_seconds, parameters),
        parameters,
    )
    return WindowIndicators(
        escalation_weight=escalation,
        deescalation_weight=deescalation,
        escalation_index=posterior.index,
        escalation_index_low=posterior.low,
        escalation_index_high=posterior.high,
        balance=balance(escalation, deescalation),
        claims=len(groups),
        escalation_sources=len(sources),
        drivers=tuple(Weighted(groups[i], weights[i]) for i in top),
    )


def next_alert_level(
    level: AlertLevel, index: float, low: float, escalation_sources: int, p: IndexParameters = DEFAULT_PARAMETERS
) -> AlertLevel:
    """One hysteresis step. Red on evidence: the interval's low bound clears `red_enter` (and stays above `red_exit`)
    with escalation from `red_min_sources` independent outlets; amber on the estimate, with its own enter/exit."""
    if escalation_sources >= p.red_min_sources and (low >= p.red_enter or (level == "red" and low >= p.red_exit)):
        return "red"
    if index >= p.amber_enter or (level != "green" and index >= p.amber_exit):
        return "amber"
    return "green"


def alert_level(series: Iterable[tuple[float, float, int]], p: IndexParameters = DEFAULT_PARAMETERS) -> AlertLevel:
    """Run the hysteresis over (index, low bound, escalation sources) in event-time order, starting green."""
    level: AlertLevel = "green"
    for index, low, sources in series:
        level = next_alert_level(level, index, low, sources, p)
    return level
