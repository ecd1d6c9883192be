"""The indicators over event time: a day-by-day terminal table and a PNG chart from SituationSnapshot records.

Input is what `sitrep replay --offline --snapshots` writes (one snapshot per processed article) or what the worker
publishes on the situation updates topic. Days are UTC days of `as_of`; a day's row is its last snapshot.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib
from pydantic import ValidationError

from agents.records import SituationSnapshot

matplotlib.use("Agg")  # files only, no display
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

ALERT_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828"}
BAND_COLOUR = "#3949ab"  # the index's credible interval
DRIVER_WIDTH = 60  # characters of the top driver shown in the table
ANNOTATIONS = 6  # at most this many driver labels on the chart


@dataclass(frozen=True)
class Point:
    """One snapshot reduced to what the report shows, in the chosen window."""

    situation: str
    at: datetime  # as_of in UTC
    index: float
    low: float | None  # credible interval of the index; None in snapshots written before it existed
    high: float | None
    level: float | None  # its credible level
    balance: float
    alert_level: str
    driver: str | None  # "SPEAKER: content" of the top driver


@dataclass(frozen=True)
class DailyRow:
    situation: str
    day: date
    index: float  # end of day
    low: float | None  # end-of-day credible interval
    high: float | None
    peak: float  # highest index during the day
    balance: float  # end of day
    alert_level: str  # end of day
    snapshots: int
    driver: str | None


def read_snapshots(path: Path) -> list[SituationSnapshot]:
    """Every snapshot of a JSONL file, ordered by (situation, as_of); a bad line is an error naming the line."""
    snapshots = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                snapshots.append(SituationSnapshot.model_validate_json(line))
            except ValidationError as error:
                raise ValueError(f"{path}:{number}: not a SituationSnapshot: {error.errors()[0]['msg']}") from None
    return sorted(snapshots, key=lambda s: (s.situation, s.as_of))


def describe_driver(snapshot: SituationSnapshot) -> str | None:
    if not snapshot.drivers:
        return None
    top = snapshot.drivers[0]
    return f"{top.speaker_actor or top.outlet or 'outlet'}: {' '.join(top.content.split())}"


def to_point(snapshot: SituationSnapshot, window: str) -> Point:
    """The snapshot's index and balance in `window`: its own fields for its main window, else `windows[window]`."""
    if window == snapshot.window:
        index, balance = snapshot.escalation_index, snapshot.balance
        low, high = snapshot.escalation_index_low, snapshot.escalation_index_high
    elif window in snapshot.windows:
        figures = snapshot.windows[window]
        index, balance = figures["escalation_index"], figures["balance"]
        low, high = figures.get("escalation_index_low"), figures.get("escalation_index_high")
    else:
        known = ", ".join([snapshot.window, *snapshot.windows])
        raise ValueError(f"window {window!r} is not in the snapshots (they have: {known})")
    return Point(
        situation=snapshot.situation,
        at=snapshot.as_of.astimezone(UTC),
        index=index,
        low=low,
        high=high,
        level=snapshot.escalation_index_level,
        balance=balance,
        alert_level=snapshot.alert_level,
        driver=describe_driver(snapshot),
    )


def points(snapshots: Iterable[SituationSnapshot], window: str) -> list[Point]:
    return sorted((to_point(s, window) for s in snapshots), key=lambda p: (p.situation, p.at))


def daily_rows(snapshots: Iterable[SituationSnapshot], window: str = "24h") -> list[DailyRow]:
    """One row per situation and UTC day that has snapshots: end-of-day values, the day's peak and top driver."""
    by_day: dict[tuple[str, date], list[Point]] = {}
    for point in points(snapshots, window):
        by_day.setdefault((point.situation, point.at.date()), []).append(point)
    rows = []
    for (situation, day), day_points in by_day.items():
        last = day_points[-1]
        rows.append(
            DailyRow(
                situation=situation,
                day=day,
                index=last.index,
                low=last.low,
                high=last.high,
                peak=max(p.index for p in day_points),
                balance=last.balance,
                alert_level=last.alert_level,
                snapshots=len(day_points),
                driver=last.driver,
            )
        )
    return rows


