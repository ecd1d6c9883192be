import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from agents.records import Article
from streams.corpus import read_corpus, select_range
from streams.replay import Progress, send_offsets, timestamp_ms


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


def test_replay_refuses_a_corpus_with_invalid_records_and_reports_them(tmp_path, capsys):
    from streams.cli import main

    no_offset = article("late", 4, day=15)
    no_offset["published_at"] = "2022-02-15T04:00:00"
    write_jsonl(tmp_path / "mixed.jsonl", [article("a", 1), no_offset, {"id": "no-text", "published_at": "x"}])
    (tmp_path / "more.json").write_text(json.dumps([article("b", 2, day=16)]))
    code = main(["replay", str(tmp_path), "--offline", "--snapshots", str(tmp_path / "out.jsonl")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out.jsonl").exists()
    assert "2 valid, 2 rejected, 2 selected" in err
    assert "2022-02-14     1" in err and "2022-02-16     1" in err
    assert "mixed.jsonl:2: published_at_without_timezone" in err
    assert "mixed.jsonl:3: " in err and "--skip-invalid" in err


def test_skip_invalid_keeps_the_valid_records_in_the_selected_range(tmp_path, capsys):
    from streams.cli import build_parser, load_corpus_or_report

    write_jsonl(tmp_path / "c.jsonl", [article("a", 1), "not json", article("b", 5), article("c", 9)])
    args = build_parser().parse_args(
        ["replay", str(tmp_path), "--skip-invalid", "--since", "2022-02-14T02:00:00Z", "--until", "2022-02-14T09:00Z"]
    )
    assert [a.id for a in load_corpus_or_report(args)] == ["b"]
    assert "3 valid, 1 rejected, 1 selected" in capsys.readouterr().err


def test_time_bounds_need_a_timezone():
    from streams.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["replay", "x", "--since", "2022-02-14T02:00:00"])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_log_lines_every_tenth_otherwise():
    position = datetime(2022, 2, 24, 6, 10, tzinfo=timezone(timedelta(hours=3)))  # shown in UTC
    log = io.StringIO()
    progress = Progress(total=20, stream=log)
    for done in range(1, 21):
        progress.update(done, position, remaining_seconds=20 - done)
    lines = log.getvalue().splitlines()
    assert len(lines) == 11 and lines[0].startswith("replay: 1/20")  # 0 %, 10 %, ..., 100 %
    assert lines[-1] == "replay: 20/20 100% event time 2022-02-24 03:10 UTC, ETA   0.0s"
    terminal = Terminal()
    bar = Progress(total=4, stream=terminal)
    bar.update(2, position, remaining_seconds=3.5)
    assert (
        terminal.getvalue() == "\r[###############               ] 2/4  50% event time 2022-02-24 03:10 UTC, ETA   3.5s"
    )
    bar.update(4, position, remaining_seconds=0)
    assert terminal.getvalue().endswith("ETA   0.0s\n")


def test_pacing_keeps_the_event_time_gaps_across_offsets():
    kyiv = timezone(timedelta(hours=2))
    articles = [
        Article.model_validate({"id": "a", "published_at": "2022-02-24T05:00:00+02:00", "text": "x"}),
        Article.model_validate({"id": "b", "published_at": datetime(2022, 2, 24, 4, tzinfo=UTC), "text": "y"}),
        Article.model_validate({"id": "c", "published_at": datetime(2022, 2, 24, 9, tzinfo=kyiv), "text": "z"}),
    ]
    # 03:00, 04:00 and 07:00 UTC: one day of news per minute is speed 1440
    assert send_offsets(articles, 1440) == [0.0, 2.5, 10.0]
