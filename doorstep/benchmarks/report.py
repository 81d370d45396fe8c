"""The benchmark's table: targets checked per page, printed and written to var/bench/."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import pages
from .measure import Sample
from .pages import PageSpec


@dataclass
class PageResult:
    spec: PageSpec
    sample: Sample
    floor: Sample | None = None

    @property
    def max_queries(self) -> int:
        return max(self.sample.queries, default=0)

    @property
    def floor_ratio(self) -> float | None:
        if self.floor is None or not self.floor.p95:
            return None
        return self.sample.p95 / self.floor.p95

    def checks(self) -> list[tuple[str, bool]]:
        """(what was required, met?) for this page."""
        p95 = self.sample.p95 * 1000
        found = [(f"<= {pages.MAX_QUERIES} queries", self.max_queries <= pages.MAX_QUERIES)]
        if self.spec.kind == "baseline":
            return []  # a reference point, not a page
        if self.spec.is_html:
            found.append((f"p95 <= {pages.HTML_P95_MS:g} ms", p95 <= pages.HTML_P95_MS))
            ratio = self.floor_ratio
            if ratio is not None:
                found.append(
                    (f"<= {pages.HTML_FLOOR_RATIO:g}x floor", ratio <= pages.HTML_FLOOR_RATIO)
                )
        elif self.spec.kind == "pdf_cold":
            found.append((f"p95 <= {pages.PDF_COLD_P95_MS:g} ms", p95 <= pages.PDF_COLD_P95_MS))
        else:
            found.append((f"p95 <= {pages.PDF_CACHED_P95_MS:g} ms", p95 <= pages.PDF_CACHED_P95_MS))
        return found

    @property
    def met(self) -> bool:
        return all(ok for _, ok in self.checks())


@dataclass
class Report:
    results: list[PageResult]
    environment: dict[str, Any] = field(default_factory=dict)

    @property
    def all_met(self) -> bool:
        return all(result.met for result in self.results)


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f}"


def _queries(sample: Sample) -> str:
    low, high = min(sample.queries, default=0), max(sample.queries, default=0)
    return str(low) if low == high else f"{low}-{high}"


COLUMNS = [
    "Page", "n", "p50 ms", "p95 ms", "queries", "db p50", "cpu+db p95", "floor p50", "floor p95",
    "p95/floor", "targets",
]  # fmt: skip


def table_rows(report: Report) -> list[list[str]]:
    rows = []
    for result in report.results:
        checks = result.checks()
        misses = [text for text, ok in checks if not ok]
        verdict = "MISSED: " + ", ".join(misses) if misses else ("met" if checks else "-")
        ratio = result.floor_ratio
        rows.append(
            [
                result.spec.label,
                str(len(result.sample.times)),
                _ms(result.sample.p50),
                _ms(result.sample.p95),
                _queries(result.sample),
                _ms(result.sample.db_p50),
                _ms(result.sample.busy_p95),
                _ms(result.floor.p50 if result.floor else None),
                _ms(result.floor.p95 if result.floor else None),
                "-" if ratio is None else f"{ratio:.1f}x",
                verdict,
            ]
        )
    return rows


def markdown_table(report: Report) -> str:
    rows = table_rows(report)
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(COLUMNS), rule, *(line(row) for row in rows)])


def markdown(report: Report) -> str:
    env = report.environment
    head = [f"# Doorstep benchmark, {env.get('finished_at', '')}", ""]
    head += [f"- {key.replace('_', ' ')}: {value}" for key, value in env.items()]
    verdict = "every target met" if report.all_met else "some targets MISSED"
    return "\n".join(
        [*head, "", markdown_table(report), "", f"Result: {verdict}.", "", *_statements(report)]
    )


def _statements(report: Report) -> list[str]:
    """The SQL of each page's last timed request, shortened: what to look at first."""
    lines = ["## Statements of one request per page", ""]
    for result in report.results:
        lines.append(f"- {result.spec.label}:")
        for seconds, sql in result.sample.statements:
            short = " ".join(sql.split())
            short = short if len(short) <= 140 else short[:90] + " ... " + short[-45:]
            lines.append(f"  - {seconds * 1000:.2f} ms `{short}`")
    return [*lines, ""]


def as_json(report: Report) -> dict[str, Any]:
    def sample(s: Sample | None) -> dict[str, Any] | None:
        if s is None:
            return None
        return {
            "p50_ms": round(s.p50 * 1000, 3),
            "p95_ms": round(s.p95 * 1000, 3),
            "times_ms": [round(t * 1000, 3) for t in s.times],
            "queries": s.queries,
            "db_ms": [round(t * 1000, 3) for t in s.db_times],
            "cpu_ms": [round(t * 1000, 3) for t in s.cpu_times],
            "last_request_sql": [{"ms": round(t * 1000, 3), "sql": sql} for t, sql in s.statements],
            "bytes": s.size,
        }

    return {
        "environment": report.environment,
        "all_met": report.all_met,
        "pages": [
            {
                "key": r.spec.key,
                "label": r.spec.label,
                "url": r.spec.url,
                "kind": r.spec.kind,
                "request": sample(r.sample),
                "floor": sample(r.floor),
                "checks": [{"target": text, "met": ok} for text, ok in r.checks()],
            }
            for r in report.results
        ],
    }


def report_write(report: Report, folder: Path, now: datetime) -> list[Path]:
    """bench-<time>.md/.json, and latest.md/.json pointing at the same numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    text, data = markdown(report), json.dumps(as_json(report), indent=1)
    written = []
    for name, content in [
        (f"bench-{stamp}.md", text),
        (f"bench-{stamp}.json", data),
        ("latest.md", text),
        ("latest.json", data),
    ]:
        path = folder / name
        path.write_text(content)
        written.append(path)
    return written
