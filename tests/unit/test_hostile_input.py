"""The generated hostile corpus (tests/hostile.py) through `sitrep extract`: every article enriched, exit 0, and the
claim embedded in each found with its speaker, at offsets true to the original text."""

import json
import subprocess
import sys

from tests.hostile import CONTENT, SPEAKER, write_corpus
from tests.integration.harness import ROOT


def test_every_hostile_article_goes_through_extract_and_its_claim_is_found(tmp_path):
    corpus, out = tmp_path / "hostile.jsonl", tmp_path / "enriched.jsonl"
    write_corpus(corpus)
    articles = {json.loads(line)["id"]: json.loads(line) for line in corpus.read_text().splitlines()}
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "extract", str(corpus), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "SITREP_LOG_LEVEL": "warning"},
    )
    assert done.returncode == 0, done.stderr
    assert "texts normalised before the parse: {'control_characters'" in done.stderr
    enriched = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(result["article_id"] for result in enriched) == sorted(articles)
    for result in enriched:
        text = articles[result["article_id"]]["text"]
        found = [claim for claim in result["claims"] if claim["speaker_text"] == SPEAKER]
        assert len(found) == 1, result["article_id"]
        [claim] = found
        assert " ".join(claim["content"].split()) == CONTENT, result["article_id"]
        original = text[claim["start"] : claim["end"]]
        assert " ".join(original.replace("\x00", " ").split()) == CONTENT, result["article_id"]
