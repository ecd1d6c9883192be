import subprocess
import sys

import pytest

from agents.dedupe import Deduplicator, Verdict, text_fingerprint
from agents.records import Article


def make(id_: str, text: str) -> Article:
    return Article(id=id_, published_at="2022-02-14T10:00:00Z", text=text)


def test_new_seen_and_same_text_verdicts():
    dedupe = Deduplicator({}, {})
    first = make("a", "Troops  massed near the BORDER.")
    assert dedupe.check(first) == (Verdict.NEW, None)
    dedupe.record(first)
    assert dedupe.check(make("a", "anything else")) == (Verdict.SEEN_ID, None)
    # whitespace and case do not make a copy new
    assert dedupe.check(make("b", "troops massed near the border.")) == (Verdict.SAME_TEXT, "a")
    assert dedupe.check(make("c", "A different report.")) == (Verdict.NEW, None)


def test_record_keeps_the_first_id_for_a_text():
    dedupe = Deduplicator({}, {})
    dedupe.record(make("a", "same"))
    dedupe.record(make("b", "same"))
    assert dedupe.check(make("c", "same")) == (Verdict.SAME_TEXT, "a")
    assert dedupe.check(make("b", "same")) == (Verdict.SEEN_ID, None)


def test_batch_members_see_earlier_members():
    dedupe = Deduplicator({}, {})
    dedupe.record(make("old", "already seen text"))
    batch = [make("a", "one"), make("b", "ONE"), make("a", "one"), make("c", "already seen text"), make("old", "x")]
    verdicts = [(article.id, verdict, first) for article, verdict, first in dedupe.classify_batch(batch)]
    assert verdicts == [
        ("a", Verdict.NEW, None),
        ("b", Verdict.SAME_TEXT, "a"),
        ("a", Verdict.SEEN_ID, None),
        ("c", Verdict.SAME_TEXT, "old"),
        ("old", Verdict.SEEN_ID, None),
    ]


def test_a_held_article_counts_as_recorded_until_released():
    dedupe = Deduplicator({}, {})
    held = make("a", "Shelling resumed overnight.")
    dedupe.hold(held)
    assert dedupe.check(make("a", "other")) == (Verdict.SEEN_ID, None)
    assert dedupe.check(make("b", "shelling resumed  overnight.")) == (Verdict.SAME_TEXT, "a")
    dedupe.release(held)
    assert dedupe.check(make("a", "other")) == (Verdict.NEW, None)
    assert dedupe.check(make("b", "shelling resumed overnight.")) == (Verdict.NEW, None)
    assert (dedupe.seen_ids, dedupe.first_by_text) == ({}, {})


def test_recording_a_held_article_moves_it_to_the_tables():
    dedupe = Deduplicator({}, {})
    first, copy = make("a", "same"), make("b", "same")
    dedupe.hold(first)
    dedupe.hold(copy)
    dedupe.record(first)
    dedupe.release(copy)  # the copy's enrichment failed: the text's first article is still "a"
    assert (dedupe.held_ids, dedupe.held_first_by_text) == ({}, {})
    assert dedupe.check(make("c", "same")) == (Verdict.SAME_TEXT, "a")


@pytest.mark.parametrize(
    ("text", "fingerprint"),
    [
        ("Troops  massed near the BORDER.", "a441b573cd11c8a79b1b1c85f19a7e38"),
        ("troops massed near the border.", "a441b573cd11c8a79b1b1c85f19a7e38"),
        ("", "cae66941d9efbd404e4d88758ea67670"),
        ("Ceasefire holds\nin the north — officials say “talks” continue.", "d123a6e1d242d84a47543860fd12fb97"),
        ("Ünïcode ТЕКСТ  тест", "995167c2cfdc8807fdce9bfd71cc7871"),
    ],
)
def test_fingerprints_are_stable(text, fingerprint):
    """The dedup tables persist fingerprints: a changed hash would make every stored copy new again."""
    assert text_fingerprint(text) == fingerprint


def test_deduplication_does_not_load_spacy():
    """The worker's event-loop process dedupes every article; spaCy belongs to the NLP process only."""
    probe = "import sys, agents.dedupe; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
