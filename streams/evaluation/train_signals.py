"""Train the learned signal model (agents/nlp/signal_model.py) on team-written annotated reports.

Each crisis folder of the training corpus holds `articles.jsonl` and `gold.jsonl` in the format of the evaluation
sets. Every article is parsed once; each gold claim is read where the production extractor finds it (a matched
claim's span, cue and kind, so the model learns from what it will see), else at its gold span. The rules' reading
(lexicon only, no model) is part of the features. Training is deterministic: sorted inputs, a fixed solver, no
randomness. scikit-learn is needed here only (the `train` extra), never at run time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agents.nlp.factory import build_enricher
from agents.nlp.signal_model import LinearHead, RuleView, SignalModel, claim_features
from streams.corpus import read_corpus
from streams.evaluation.claims import macro_f1, match_claims, read_gold
from streams.settings import Settings

MIN_FEATURE_COUNT = 2  # a feature seen once is a fact about one sentence, not about language
REGULARISATION = 0.5  # inverse L2 strength; chosen by leave-one-crisis-out on the training corpus (docs/signals.md)


@dataclass(frozen=True)
class Example:
    crisis: str
    rules: RuleView  # what the rules alone read
    features: tuple[str, ...]
    signal: str  # gold
    category: str  # gold


def crisis_folders(root: Path) -> list[Path]:
    folders = sorted(path for path in Path(root).iterdir() if (path / "gold.jsonl").exists())
    if not folders:
        raise ValueError(f"{root}: no crisis folder with articles.jsonl and gold.jsonl")
    return folders


def training_examples(root: Path, settings: Settings) -> list[Example]:
    """One example per gold claim of every crisis folder under `root`."""
    enricher = build_enricher(settings.nlp, learned_signals=False)
    rules = enricher.claims.signals
    examples: list[Example] = []
    for folder in crisis_folders(root):
        gold = read_gold(folder / "gold.jsonl")
        articles = [a for a in read_corpus(folder / "articles.jsonl", settings.max_text_bytes).articles if a.id in gold]
        for article, (doc, text) in zip(articles, enricher.parse(articles), strict=True):
            claims = enricher.build(article, doc, text).claims
            matched = {id(g): claim for g, claim in match_claims(gold[article.id], claims, doc)}
            for gold_claim in gold[article.id]:
                where = matched.get(id(gold_claim)) or gold_claim  # the extracted claim, else the gold span
                span = doc.char_span(where.start, where.end, alignment_mode="expand")
                cue, kind = where.cue, where.kind
                if span is None:
                    continue
                view = rules.rule_view(span, cue)
                features = tuple(claim_features(span, cue, kind, view))
                examples.append(Example(folder.name, view, features, gold_claim.signal, gold_claim.category))
    return examples


def fit(examples: Sequence[Example], regularisation: float = REGULARISATION) -> SignalModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(feature for example in examples for feature in set(example.features))
    kept = [{f: 1 for f in example.features if counts[f] >= MIN_FEATURE_COUNT} for example in examples]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept)
    names = list(vectorizer.get_feature_names_out())

    def head(labels: list[str]) -> LinearHead:
        model = LogisticRegression(C=regularisation, max_iter=5000, solver="lbfgs", class_weight="balanced")
        model.fit(matrix, labels)
        classes = tuple(str(label) for label in model.classes_)
        coefficients = model.coef_
        if len(classes) == 2:  # scikit-learn keeps one row for two classes: the second class against the first
            coefficients = [-coefficients[0] / 2, coefficients[0] / 2]
            intercepts = (-model.intercept_[0] / 2, model.intercept_[0] / 2)
        else:
            intercepts = tuple(float(value) for value in model.intercept_)
        weights = {
            name: tuple(float(row[index]) for row in coefficients)
            for index, name in enumerate(names)
            if any(abs(row[index]) > 1e-6 for row in coefficients)
        }
        return LinearHead(classes, tuple(float(value) for value in intercepts), weights)

    by_category: dict[str, Counter] = {}
    for example in examples:
        by_category.setdefault(example.category, Counter())[example.signal] += 1
    category_signal = {category: max(sorted(signals), key=signals.get) for category, signals in by_category.items()}
    return SignalModel(
        signal=head([example.signal for example in examples]),
        category=head([example.category for example in examples]),
        category_signal=category_signal,
    )


def held_out(examples: Sequence[Example], regularisation: float = REGULARISATION) -> list[tuple[str, float, float]]:
    """(crisis, rules macro-F1, rules + model macro-F1) with each crisis left out of training in turn."""
    rows = []
    for crisis in sorted({example.crisis for example in examples}):
        model = fit([example for example in examples if example.crisis != crisis], regularisation)
        test = [example for example in examples if example.crisis == crisis]
        rules = Counter((example.signal, example.rules.signal) for example in test)
        learned = Counter((example.signal, model.decide(example.features, example.rules)) for example in test)
        rows.append((crisis, macro_f1(rules), macro_f1(learned)))
    return rows


def held_out_report(root: Path, settings: Settings) -> str:
    rows = held_out(training_examples(root, settings))
    lines = [f"{'left-out crisis':34}{'rules':>8}{'+model':>8}"]
    lines += [f"{crisis:34}{rules:>8.3f}{model:>8.3f}" for crisis, rules, model in rows]
    lines.append(f"{'mean':34}{sum(r[1] for r in rows) / len(rows):>8.3f}{sum(r[2] for r in rows) / len(rows):>8.3f}")
    return "\n".join(lines)


def train(root: Path, out: Path, settings: Settings) -> SignalModel:
    examples = training_examples(root, settings)
    model = fit(examples)
    training = {
        "corpus": str(root),
        "crises": sorted({example.crisis for example in examples}),
        "claims": len(examples),
        "signals": dict(sorted(Counter(example.signal for example in examples).items())),
        "regularisation": REGULARISATION,
        "min_feature_count": MIN_FEATURE_COUNT,
    }
    Path(out).write_text(model.to_json(training), encoding="utf-8")
    return model
