import base64
import json

import pytest

from agents.records import (
    Article,
    EnrichedArticle,
    InvalidInput,
    SituationSnapshot,
    dead_letter,
    original_payload,
    parse_article,
)

GOOD = {"id": "a1", "published_at": "2022-02-14T10:00:00+00:00", "text": "Russia massed troops.", "outlet": "Wire"}


def encoded(**changes) -> bytes:
    record = {**GOOD, **changes}
    return json.dumps({k: v for k, v in record.items() if v is not ...}).encode()


@pytest.mark.parametrize(
    ("payload", "reason", "fragment"),
    [
        (b"{not json", "invalid_json", "line 1 column 2"),
        (b"\xff\xfe\x00garbage", "not_utf8", "byte 0"),
        (b"[1, 2]", "not_an_object", "list"),
        (encoded(text=...), "missing_text", "text"),
        (encoded(text=""), "empty_text", "empty"),
        (encoded(text="   \n "), "empty_text", "whitespace"),
        (encoded(published_at=...), "missing_published_at", "published_at"),
        (encoded(published_at="2022-02-14T10:00:00"), "published_at_without_timezone", "timezone offset"),
        (encoded(published_at="yesterday"), "invalid_published_at", "published_at"),
        (encoded(id=""), "invalid_id", "id"),
        (encoded(id=...), "missing_id", "id"),
    ],
)
def test_bad_input_gets_a_precise_reason(payload, reason, fragment):
    with pytest.raises(InvalidInput) as caught:
        parse_article(payload)
    assert caught.value.reason == reason
    assert fragment in caught.value.detail


def test_text_over_the_size_limit_is_rejected_with_sizes():
    with pytest.raises(InvalidInput) as caught:
        parse_article(encoded(text="x" * 101), max_text_bytes=100)
    assert caught.value.reason == "text_too_large"
    assert "101 bytes, limit 100" in caught.value.detail


def test_size_limit_counts_bytes_not_characters():
    parse_article(encoded(text="é" * 50), max_text_bytes=100)
    with pytest.raises(InvalidInput):
        parse_article(encoded(text="é" * 51), max_text_bytes=100)


def test_valid_article_ignores_unknown_fields_and_keeps_offset():
    article = parse_article(encoded(simulation=True, published_at="2022-02-14T12:00:00+02:00"))
    assert article.id == "a1" and article.language == "en"
    assert article.published_at.utcoffset().total_seconds() == 7200
    assert not hasattr(article, "simulation")


def test_records_round_trip_through_json_bytes():
    article = Article.model_validate(GOOD)
    assert Article.model_validate_json(article.to_bytes()) == article
    enriched = EnrichedArticle(article_id="a1", published_at=article.published_at, actors={"RUS": 2})
    assert EnrichedArticle.model_validate_json(enriched.to_bytes()) == enriched
    snapshot = SituationSnapshot(
        situation="s",
        as_of=article.published_at,
        escalation_index=50,
        balance=0.2,
        escalation_weight=1.5,
        deescalation_weight=1.0,
    )
    assert SituationSnapshot.model_validate_json(snapshot.to_bytes()) == snapshot


def test_snapshot_bounds_are_enforced():
    with pytest.raises(ValueError):
        SituationSnapshot(
            situation="s",
            as_of=GOOD["published_at"],
            escalation_index=101,
            balance=0,
            escalation_weight=0,
            deescalation_weight=0,
        )
    with pytest.raises(ValueError):
        SituationSnapshot(
            situation="s",
            as_of=GOOD["published_at"],
            escalation_index=1,
            balance=-1.5,
            escalation_weight=0,
            deescalation_weight=0,
        )


def test_dead_letter_keeps_utf8_payload_as_text():
    letter = dead_letter("validate", "invalid_json: x", b'{"id": 1', "t", 2, 7)
    assert letter.payload == '{"id": 1' and letter.payload_encoding == "utf-8"
    assert (letter.topic, letter.partition, letter.offset) == ("t", 2, 7)
    assert original_payload(letter) == b'{"id": 1'


def test_dead_letter_keeps_binary_payload_as_base64():
    raw = b"\xff\x00\x81binary"
    letter = dead_letter("validate", "not_utf8: x", raw)
    assert letter.payload_encoding == "base64"
    assert base64.b64decode(letter.payload) == raw
    assert original_payload(letter) == raw
