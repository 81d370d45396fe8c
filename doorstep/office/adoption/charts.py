"""The adoption page's charts as plain SVG geometry for the template: no script, no library.
Every chart has a title, a description and the same numbers in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from doorstep.adoption.figures import CohortRow, MonthTrend

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Series:
    label: str
    css: str  # colour and dash pattern: told apart without colour too
    points: str  # "x,y x,y ..." for <polyline>
    dots: list[tuple[float, float, int]]


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    share: int | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    bar_height: float


def trend_chart(trend: list[MonthTrend]) -> LineChart:
    lines = [
        ("Sign-ins", "series-a", [m.sign_ins for m in trend]),
        ("Invoices opened", "series-b", [m.opened for m in trend]),
        ("Payments through the portal", "series-c", [m.payments.portal for m in trend]),
    ]
    top = max([1, *(v for _, _, values in lines for v in values)])
    top = _nice(top)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(trend) - 1)

    def x(i: int) -> float:
        return round(LEFT + (i * step if len(trend) > 1 else inner_w / 2), 1)

    def y(v: int) -> float:
        return round(TOP + inner_h - inner_h * v / top, 1)

    series = [
        Series(
            label,
            css,
            " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values)),
            [(x(i), y(v), v) for i, v in enumerate(values)],
        )
        for label, css, values in lines
    ]
    every = max(1, len(trend) // 6)
    x_ticks = [
        Tick(x(i), HEIGHT - BOTTOM + 18, f"{m.month:%b %Y}")
        for i, m in enumerate(trend)
        if i % every == 0
    ]
    y_ticks = [Tick(LEFT - 6, y(v), str(v)) for v in (0, top // 2, top)]
    return LineChart(WIDTH, HEIGHT, series, x_ticks, y_ticks, y(0))


def funnel_chart(rows: list[CohortRow]) -> BarChart:
    sent = sum(r.sent for r in rows)
    opened = sum(r.opened for r in rows)
    paid = sum(r.paid for r in rows)
    values = [("Sent", sent), ("Opened", opened), ("Paid", paid)]
    bar_h, gap, label_w = 36.0, 14.0, 90
    inner = WIDTH - label_w - 120
    bars = [
        Bar(
            label,
            value,
            TOP + i * (bar_h + gap),
            round(inner * value / sent, 1) if sent else 0,
            round(100 * value / sent) if sent else None,
        )
        for i, (label, value) in enumerate(values)
    ]
    return BarChart(WIDTH, int(TOP * 2 + 3 * bar_h + 2 * gap), bars, bar_h)


def _nice(value: int) -> int:
    """A round top for the axis (10, 20, 50, 100, ...) at or above the largest value."""
    base = 1
    while True:
        for factor in (1, 2, 5):
            if base * factor * 2 >= value and (base * factor * 2) % 2 == 0:
                return base * factor * 2
        base *= 10
