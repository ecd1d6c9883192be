"""`sitrep export`: snapshots or claims from the history store as CSV or Parquet, streamed page by page.

One row per snapshot: the 24h figures as columns, the top driver flattened, and each other window's figures as
columns prefixed with its name (`6h_escalation_index`, `7d_balance`, ...). One row per claim with its article.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from streams.history import MAX_PAGE, HistoryStore, Query, all_items

SNAPSHOT_COLUMNS = {
    "situation": "string",
    "as_of": "string",
    "window": "string",
    "escalation_index": "float",
    "balance": "float",
    "escalation_weight": "float",
    "deescalation_weight": "float",
    "articles": "int",
    "sources": "int",
    "claims": "int",
    "alert_level": "string",
    "trend": "float",
    "counted_article_id": "string",
}
DRIVER_COLUMNS = {"claim_id": "string", "speaker_actor": "string", "signal": "string", "weight": "float"}
# The figures every window has (SituationState.window_summary), typed as the 24h ones.
WINDOW_FIGURES = ("escalation_index", "balance", "escalation_weight", "deescalation_weight", "articles", "sources")
WINDOW_COLUMNS = {name: SNAPSHOT_COLUMNS[name] for name in (*WINDOW_FIGURES, "claims")}
CLAIM_COLUMNS = {
    "claim_id": "string",
    "article_id": "string",
    "outlet": "string",
    "published_at": "string",
    "situations": "string",  # ;-separated
    "duplicate_of": "string",
    "speaker_text": "string",
    "speaker_actor": "string",
    "cue": "string",
    "content": "string",
    "kind": "string",
    "signal": "string",
    "category": "string",
    "hedged": "bool",
    "negated": "bool",
    "stance": "string",
    "weight": "float",
    "start": "int",
    "end": "int",
}
OTHER_WINDOWS = ("6h", "7d")


def snapshot_columns() -> dict[str, str]:
    columns = dict(SNAPSHOT_COLUMNS)
    columns.update({f"top_driver_{name}": kind for name, kind in DRIVER_COLUMNS.items()})
    for window in OTHER_WINDOWS:
        columns.update({f"{window}_{name}": kind for name, kind in WINDOW_COLUMNS.items()})
    return columns


def snapshot_row(snapshot: dict) -> dict:
    row = {name: snapshot.get(name) for name in SNAPSHOT_COLUMNS}
    top = snapshot["drivers"][0] if snapshot.get("drivers") else {}
    row.update({f"top_driver_{name}": top.get(name) for name in DRIVER_COLUMNS})
    for window in OTHER_WINDOWS:
        figures = snapshot.get("windows", {}).get(window, {})
        row.update({f"{window}_{name}": as_kind(figures.get(name), kind) for name, kind in WINDOW_COLUMNS.items()})
    return row


def as_kind(value, kind: str):
    """Window figures are stored as floats; counts go out as integers (CSV "3", Parquet int64)."""
    return int(value) if kind == "int" and value is not None else value


def claim_row(claim: dict) -> dict:
    row = {name: claim.get(name) for name in CLAIM_COLUMNS}
    row["situations"] = ";".join(claim.get("situations") or [])
    return row


def export_rows(store: HistoryStore, what: str, situation: str | None, query: Query) -> tuple[dict, Iterator[dict]]:
    """The columns (name -> kind) and the rows of an export, read from the store page by page."""
    if what == "snapshots":
        items = all_items(lambda q: store.snapshot_page(situation, q), query)
        return snapshot_columns(), map(snapshot_row, items)
    items = all_items(lambda q: store.claim_page(q, situation=situation), query)
    return CLAIM_COLUMNS, map(claim_row, items)


def write_csv(columns: dict[str, str], rows: Iterable[dict], out: Path) -> int:
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_parquet(columns: dict[str, str], rows: Iterable[dict], out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in columns.items()])
    count = 0
    rows = iter(rows)
    with pq.ParquetWriter(out, schema) as writer:
        while batch := list(islice(rows, MAX_PAGE)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def export(store: HistoryStore, what: str, situation: str | None, query: Query, fmt: str, out: Path) -> int:
    """Write the export; returns the number of rows."""
    columns, rows = export_rows(store, what, situation, query)
    out.parent.mkdir(parents=True, exist_ok=True)
    return (write_parquet if fmt == "parquet" else write_csv)(columns, rows, out)
