"""Claim detection, attribution and signal scores against a gold file such as shared/eval/seeds_gold.jsonl.

A predicted claim matches a gold claim of the same article when their content spans share at least half of the gold
span's tokens; matching is one-to-one (largest overlap first). Speaker-actor accuracy is measured on matched claims
whose gold claim is attributed; signal and category on all matched claims. textacy's `direct_quotations` runs on the
same Docs as a baseline: its quotes become direct-quote claims, their speakers resolved by the same actor resolver and
their signals read by the same classifier, so only detection and attribution differ.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span

from agents.nlp.actors import ArticleActors
from agents.nlp.claims import ClaimExtractor
from agents.nlp.claims.quotes import QUOTE_MARKS, paragraphs
from agents.nlp.factory import build_enricher
from agents.nlp.pipeline import Enricher
from agents.records import Claim
from streams.corpus import read_corpus
from streams.settings import Settings, get_settings

SIGNALS = ("escalation", "de-escalation", "neutral")
KINDS = ("direct_quote", "indirect", "assertion")
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class GoldClaim:
    article_id: str
    start: int
    end: int
    kind: str
    speaker_actor: str | None
    signal: str
    category: str
    cue: str | None = None

    @classmethod
    def from_json(cls, data: dict) -> GoldClaim:
        return cls(
            article_id=data["article"],
            start=data["content_start"],
            end=data["content_end"],
            kind=data["kind"],
            speaker_actor=data["speaker_actor"],
            signal=data["signal"],
            category=data["category"],
            cue=data.get("cue"),
        )


@dataclass
class SystemScore:
    """Counts for one system over all articles."""

    name: str
    matched: int = 0
    predicted: int = 0
    gold: int = 0
    kind_found: Counter = field(default_factory=Counter)
    kind_gold: Counter = field(default_factory=Counter)
    speaker_correct: int = 0
    speaker_total: int = 0
    signal_correct: int = 0
    category_correct: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold signal, predicted signal) -> count

    @property
    def precision(self) -> float:
        return ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        return harmonic(self.precision, self.recall)

    @property
    def speaker_accuracy(self) -> float:
        return ratio(self.speaker_correct, self.speaker_total)

    @property
    def signal_accuracy(self) -> float:
        return ratio(self.signal_correct, self.matched)

    @property
    def category_accuracy(self) -> float:
        return ratio(self.category_correct, self.matched)

    @property
    def signal_macro_f1(self) -> float:
        return macro_f1(self.confusion)

    def absorb(self, other: SystemScore) -> None:
        """Add another set's counts (pooling several gold sets)."""
        counts = (
            "matched",
            "predicted",
            "gold",
            "speaker_correct",
            "speaker_total",
            "signal_correct",
            "category_correct",
        )
        for name in counts:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.kind_found.update(other.kind_found)
        self.kind_gold.update(other.kind_gold)
        self.confusion.update(other.confusion)

    def kind_recall(self, kind: str) -> float:
        return ratio(self.kind_found[kind], self.kind_gold[kind])

    def add(self, gold: Sequence[GoldClaim], predicted: Sequence[Claim], doc: Doc) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.kind_gold.update(claim.kind for claim in gold)
        for gold_claim, claim in match_claims(gold, predicted, doc):
            self.matched += 1
            self.kind_found[gold_claim.kind] += 1
            if gold_claim.speaker_actor is not None:
                self.speaker_total += 1
                self.speaker_correct += claim.speaker_actor == gold_claim.speaker_actor
            self.signal_correct += claim.signal == gold_claim.signal
            self.category_correct += claim.category == gold_claim.category
            self.confusion[(gold_claim.signal, claim.signal)] += 1


@dataclass
class ClaimsResult:
    ours: SystemScore
    baseline: SystemScore
    articles: int