def truncate(text: str | None, width: int) -> str:
    if not text:
        return "-"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def format_interval(low: float | None, high: float | None) -> str:
    return f"{low:5.1f}–{high:5.1f}" if low is not None and high is not None else f"{'-':^11}"


def format_table(rows: Sequence[DailyRow]) -> str:
    """A plain-text table, one block per situation; `interval` is the index's credible interval (80 % by default)."""
    header = (
        f"{'day':<10}  {'index':>5}  {'interval':^11}  {'peak':>5}  {'balance':>7}  {'alert':<5}  {'snaps':>5}  "
        "top driver"
    )
    lines: list[str] = []
    situation = None
    for row in rows:
        if row.situation != situation:
            situation = row.situation
            lines += (["", f"situation {situation}"] if lines else [f"situation {situation}"]) + [header]
        lines.append(
            f"{row.day.isoformat():<10}  {row.index:5.1f}  {format_interval(row.low, row.high)}  {row.peak:5.1f}  "
            f"{row.balance:+7.2f}  "
            f"{row.alert_level:<5}  {row.snapshots:5d}  {truncate(row.driver, DRIVER_WIDTH)}"
        )
    return "\n".join(lines)


def alert_spans(series: Sequence[Point]) -> list[tuple[datetime, datetime, str]]:
    """Contiguous (start, end, alert level) runs; each run lasts until the next snapshot that changes the level."""
    spans: list[tuple[datetime, datetime, str]] = []
    for point, following in zip(series, [*series[1:], None], strict=True):
        end = following.at if following else point.at
        if spans and spans[-1][2] == point.alert_level:
            spans[-1] = (spans[-1][0], end, point.alert_level)
        else:
            spans.append((point.at, end, point.alert_level))
    return spans


def biggest_moves(series: Sequence[Point]) -> list[Point]:
    """Snapshots after the largest index changes (either way) that name a driver, largest first."""
    moves = [
        (abs(after.index - before.index), after)
        for before, after in zip(series, series[1:], strict=False)
        if after.driver and after.index != before.index
    ]
    return [point for _, point in sorted(moves, key=lambda m: (-m[0], m[1].at))]


def as_steps(times: Sequence[datetime], values: Sequence[float]) -> tuple[list[datetime], list[float]]:
    """A value held until the next time, as explicit corners: fills then cover every step, even a single one."""
    step_times, step_values = [], []
    for moment, following, value in zip(times, [*times[1:], times[-1]], values, strict=True):
        step_times += [moment, following]
        step_values += [value, value]
    return step_times, step_values


