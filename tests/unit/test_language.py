"""Language detection from the text and the offline paths' report of articles in a language without a model."""

from __future__ import annotations

import json

import pytest

from agents.language import detect_language, group_by_language
from agents.records import Article
from streams.cli import main
from streams.offline import LanguageEnrichers
from streams.settings import Settings
from tests.languages import REPORTS, report


@pytest.mark.parametrize("language", ["en", "ru", "ur"])
def test_the_text_decides_not_the_language_field(language):
    detection = detect_language(REPORTS[language], declared="en")
    assert detection.language == language
    assert detection.confidence > 0.8


def test_a_text_too_short_to_tell_keeps_the_declared_language():
    assert detect_language("Troops massed.", declared="fr").language == "fr"


def test_grouping_keeps_input_order_and_names_the_unsupported_language():
    articles = [Article.model_validate(report(code)) for code in ("ur", "en", "ru")]
    groups, unsupported = group_by_language(articles, lambda article: article, {"en", "ru"})
    assert {code: [a.id for a in items] for code, items in groups.items()} == {
        "en": ["report-en"],
        "ru": ["report-ru"],
    }
    [(article, detection)] = unsupported
    assert article.id == "report-ur"
    assert detection.reason.startswith("unsupported_language: detected ur (the record says 'en')")


def test_offline_enrichment_enriches_english_and_reports_russian_and_urdu():
    reported = []
    enrichers = LanguageEnrichers(Settings().nlp, lambda article, detection: reported.append((article.id, detection)))
    articles = [Article.model_validate(report(code)) for code in ("en", "ru", "ur")]
    [english] = enrichers.enrich(articles)
    assert english.article_id == "report-en"
    assert english.claims and english.entities
    assert [(article_id, d.language) for article_id, d in reported] == [("report-ru", "ru"), ("report-ur", "ur")]
    assert dict(enrichers.unsupported) == {"ru": 1, "ur": 1}


def test_extract_reports_each_unsupported_article(tmp_path, capsys):
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_text("".join(json.dumps(report(code)) + "\n" for code in ("en", "ru", "ur")))
    out = tmp_path / "enriched.jsonl"
    assert main(["extract", str(corpus), "--out", str(out)]) == 0
    assert [json.loads(line)["article_id"] for line in out.read_text().splitlines()] == ["report-en"]
    err = capsys.readouterr().err
    assert "report-ru: unsupported_language: detected ru" in err
    assert "report-ur: unsupported_language: detected ur" in err
    assert "enriched 1 of 3 articles" in err
