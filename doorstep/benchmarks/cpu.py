"""Where a benchmark's CPU went, process by process (Linux /proc; elsewhere nothing is read).

On a 2-core machine every part of the webhook path shares the same cores: the load generator,
gunicorn, the workers, PostgreSQL and the SMTP sink. A throughput figure alone does not say
which part to make cheaper; CPU milliseconds per delivery, per part, does (docs/benchmarks.md).
Read at two instants around the measured window; a process that ends in between loses its
share (the cluster's processes and PostgreSQL's persistent connections do not end).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    return text[text.rindex(")") + 2 :].split()


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it is gone)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    # After the name: state is fields[0], so utime (field 14) is fields[11], stime fields[12].
    return (int(fields[11]) + int(fields[12])) / TICKS


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (gunicorn's master and its workers)."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else []:
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def seconds(pids: Iterable[int]) -> float:
    return sum(process_seconds(pid) for pid in pids)


def self_seconds() -> float:
    """This process's CPU, every thread (the HTTP clients and the SMTP sink of a benchmark)."""
    times = os.times()
    return times.user + times.system