def render_png(snapshots: Iterable[SituationSnapshot], path: Path, window: str = "24h") -> None:
    """Escalation index and its credible interval (a band) over event time on alert-level backgrounds, balance below,
    drivers labelled at the biggest moves."""
    series = points(snapshots, window)
    situations = sorted({p.situation for p in series})
    if len(situations) != 1:
        raise ValueError(f"the chart shows one situation; got {situations or 'none'} (choose one with --situation)")
    times = [p.at for p in series]
    figure, (index_axis, balance_axis) = plt.subplots(
        2, 1, figsize=(15, 8.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}, constrained_layout=True
    )
    for start, end, level in alert_spans(series):
        index_axis.axvspan(start, end, color=ALERT_COLOURS[level], alpha=0.13, linewidth=0)
    banded = [p for p in series if p.low is not None and p.high is not None]
    if banded:  # the credible interval as a band around the index
        band_times, lows = as_steps([p.at for p in banded], [p.low for p in banded])
        _, highs = as_steps([p.at for p in banded], [p.high for p in banded])
        index_axis.fill_between(band_times, lows, highs, color=BAND_COLOUR, alpha=0.22, linewidth=0)
    index_axis.step(times, [p.index for p in series], where="post", color="#1a237e", linewidth=1.6)
    index_axis.set_ylim(0, 140)  # headroom above 100 holds the driver labels
    index_axis.set_yticks(range(0, 101, 20))
    index_axis.set_ylabel(f"escalation index ({window})")
    index_axis.set_title(f"{situations[0]}: escalation index over event time (UTC)", loc="left")
    index_axis.grid(axis="y", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.35) for c in ALERT_COLOURS.values()]
    labels = [f"alert {level}" for level in ALERT_COLOURS]
    if banded:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=BAND_COLOUR, alpha=0.35))
        labels.append(f"{banded[-1].level:.0%} credible interval" if banded[-1].level else "credible interval")
    index_axis.legend(handles, labels, loc="lower right", bbox_to_anchor=(1, 1), fontsize=8, ncol=4, frameon=False)

    balances = [p.balance for p in series]
    balance_axis.step(times, balances, where="post", color="#424242", linewidth=1.0)
    step_times, step_balances = as_steps(times, balances)
    for sign, colour, meaning in ((1, "#c62828", "escalation"), (-1, "#2e7d32", "de-escalation")):
        balance_axis.fill_between(
            step_times,
            step_balances,
            0,
            where=[b * sign > 0 for b in step_balances],
            color=colour,
            alpha=0.35,
            linewidth=0,
            label=f"{meaning} outweighs",
        )
    balance_axis.axhline(0, color="black", linewidth=0.6)
    balance_axis.set_ylim(-1.05, 1.05)
    balance_axis.set_ylabel("balance")
    balance_axis.legend(loc="lower left", fontsize=8, ncol=2)
    balance_axis.xaxis.set_major_locator(mdates.DayLocator(interval=2))
    balance_axis.xaxis.set_minor_locator(mdates.DayLocator())
    balance_axis.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    first_day = times[0].replace(hour=0, minute=0, second=0, microsecond=0)
    balance_axis.set_xlim(first_day, max(times[-1], first_day + timedelta(hours=1)))  # ticks on whole days
    figure.draw_without_rendering()  # settle the layout, then freeze it: label placement works in pixels
    figure.set_layout_engine("none")
    annotate_drivers(figure, index_axis, series)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def annotate_drivers(figure, axis, series: Sequence[Point]) -> None:
    """Label the top driver at the biggest moves; a label whose box or leader line would cross another's, or that
    would leave the axes, is tried shifted sideways and one row lower, then skipped."""
    renderer = figure.canvas.get_renderer()
    axis_box = axis.get_window_extent(renderer)
    placed: list[tuple[object, float, float]] = []  # (label box, leader x, leader bottom y) in pixels
    rows = (128, 113)  # label heights in data units, above the 0-100 range
    for point in biggest_moves(series):
        if len(placed) == ANNOTATIONS:
            break
        label = f"{point.at:%d %b %H:%M}\n" + textwrap.fill(truncate(point.driver, 90), width=30)
        target_x, target_y = axis.transData.transform((mdates.date2num(point.at), point.index))
        for height, align in itertools.product(rows, ("center", "right", "left")):  # edges: shift inwards
            note = axis.text(
                point.at,
                height,
                label,
                fontsize=7.5,
                ha=align,
                va="center",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#9e9e9e", "alpha": 0.95},
            )
            box = note.get_window_extent(renderer).expanded(1.1, 1.3)
            inside = axis_box.x0 <= box.x0 and box.x1 <= axis_box.x1 and box.y1 <= axis_box.y1
            if inside and not collides(box, target_x, target_y, placed):
                placed.append((box, target_x, target_y))
                label_bottom = axis.transData.inverted().transform((target_x, box.y0))[1]
                axis.plot([point.at, point.at], [point.index, label_bottom], color="#757575", linewidth=0.7)
                axis.plot([point.at], [point.index], "o", color="#1a237e", markersize=4)
                break
            note.remove()


def collides(box, leader_x: float, leader_bottom: float, placed: Sequence[tuple[object, float, float]]) -> bool:
    """Whether a label box, or its vertical leader line down to its point, crosses any placed label or leader."""
    for other, other_x, other_bottom in placed:
        if box.overlaps(other):
            return True
        if box.x0 <= other_x <= box.x1 and box.y0 <= other.y0 and box.y1 >= other_bottom:
            return True  # the other label's leader runs through this box
        if other.x0 <= leader_x <= other.x1 and other.y1 >= leader_bottom and other.y0 <= box.y0:
            return True  # this leader runs through the other label
    return False
