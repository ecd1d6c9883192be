from agents.dedupe import Deduplicator, Verdict
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
