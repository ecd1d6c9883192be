"""The state of one situation: event-time hourly buckets of compact reports, and the snapshot derived from them.

Everything the snapshot says is a function of the set of reports accepted (their published_at, never their arrival):
which report of a near-duplicate cluster is the original (the earliest by (published_at, id)), how claims corroborate,
the hourly index series and the alert hysteresis run over it. So any replay speed, partition count or shuffled arrival
within the lateness horizon ends in the same snapshot. State stays bounded: buckets older than the retention are
dropped, and the content terms used for copy detection are kept only while a new report can still be compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from agents.config import SituationSettings
from agents.records import Driver, EnrichedArticle, SituationSnapshot
from agents.situation import indicators
from agents.situation.config import SituationMatcher
from agents.situation.estimate import DAY, DEFAULT_PARAMETERS, IndexParameters
from agents.situation.indicators import HOUR, ClaimEvidence, WindowIndicators, claim_strength, claim_wording

MAIN_WINDOW = 24 * HOUR
WINDOWS = {"6h": 6 * HOUR, "7d": 7 * 24 * HOUR}  # besides the main 24h window
COPY_SECONDS = 24 * HOUR  # a near-duplicate published within this span of an earlier report is its copy
# Near-duplicate test on the distinct content lemmas: >= 5 shared words (as GDELT) and a cosine >= 0.5, or one text
# (nearly) contained in the other (a trimmed wire copy). GDELT's 0.3 is for weighted vectors: on unweighted lemma
# sets, independent reports of the same day already reach 0.30-0.40 (the five seed reports do).
COPY_MIN_SHARED = 5
COPY_MIN_COSINE = 0.5
COPY_MIN_CONTAINMENT = 0.8
DIRECTIONAL = ("escalation", "de-escalation")
STATE_VERSION = 2  # 2: the hourly series holds (index, low bound, sources)


def hour_of(t: float) -> int:
    return math.floor(t / HOUR)


class Outcome(Enum):
    """What `SituationState.add` did with an article; true only when it was counted."""

    COUNTED = "counted"
    DUPLICATE = "duplicate"  # its id is already counted (a redelivery after a restart, a re-send)
    LATE = "late"  # published more than the lateness horizon before the latest report

    def __bool__(self) -> bool:
        return self is Outcome.COUNTED


@dataclass(frozen=True)
class Report:
    """One article as the situation keeps it: only what copies, corroboration and drivers need."""

    article_id: str
    t: float
    published_at: str  # ISO-8601 as received (as_of of a snapshot)
    outlet: str | None
    fingerprint: str | None
    duplicate_of: str | None
    terms: frozenset[str] | None  # None once no new report can be compared with it
    copy: bool
    claims: tuple[ClaimEvidence, ...]

    @property
    def order(self) -> tuple[float, str]:
        return (self.t, self.article_id)

    def as_copy(self) -> Report:
        return replace(self, copy=True, claims=tuple(replace(c, copy=True) for c in self.claims))

    def to_list(self) -> list:
        claims = [[c.claim_id, c.speaker_actor, c.category, c.signal, c.strength, c.content] for c in self.claims]
        terms = " ".join(sorted(self.terms)) if self.terms is not None else None
        return [self.t, self.published_at, self.outlet, self.fingerprint, self.duplicate_of, terms, self.copy, claims]

    @classmethod
    def from_list(cls, article_id: str, item: list) -> Report:
        t, published_at, outlet, fingerprint, duplicate_of, terms, copy, claims = item
        source = outlet or article_id
        evidence = tuple(
            ClaimEvidence(
                claim_id=claim_id,
                article_id=article_id,
                source=source,
                outlet=outlet,
                t=t,
                copy=copy,
                speaker_actor=speaker,
                category=category,
                signal=signal,
                strength=strength,
                content=content,
                wording=claim_wording(content),
            )
            for claim_id, speaker, category, signal, strength, content in claims
        )
        return cls(
            article_id=article_id,
            t=t,
            published_at=published_at,
            outlet=outlet,
            fingerprint=fingerprint,
            duplicate_of=duplicate_of,
            terms=frozenset(terms.split()) if terms is not None else None,
            copy=copy,
            claims=evidence,
        )


def report_from_article(article: EnrichedArticle, parties: frozenset[str]) -> Report:
    claims = [
        [
            claim.claim_id,
            claim.speaker_actor,
            claim.category,
            claim.signal,
            claim_strength(claim.weight, claim.hedged, claim.speaker_actor in parties),
            claim.content,
        ]
        for claim in article.claims
        if claim.signal in DIRECTIONAL
    ]
    item = [
        article.published_at.timestamp(),
        article.published_at.isoformat(),
        article.outlet,
        article.text_fingerprint,
        article.duplicate_of,
        " ".join(article.content_terms),
        False,
        claims,
    ]
    return Report.from_list(article.article_id, item)


def near_duplicates(a: Report, b: Report) -> bool:
    """Same text (fingerprint or the enrich stage's duplicate mark), or nearly the same content words."""
    if a.fingerprint is not None and a.fingerprint == b.fingerprint:
        return True
    if a.duplicate_of == b.article_id or b.duplicate_of == a.article_id:
        return True
    if not a.terms or not b.terms:
        return False
    shared = len(a.terms & b.terms)
    if shared < COPY_MIN_SHARED:
        return False
    sizes = len(a.terms), len(b.terms)
    return shared / math.sqrt(sizes[0] * sizes[1]) >= COPY_MIN_COSINE or shared / min(sizes) >= COPY_MIN_CONTAINMENT


class SituationState:
    """Hourly event-time buckets of one situation. `add` an enriched article, then read its `snapshot`."""

    def __init__(
        self,
        situation: str,
        lateness: timedelta,
        retention: timedelta,
        parties: frozenset[str] = frozenset(),
        parameters: IndexParameters = DEFAULT_PARAMETERS,
    ):
        self.situation = situation
        self.parties = parties
        self.parameters = parameters
        self.lateness = lateness.total_seconds()
        # An hourly value reads its 24h window and the recent days before it (the estimate's prior).
        self.reach_back = MAIN_WINDOW + parameters.recent_days * DAY
        # Long enough that every report a late arrival can be compared with, or that a window reads, is still kept.
        self.horizon = max(
            retention.total_seconds(), self.lateness + COPY_SECONDS + HOUR, self.lateness + self.reach_back + HOUR
        )
        self.buckets: dict[int, dict[str, Report]] = {}
        # hour -> (24h index at the hour's end, its interval's low bound, escalation sources)
        self.hourly: dict[int, tuple[float, float, int]] = {}
        self.latest: tuple[float, str, str] | None = None  # (t, article id, published_at) of the latest report
        self.dirty: set[int] = set()  # buckets changed since the last take_changes()
        self.comparable: set[int] = set()  # buckets whose reports still keep their content terms
        self.groups: indicators.ClaimGroups | None = None  # the kept claims grouped, until the reports change

    # ---- updating ---------------------------------------------------------------------------------------------
    def add(self, article: EnrichedArticle) -> Outcome:
        """Count an article once; refused (falsy) when its id is already counted or it is beyond the lateness."""
        if any(article.article_id in reports for reports in self.buckets.values()):
            return Outcome.DUPLICATE
        report = report_from_article(article, self.parties)
        if self.latest is not None and report.t < self.latest[0] - self.lateness:
            return Outcome.LATE
        report, recopied = self.link_copies(report)
        self.groups = None
        hour = hour_of(report.t)
        self.buckets.setdefault(hour, {})[report.article_id] = report
        self.dirty.add(hour)
        self.comparable.add(hour)
        self.forget_hourly(report.t, max([report.t, *recopied]))
        if self.latest is None or report.order > self.latest[:2]:
            self.latest = (report.t, report.article_id, report.published_at)
        self.prune()
        self.fill_hourly()
        return Outcome.COUNTED

    def link_copies(self, report: Report) -> tuple[Report, list[float]]:
        """Mark the later report of every near-duplicate pair within COPY_SECONDS as a copy.

        Returns the report and the times of the kept reports it turned into copies."""
        recopied = []
        for other in self.reports_between(report.t - COPY_SECONDS, report.t + COPY_SECONDS):
            if not near_duplicates(report, other):
                continue
            if other.order < report.order:
                report = report if report.copy else report.as_copy()
            elif not other.copy:
                hour = hour_of(other.t)
                self.buckets[hour][other.article_id] = other.as_copy()
                self.dirty.add(hour)
                recopied.append(other.t)
        return report, recopied

    def forget_hourly(self, first: float, last: float) -> None:
        """Drop the hourly values that read a report changed between first and last: (end - reach_back, end]."""
        low = math.ceil(first / HOUR) - 1
        high = hour_of(last) + math.ceil(self.reach_back / HOUR)
        self.hourly = {h: value for h, value in self.hourly.items() if not low <= h <= high}

    def prune(self) -> None:
        now = self.latest[0]
        for hour in [h for h in self.buckets if (h + 1) * HOUR <= now - self.horizon]:
            del self.buckets[hour]
            self.dirty.add(hour)
        compare_until = now - self.lateness - COPY_SECONDS
        for hour in sorted(h for h in self.comparable if (h + 1) * HOUR <= compare_until):
            reports = self.buckets.get(hour, {})
            for article_id, report in reports.items():
                reports[article_id] = replace(report, terms=None)
            self.comparable.discard(hour)
            self.dirty.add(hour)
        start = self.first_alert_hour()
        self.hourly = {h: value for h, value in self.hourly.items() if h >= start}

    def first_alert_hour(self) -> int:
        """The alert hysteresis runs from the first hour whose 24h window and recent days are still kept."""
        return hour_of(self.latest[0] - self.horizon) + math.ceil(self.reach_back / HOUR)

    def fill_hourly(self) -> None:
        for hour in range(self.first_alert_hour(), hour_of(self.latest[0])):
            if hour in self.hourly:
                continue
            window = self.window((hour + 1) * HOUR, MAIN_WINDOW)
            self.hourly[hour] = (
                round(window.escalation_index, 6),
                round(window.escalation_index_low, 6),
                window.escalation_sources,
            )

    # ---- reading ----------------------------------------------------------------------------------------------
    def reports_between(self, start: float, end: float) -> list[Report]:
        """Reports with start <= t <= end (windows drop t == start themselves: they are open at the start)."""
        found = []
        for hour in range(hour_of(start), hour_of(end) + 1):
            found.extend(r for r in self.buckets.get(hour, {}).values() if start <= r.t <= end)
        return found

    def claim_groups(self) -> indicators.ClaimGroups:
        """Every kept claim, grouped once per change of the reports; each window's groups are cut from these."""
        if self.groups is None:
            claims = [c for reports in self.buckets.values() for r in reports.values() for c in r.claims]
            self.groups = indicators.ClaimGroups(claims)
        return self.groups

    def snapshot(self) -> SituationSnapshot:
        if self.latest is None:
            raise ValueError(f"situation {self.situation!r} has no reports yet")
        as_of, _, published_at = self.latest
        main = self.window(as_of, MAIN_WINDOW)
        previous = self.window(as_of - MAIN_WINDOW, MAIN_WINDOW)
        series = [self.hourly[h] for h in sorted(self.hourly)]
        series.append((main.escalation_index, main.escalation_index_low, main.escalation_sources))
        articles, sources = self.reach(as_of, MAIN_WINDOW)
        return SituationSnapshot(
            situation=self.situation,
            as_of=datetime.fromisoformat(published_at),
            window="24h",
            escalation_index=round(main.escalation_index, 4),
            escalation_index_low=round(main.escalation_index_low, 4),
            escalation_index_high=round(main.escalation_index_high, 4),
            escalation_index_level=self.parameters.credible_level,
            balance=round(main.balance, 4),
            escalation_weight=round(main.escalation_weight, 4),
            deescalation_weight=round(main.deescalation_weight, 4),
            articles=articles,
            sources=sources,
            claims=main.claims,
            alert_level=indicators.alert_level(series, self.parameters),
            trend=round(main.escalation_index - previous.escalation_index, 4),
            drivers=[driver(weighted) for weighted in main.drivers],
            windows={name: self.window_summary(as_of, seconds) for name, seconds in WINDOWS.items()},
        )

    def window(self, as_of: float, seconds: float) -> WindowIndicators:
        return indicators.window_of(self.claim_groups(), as_of, seconds, self.parameters)

    def reach(self, as_of: float, seconds: float) -> tuple[int, int]:
        """Articles in the window (copies included) and distinct outlets of its original reports."""
        reports = [r for r in self.reports_between(as_of - seconds, as_of) if r.t > as_of - seconds]
        return len(reports), len({r.outlet or r.article_id for r in reports if not r.copy})

    def window_summary(self, as_of: float, seconds: float) -> dict[str, float]:
        window = self.window(as_of, seconds)
        articles, sources = self.reach(as_of, seconds)
        return {
            "escalation_index": round(window.escalation_index, 4),
            "escalation_index_low": round(window.escalation_index_low, 4),
            "escalation_index_high": round(window.escalation_index_high, 4),
            "balance": round(window.balance, 4),
            "escalation_weight": round(window.escalation_weight, 4),
            "deescalation_weight": round(window.deescalation_weight, 4),
            "articles": articles,
            "sources": sources,
            "claims": window.claims,
        }

    # ---- storage ----------------------------------------------------------------------------------------------
    def head(self) -> dict:
        return {
            "version": STATE_VERSION,
            "situation": self.situation,
            "lateness": self.lateness,
            "parties": sorted(self.parties),
            "parameters": self.parameters.model_dump(),
            "horizon": self.horizon,
            "latest": list(self.latest) if self.latest else None,
            "hours": sorted(self.buckets),
            "hourly": {str(h): list(value) for h, value in sorted(self.hourly.items())},
        }

    def bucket(self, hour: int) -> dict | None:
        reports = self.buckets.get(hour)
        if reports is None:
            return None
        return {article_id: report.to_list() for article_id, report in sorted(reports.items())}

    def take_changes(self) -> dict[int, dict | None]:
        """Buckets changed since the last call (None = deleted), for writing them to the table."""
        changes = {hour: self.bucket(hour) for hour in sorted(self.dirty)}
        self.dirty.clear()
        return changes

    def to_dict(self) -> dict:
        return {"head": self.head(), "buckets": {str(h): self.bucket(h) for h in sorted(self.buckets)}}

    @classmethod
    def from_parts(cls, head: dict, buckets: dict[int, dict]) -> SituationState:
        lateness = timedelta(seconds=head["lateness"])
        state = cls(
            head["situation"],
            lateness=lateness,
            retention=timedelta(0),
            parties=frozenset(head["parties"]),
            parameters=IndexParameters(**head.get("parameters", {})),
        )
        state.horizon = max(head["horizon"], state.horizon)
        state.latest = tuple(head["latest"]) if head["latest"] else None
        if head.get("version") == STATE_VERSION:  # an older series is recomputed from the buckets by the next add
            state.hourly = {int(h): (value[0], value[1], value[2]) for h, value in head["hourly"].items()}
        state.buckets = {
            hour: {article_id: Report.from_list(article_id, item) for article_id, item in reports.items()}
            for hour, reports in buckets.items()
        }
        state.comparable = {
            hour for hour, reports in state.buckets.items() if any(r.terms is not None for r in reports.values())
        }
        return state

    @classmethod
    def from_dict(cls, data: dict) -> SituationState:
        return cls.from_parts(data["head"], {int(h): reports for h, reports in data["buckets"].items()})


def driver(weighted: indicators.Weighted) -> Driver:
    group, claim = weighted.group, weighted.group.representative
    return Driver(
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        outlet=claim.outlet,
        speaker_actor=claim.speaker_actor,
        content=claim.content,
        signal=claim.signal,
        weight=round(weighted.weight, 4),
        category=claim.category,
        sources=max(group.sources, 1),
        articles=group.articles,
    )


def situation_matcher(settings: SituationSettings) -> SituationMatcher:
    """The configured situations (read once per process: the files are cached)."""
    return SituationMatcher.load(settings.situations_path, settings.actors_path)


def new_situation_state(situation: str, settings: SituationSettings) -> SituationState:
    """An empty state with the lateness, retention and parties configured in `settings`."""
    matcher = situation_matcher(settings)
    return SituationState(
        situation,
        lateness=timedelta(hours=settings.lateness_hours),
        retention=timedelta(days=settings.retention_days),
        parties=matcher.parties(situation),
        parameters=matcher.index_parameters(situation),
    )
