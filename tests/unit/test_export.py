"""`sitrep export`: the history store's snapshots and claims as CSV and Parquet, through the command line."""

from __future__ import annotations

import csv

import pyarrow.parquet as pq
import pytest

from streams.cli import main
from streams.history import SQLITE_FILE, HistoryStore
from tests.unit.test_history_store import T0, article, snapshot


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_DATA_DIR", str(tmp_path / "data"))
    from streams.settings import get_settings

    get_settings.cache_clear()
    store = HistoryStore(f"sqlite:///{tmp_path / 'data' / SQLITE_FILE}")
    snapshots = [snapshot(i, hours=i) for i in range(1200)]  # more than one page of the store
    for i, s in enumerate(snapshots):
        s.windows = {"6h": {"escalation_index": 10.0 + i, "articles": 3.0}, "7d": {"escalation_index": 2.0}}
    store.write_snapshots([*snapshots, snapshot(5000, 1, situation="other")])
    store.write_claims([article(i, i, ["escalation", "neutral"], ["russia-ukraine"]) for i in range(3)])
    store.close()
    yield tmp_path
    get_settings.cache_clear()


def test_snapshots_to_csv_one_row_each_with_the_other_windows_flattened(data_dir):
    out = data_dir / "out" / "snapshots.csv"
    assert main(["export", "snapshots", "--situation", "russia-ukraine", "--format", "csv", "--out", str(out)]) == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1200
    assert rows[7]["counted_article_id"] == "a007"
    flattened = (rows[7]["6h_escalation_index"], rows[7]["6h_articles"], rows[7]["7d_escalation_index"])
    assert flattened == ("17.0", "3", "2.0")
    assert rows[7]["as_of"] == "2022-02-14T07:00:00Z"


def test_a_time_range_of_claims_to_parquet(data_dir):
    out = data_dir / "claims.parquet"
    since = (T0.replace(hour=1)).isoformat()
    assert main(["export", "claims", "--since", since, "--format", "parquet", "--out", str(out)]) == 0
    table = pq.read_table(out)
    assert table.column("claim_id").to_pylist() == ["a001:0", "a001:1", "a002:0", "a002:1"]
    assert table.column("article_id").to_pylist()[0] == "a001"
    assert table.column("situations").to_pylist()[0] == "russia-ukraine"
    assert str(table.schema.field("weight").type) == "double"


def test_snapshots_to_parquet_keeps_counts_as_integers(data_dir):
    out = data_dir / "snapshots.parquet"
    assert main(["export", "snapshots", "--situation", "other", "--format", "parquet", "--out", str(out)]) == 0
    table = pq.read_table(out)
    assert table.num_rows == 1
    assert str(table.schema.field("6h_articles").type) == "int64"


def test_snapshots_need_a_situation_and_a_missing_store_is_one_line(tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as usage:
        main(["export", "snapshots", "--out", str(tmp_path / "x.csv")])
    assert usage.value.code == 2
    monkeypatch.setenv("SITREP_DATA_DIR", str(tmp_path / "empty"))
    from streams.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["export", "claims", "--out", str(tmp_path / "x.csv")]) == 1
    finally:
        get_settings.cache_clear()
    assert "no history store at" in capsys.readouterr().err.strip().splitlines()[-1]