def macro_f1(confusion: Counter) -> float:
    """Macro-F1 over the three signals of a (gold signal, predicted signal) -> count confusion."""
    scores = []
    for signal in SIGNALS:
        hits = confusion[(signal, signal)]
        predicted = sum(n for (_, p), n in confusion.items() if p == signal)
        gold = sum(n for (g, _), n in confusion.items() if g == signal)
        scores.append(harmonic(ratio(hits, predicted), ratio(hits, gold)))
    return sum(scores) / len(scores)


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def harmonic(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


def token_set(doc: Doc, start: int, end: int) -> set[int]:
    """Indices of the non-space tokens that start inside [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return {tok.i for tok in span if not tok.is_space and start <= tok.idx < end} if span is not None else set()


def match_claims(gold: Sequence[GoldClaim], predicted: Sequence[Claim], doc: Doc) -> list[tuple[GoldClaim, Claim]]:
    """One-to-one pairs whose overlap covers at least half of the gold span's tokens, largest share first."""
    predicted_tokens = [token_set(doc, claim.start, claim.end) for claim in predicted]
    candidates = []
    for g, gold_claim in enumerate(gold):
        gold_tokens = token_set(doc, gold_claim.start, gold_claim.end)
        if not gold_tokens:
            continue
        for p, tokens in enumerate(predicted_tokens):
            share = len(gold_tokens & tokens) / len(gold_tokens)
            if share >= MIN_OVERLAP:
                candidates.append((-share, g, p))
    pairs, used_gold, used_predicted = [], set(), set()
    for _, g, p in sorted(candidates):
        if g not in used_gold and p not in used_predicted:
            used_gold.add(g)
            used_predicted.add(p)
            pairs.append((gold[g], predicted[p]))
    return pairs


def textacy_quotes(doc: Doc) -> Iterator[tuple[Span | None, str | None, int, int]]:
    """(speaker, cue, content start, content end) of textacy's direct quotations. textacy refuses a Doc with an odd
    number of quote marks; then it runs paragraph by paragraph (Span.as_doc copies the parse, no second parse)."""
    from textacy.extract.triples import direct_quotations

    try:
        parts = [(0, 0, list(direct_quotations(doc)))]
    except ValueError:
        parts = []
        for start, end in paragraphs(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            part = span.as_doc()
            try:
                parts.append((span.start, span.start_char, list(direct_quotations(part))))
            except ValueError:
                continue
    for token_offset, char_offset, triples in parts:
        for speaker_tokens, cue_tokens, content in triples:
            speaker = None
            if speaker_tokens:
                first, last = min(t.i for t in speaker_tokens), max(t.i for t in speaker_tokens)
                speaker = doc[token_offset + first : token_offset + last + 1]
            cue = " ".join(tok.lemma_ for tok in cue_tokens) or None
            yield speaker, cue, char_offset + content.start_char, char_offset + content.end_char


def textacy_claims(doc: Doc, article_id: str, actors: ArticleActors, extractor: ClaimExtractor) -> list[Claim]:
    """textacy's direct quotations as direct-quote claims: same resolver, same signal classifier."""
    claims = []
    for speaker, cue, start, end in textacy_quotes(doc):
        while start < end and doc.text[start] in QUOTE_MARKS + " ":
            start += 1
        while end > start and doc.text[end - 1] in QUOTE_MARKS + " ,":
            end -= 1
        if end <= start:
            continue
        claim = Claim(
            claim_id=f"{article_id}:{start}-{end}",
            article_id=article_id,
            speaker_text=speaker.text if speaker is not None else None,
            speaker_actor=actors.resolve(speaker) if speaker is not None else None,
            cue=cue,
            content=doc.text[start:end],
            start=start,
            end=end,
            kind="direct_quote",
        )
        claims.append(extractor.with_signal(doc, claim))
    return claims


def read_gold(path: Path) -> dict[str, list[GoldClaim]]:
    by_article: dict[str, list[GoldClaim]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                claim = GoldClaim.from_json(json.loads(line))
                by_article.setdefault(claim.article_id, []).append(claim)
    return by_article


def evaluate_claims(
    gold_path: Path, corpus_path: Path, settings: Settings | None = None, enricher: Enricher | None = None
) -> ClaimsResult:
    """Run the production Enricher (one parse per article) and textacy on the same Docs; score both."""
    settings = settings or get_settings()
    enricher = enricher or build_enricher(settings.nlp)
    gold = read_gold(gold_path)
    articles = [article for article in read_corpus(corpus_path, settings.max_text_bytes).articles if article.id in gold]
    ours, baseline = SystemScore("sitrep"), SystemScore("textacy direct_quotations")
    for article, (doc, text) in zip(articles, enricher.parse(articles), strict=True):
        ours.add(gold[article.id], enricher.build(article, doc, text).claims, doc)
        actors = enricher.actors.annotate(doc)
        baseline.add(gold[article.id], textacy_claims(doc, article.id, actors, enricher.claims), doc)
    return ClaimsResult(ours=ours, baseline=baseline, articles=len(articles))


@dataclass(frozen=True)
class GoldSet:
    name: str
    gold: Path
    corpus: Path


def gold_sets(root: Path) -> list[GoldSet]:
    """The crisis folders under `root` (each with gold.jsonl and articles.jsonl), or `root` itself if it is one."""
    root = Path(root)
    folders = [root] if (root / "gold.jsonl").exists() else sorted(p for p in root.iterdir() if p.is_dir())
    sets = [GoldSet(p.name, p / "gold.jsonl", p / "articles.jsonl") for p in folders if (p / "gold.jsonl").exists()]
    if not sets:
        raise ValueError(f"{root}: no folder with gold.jsonl and articles.jsonl")
    return sets


def evaluate_sets(
    sets: Sequence[GoldSet], settings: Settings | None = None, learned_signals: bool | None = None
) -> list[tuple[str, ClaimsResult]]:
    """One result per set, then the pooled result ("pooled"), from one Enricher."""
    settings = settings or get_settings()
    enricher = build_enricher(settings.nlp, learned_signals=learned_signals)
    rows = [(item.name, evaluate_claims(item.gold, item.corpus, settings, enricher)) for item in sets]
    pooled = ClaimsResult(SystemScore("sitrep"), SystemScore("textacy direct_quotations"), 0)
    for _, result in rows:
        pooled.ours.absorb(result.ours)
        pooled.baseline.absorb(result.baseline)
        pooled.articles += result.articles
    return [*rows, ("pooled", pooled)]


def format_sets_report(rows: Sequence[tuple[str, ClaimsResult]]) -> str:
    """One line per set and the pooled line: claims, F1, speaker-actor accuracy and signal macro-F1 of both systems;
    then the full report of the pooled result."""
    columns = f"{'F1':>8}{'speaker':>9}{'signal':>8}"
    lines = [f"{'set':28}{'claims':>7}{columns}   | textacy{columns}"]
    for name, result in rows:
        ours, base = result.ours, result.baseline
        lines.append(
            f"{name:28}{ours.gold:>7}{ours.f1:>8.3f}{ours.speaker_accuracy:>9.3f}{ours.signal_macro_f1:>8.3f}"
            f"   |        {base.f1:>8.3f}{base.speaker_accuracy:>9.3f}{base.signal_macro_f1:>8.3f}"
        )
    return "\n".join(lines) + "\n\n" + format_claims_report(rows[-1][1])


def format_claims_report(result: ClaimsResult) -> str:
    systems = (result.ours, result.baseline)
    width = max(len(system.name) for system in systems) + 2
    lines = [f"claims: {result.articles} articles, {result.ours.gold} gold claims", ""]
    lines.append(f"{'':28}" + "".join(f"{system.name:>{width}}" for system in systems))

    def row(label: str, values: Iterable[str]) -> None:
        lines.append(f"{label:28}" + "".join(f"{value:>{width}}" for value in values))

    row("predicted / matched", (f"{s.predicted} / {s.matched}" for s in systems))
    row("precision", (f"{s.precision:.3f}" for s in systems))
    row("recall", (f"{s.recall:.3f}" for s in systems))
    row("F1", (f"{s.f1:.3f}" for s in systems))
    for kind in KINDS:
        row(
            f"recall {kind}", (f"{s.kind_recall(kind):.3f} ({s.kind_found[kind]}/{s.kind_gold[kind]})" for s in systems)
        )
    row(
        "speaker-actor accuracy", (f"{s.speaker_accuracy:.3f} ({s.speaker_correct}/{s.speaker_total})" for s in systems)
    )
    row("signal accuracy", (f"{s.signal_accuracy:.3f}" for s in systems))
    row("signal macro-F1", (f"{s.signal_macro_f1:.3f}" for s in systems))
    row("category accuracy", (f"{s.category_accuracy:.3f}" for s in systems))
    for system in systems:
        lines += ["", f"signal confusion, {system.name} (rows gold, columns predicted, matched claims)"]
        lines.append(f"{'':16}" + "".join(f"{signal:>15}" for signal in SIGNALS))
        for gold_signal in SIGNALS:
            counts = (system.confusion[(gold_signal, predicted)] for predicted in SIGNALS)
            lines.append(f"{gold_signal:16}" + "".join(f"{count:>15}" for count in counts))
    return "\n".join(lines)
