"""Tiny server-rendered bar charts (SVG, no script, CSP-safe)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Histogram:
    title: str
    bars: list[Bar]
    bar_width: float
    width: int = 360
    height: int = 140


def histogram(values: list[float], *, title: str, bins: list[float] | None = None, integer: bool = False,
              scale: tuple[int, int] | None = None) -> Histogram:
    """Counts of `values` per bin, laid out for an SVG of fixed size. With
    `integer`, one bar per whole number (over `scale`, e.g. (1, 5), if given)."""
    if integer:
        low, high = scale or (int(min(values, default=0)), int(max(values, default=0)))
        edges = list(range(low, high + 2))
    else:
        low, high = min(values, default=0.0), max(values, default=1.0)
        high = high if high > low else low + 1
        edges = bins or [low + (high - low) * i / 8 for i in range(9)]
    counts = [0] * (len(edges) - 1)
    for value in values:
        index = next((i for i in range(len(counts)) if value < edges[i + 1]), len(counts) - 1)
        counts[index] += 1
    chart_height, top = 110, max(counts, default=1) or 1
    width = 360 / max(len(counts), 1)
    bars = [
        Bar(label=str(edges[i]) if integer else f"{edges[i]:.2f}", count=n, x=i * width,
            y=chart_height - chart_height * n / top, height=chart_height * n / top)
        for i, n in enumerate(counts)
    ]
    return Histogram(title=title, bars=bars, bar_width=max(width - 4, 1))


@dataclass(frozen=True)
class LineChart:
    """A cumulative count over days, with the target as a dashed line."""

    title: str
    points: str  # "x,y x,y ..." for <polyline>
    target_y: float | None
    labels: list[tuple[float, str, str]]  # (x, text, text-anchor) under the axis
    summary: str  # for screen readers
    width: int = 360
    height: int = 140


def cumulative(days: list[tuple[str, int]], *, title: str, target: int | None = None) -> LineChart:
    """`days` is (label, count that day) in order; the line climbs to the running total."""
    chart_height, left = 110, 4
    total, running, top = 0, [], max(target or 0, sum(n for _, n in days), 1)
    for _, count in days:
        total += count
        running.append(total)
    step = (360 - 2 * left) / max(len(days) - 1, 1)
    coords = [(left + i * step, chart_height - chart_height * n / top) for i, n in enumerate(running)]
    if len(coords) == 1:
        coords.append((360 - left, coords[0][1]))
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    every = max(1, len(days) // 4)
    shown = sorted({i for i in range(len(days)) if i % every == 0 and len(days) - 1 - i >= every / 2} | {len(days) - 1})
    # The first label starts at the axis, the last ends at it, so neither runs out of the picture.
    labels = [(left + i * step, days[i][0], "start" if i == 0 else "end" if i == len(days) - 1 else "middle")
              for i in shown]
    target_y = chart_height - chart_height * target / top if target else None
    summary = f"{total} of {target} by {days[-1][0]}" if target and days else f"{total} in all"
    return LineChart(title=title, points=points, target_y=target_y, labels=labels, summary=summary)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: float


def score_dots(values: list[float], *, low: float, high: float, width: int = 80, height: int = 18) -> list[Dot]:
    """A paper's scores on the scale, equal scores stacked: a glance at agreement."""
    span = (high - low) or 1
    seen: dict[float, int] = {}
    dots = []
    for value in sorted(values):
        stack = seen.get(value, 0)
        seen[value] = stack + 1
        x = 4 + (width - 8) * (min(max(value, low), high) - low) / span
        dots.append(Dot(x=round(x, 1), y=round(height - 4 - 5 * stack, 1), value=value))
    return dots


@dataclass(frozen=True)
class PairRow:
    """One category: the submitted bar with the accepted bar drawn over it."""

    value: str
    short: str
    submitted: int
    accepted: int
    rate: float
    y: int
    submitted_w: float
    accepted_w: float
    label_x: float


@dataclass(frozen=True)
class PairedBars:
    rows: list[PairRow]
    height: int
    label_width: int
    width: int = 560


def paired_bars(rows: list[dict], *, label_width: int = 230, bar_space: int = 280, row_height: int = 22,
                max_label: int = 28) -> PairedBars:
    """Horizontal bars of submitted and accepted counts on one scale; `rows`
    are dicts with value, submitted, accepted and rate."""
    top = max((r["submitted"] for r in rows), default=1) or 1
    laid = []
    for index, row in enumerate(rows):
        submitted_w = round(bar_space * row["submitted"] / top, 1)
        value = row["value"]
        laid.append(PairRow(
            value=value, short=value if len(value) <= max_label else value[:max_label - 1] + "…",
            submitted=row["submitted"], accepted=row["accepted"], rate=row["rate"], y=index * row_height,
            submitted_w=submitted_w, accepted_w=round(bar_space * row["accepted"] / top, 1),
            label_x=label_width + submitted_w + 6))
    return PairedBars(rows=laid, height=max(len(rows), 1) * row_height + 4, label_width=label_width)
