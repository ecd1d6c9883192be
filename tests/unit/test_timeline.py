from datetime import UTC, datetime, timedelta, timezone

import pytest

from agents.records import Driver, SituationSnapshot
from streams.timeline import alert_spans, biggest_moves, daily_rows, format_table, points, read_snapshots, render_png

START = datetime(2022, 2, 10, tzinfo=UTC)


def snapshot(hours: float, index: float, balance: float = 0.0, alert: str = "green", **extra) -> SituationSnapshot:
    driver = extra.pop("driver", None)
    return SituationSnapshot(
        situation=extra.pop("situation", "russia-ukraine"),
        as_of=extra.pop("as_of", START + timedelta(hours=hours)),
        escalation_index=index,
        balance=balance,
        escalation_weight=max(balance, 0),
        deescalation_weight=max(-balance, 0),
        alert_level=alert,
        drivers=[
            Driver(claim_id="c", article_id="a", speaker_actor="NATO", content=driver, signal="escalation", weight=1)
        ]
        if driver
        else [],
        windows={"6h": {"escalation_index": index / 2, "balance": balance / 2}},
        **extra,
    )


def test_daily_rows_take_the_last_snapshot_of_each_utc_day():
    kyiv = timezone(timedelta(hours=2))
    snapshots = [
        snapshot(1, 20, 0.2, driver="troops massing"),
        snapshot(5, 60, 0.6, alert="amber", driver="an attack could come any day"),
        snapshot(9, 40, 0.4, alert="amber"),
        # 01:00 on 11 Feb in Kyiv is still 10 Feb in UTC
        snapshot(0, 35, -0.1, alert="amber", as_of=datetime(2022, 2, 11, 1, tzinfo=kyiv)),
        snapshot(30, 10, -0.5, driver="some drills are ending"),
    ]
    rows = daily_rows(snapshots)
    assert [(str(r.day), r.index, r.peak, r.balance, r.alert_level, r.snapshots) for r in rows] == [
        ("2022-02-10", 35, 60, -0.1, "amber", 4),
        ("2022-02-11", 10, 10, -0.5, "green", 1),
    ]
    assert rows[0].driver is None and rows[1].driver == "NATO: some drills are ending"


def test_other_windows_come_from_the_snapshot_windows_field():
    rows = daily_rows([snapshot(1, 40, 0.8)], window="6h")
    assert (rows[0].index, rows[0].balance) == (20, 0.4)
    with pytest.raises(ValueError, match="window '7d' is not in the snapshots"):
        daily_rows([snapshot(1, 40)], window="7d")


def test_table_has_a_block_per_situation_and_truncates_long_drivers():
    long_driver = "officials believe the forces could be used " * 5
    table = format_table(daily_rows([snapshot(1, 12.345, 0.25, driver=long_driver), snapshot(2, 5, situation="other")]))
    lines = table.splitlines()
    assert lines[0] == "situation other" and "situation russia-ukraine" in lines
    row = next(line for line in lines if line.startswith("2022-02-10") and "NATO" in line)
    assert " 12.3 " in row and "+0.25" in row and row.endswith("…")
    assert len(row.split("NATO")[1]) < len(long_driver)


def test_table_prints_the_credible_interval_of_the_index():
    with_interval = snapshot(1, 42.0, escalation_index_low=30.25, escalation_index_high=55.0)
    before_intervals = snapshot(30, 12.0)  # a snapshot written before the interval existed
    rows = daily_rows([with_interval, before_intervals])
    assert (rows[0].low, rows[0].high) == (30.25, 55.0) and rows[1].low is None
    lines = format_table(rows).splitlines()
    assert "interval" in lines[1]
    assert " 42.0   30.2– 55.0 " in lines[2]
    assert " 12.0       -      " in lines[3]


def test_other_windows_carry_their_own_interval():
    figures = {"escalation_index": 20.0, "balance": 0.1, "escalation_index_low": 9.0, "escalation_index_high": 33.0}
    [row] = daily_rows([snapshot(1, 40).model_copy(update={"windows": {"6h": figures}})], window="6h")
    assert (row.index, row.low, row.high) == (20.0, 9.0, 33.0)


