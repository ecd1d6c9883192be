import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from streams.corpus import read_corpus, select_range
from streams.records import Article
from streams.replay import send_offsets, timestamp_ms


def article(id_: str, hour: int, day: int = 14) -> dict:
    return {"id": id_, "published_at": f"2022-02-{day:02d}T{hour:02d}:00:00+00:00", "text": f"Report {id_}."}


def write_jsonl(path, records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")


def test_reads_a_directory_of_jsonl_and_json_files_in_event_time_order(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [article("b", 9), article("a", 9), article("c", 1, day=15)])
    (tmp_path / "b.json").write_text(json.dumps([article("d", 5), article("e", 23, day=13)]))
    (tmp_path / "single.json").write_text(json.dumps(article("f", 12)))
    (tmp_path / "notes.txt").write_text("ignored")
    corpus = read_corpus(tmp_path)
    assert [a.id for a in corpus.articles] == ["e", "d", "a", "b", "f", "c"]
    assert corpus.rejected == []
    assert {str(day): n for day, n in corpus.per_day().items()} == {"2022-02-13": 1, "2022-02-14": 4, "2022-02-15": 1}


def test_bad_records_are_reported_with_location_and_reason(tmp_path):
    missing_tz = article("x", 3)
    missing_tz["published_at"] = "2022-02-14T03:00:00"
    write_jsonl(
        tmp_path / "c.jsonl", [article("ok", 1), "{broken", missing_tz, {"id": "y", "text": "t"}, article("ok", 2)]
    )
    corpus = read_corpus(tmp_path / "c.jsonl")
    assert [a.id for a in corpus.articles] == ["ok"]
    reasons = {(r.where.rsplit(":", 1)[1], r.reason) for r in corpus.rejected}
    assert reasons == {
        ("2", "invalid_json"),
        ("3", "published_at_without_timezone"),
        ("4", "missing_published_at"),
        ("5", "duplicate_id"),
    }


def test_unparseable_json_file_is_one_rejected_record(tmp_path):
    (tmp_path / "bad.json").write_text("[{")
    corpus = read_corpus(tmp_path)
    assert corpus.articles == [] and corpus.rejected[0].reason == "invalid_json"


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus not found"):
        read_corpus(tmp_path / "nope.jsonl")


def test_time_range_is_half_open():
    articles = [Article.model_validate(article(str(h), h)) for h in range(6)]
    since = datetime(2022, 2, 14, 2, tzinfo=UTC)
    until = datetime(2022, 2, 14, 4, tzinfo=UTC)
    assert [a.id for a in select_range(articles, since, until)] == ["2", "3"]
    assert [a.id for a in select_range(articles, None, until)] == ["0", "1", "2", "3"]
    assert [a.id for a in select_range(articles, since, None)] == ["2", "3", "4", "5"]


def test_pacing_compresses_event_time_by_speed():
    articles = [Article.model_validate(article(str(h), h)) for h in (0, 1, 3)]
    assert send_offsets(articles, 3600) == [0.0, 1.0, 3.0]
    assert send_offsets(articles, 7200) == [0.0, 0.5, 1.5]
    assert send_offsets(articles, None) == [0.0, 0.0, 0.0]
    assert send_offsets([], 3600) == []
    with pytest.raises(ValueError):
        send_offsets(articles, 0)


def test_message_timestamp_is_published_at_in_milliseconds():
    moment = datetime(2022, 2, 14, 10, tzinfo=timezone(timedelta(hours=2)))
    assert timestamp_ms(moment) == 1644825600000
