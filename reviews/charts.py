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


def histogram(values: list[float], *, title: str, bins: list[float] | None = None, integer: bool = False) -> Histogram:
    """Counts of `values` per bin, laid out for an SVG of fixed size."""
    if integer:
        edges = list(range(int(min(values, default=0)), int(max(values, default=0)) + 2))
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