def test_alert_spans_merge_runs_and_last_until_the_next_change():
    series = points(
        [snapshot(0, 1), snapshot(1, 2), snapshot(2, 50, alert="amber"), snapshot(4, 80, alert="red")], "24h"
    )
    spans = [(start.hour, end.hour, level) for start, end, level in alert_spans(series)]
    assert spans == [(0, 2, "green"), (2, 4, "amber"), (4, 4, "red")]


def test_biggest_moves_rank_changes_either_way_and_need_a_driver():
    series = points(
        [
            snapshot(0, 10, driver="first"),
            snapshot(1, 50, driver="big rise"),
            snapshot(2, 45, driver="small fall"),
            snapshot(3, 5, driver="big fall"),
            snapshot(4, 90),  # largest move, but nothing to name
        ],
        "24h",
    )
    assert [p.driver for p in biggest_moves(series)] == ["NATO: big rise", "NATO: big fall", "NATO: small fall"]


def test_read_snapshots_orders_by_situation_and_time_and_names_a_bad_line(tmp_path):
    path = tmp_path / "snapshots.jsonl"
    later, earlier = snapshot(5, 10), snapshot(1, 20)
    path.write_text(later.model_dump_json() + "\n\n" + earlier.model_dump_json() + "\n")
    assert [s.escalation_index for s in read_snapshots(path)] == [20, 10]
    path.write_text(earlier.model_dump_json() + '\n{"situation": "x"}\n')
    with pytest.raises(ValueError, match=r"snapshots.jsonl:2: not a SituationSnapshot"):
        read_snapshots(path)


def test_render_png_writes_a_chart(tmp_path):
    snapshots = [
        snapshot(
            hour * 6,
            index=min(100, hour * 3 % 97),
            balance=((hour % 9) - 4) / 4,
            alert=("green", "amber", "red")[hour // 30 % 3],
            driver=f"driver number {hour} said something notable about troops near the border",
        )
        for hour in range(90)
    ]
    out = tmp_path / "charts" / "timeline.png"
    render_png(snapshots, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_png_draws_the_interval_as_a_band(tmp_path):
    """The same index with and without its interval: the band tints a wide area (20-80 of the 0-140 axis) blue."""
    from matplotlib.image import imread

    def chart(interval: dict):
        render_png([snapshot(hour * 6, 50.0, **interval) for hour in range(40)], tmp_path / "band.png")
        return imread(tmp_path / "band.png")[..., :3]

    plain = chart({})
    banded = chart({"escalation_index_low": 20.0, "escalation_index_high": 80.0, "escalation_index_level": 0.8})
    tinted = (banded[..., 2] - banded[..., 0]) - (plain[..., 2] - plain[..., 0]) > 0.05
    assert tinted.mean() > 0.1


def test_render_png_refuses_several_situations(tmp_path):
    with pytest.raises(ValueError, match="--situation"):
        render_png([snapshot(1, 5), snapshot(2, 5, situation="other")], tmp_path / "x.png")


def test_label_boxes_and_leader_lines_must_not_cross():
    from matplotlib.transforms import Bbox

    from streams.timeline import collides

    placed = [(Bbox([[100, 400], [200, 450]]), 150.0, 100.0)]  # a label above its point at (150, 100)
    assert collides(Bbox([[180, 420], [280, 470]]), 230, 100, placed)  # boxes overlap
    assert collides(Bbox([[120, 300], [220, 350]]), 170, 50, placed)  # lower box sits on the other's leader line
    assert collides(
        Bbox([[190, 300], [290, 350]]), 200, 20, [(Bbox([[150, 200], [260, 250]]), 170.0, 150.0)]
    )  # my leader
    assert not collides(Bbox([[210, 400], [310, 450]]), 260, 100, placed)  # side by side
    assert not collides(Bbox([[160, 300], [260, 350]]), 210, 250, placed)  # below, clear of the leader at x=150


def test_steps_hold_each_value_until_the_next_time():
    from streams.timeline import as_steps

    times = [START, START + timedelta(hours=1), START + timedelta(hours=3)]
    assert as_steps(times, [0.5, -0.2, 0.1]) == (
        [times[0], times[1], times[1], times[2], times[2], times[2]],
        [0.5, 0.5, -0.2, -0.2, 0.1, 0.1],
    )
