"""`bench --rls both`: the same pages with row-level security off and on, in the same run.

"Off" is the benchmark's own connection (the database owner or a superuser: policies do not
apply to it); "on" is the same connection after `SET ROLE` to the app role (NOBYPASSRLS), so
every policy runs, exactly as for a web process. The tenant is set per transaction by the
gates either way, so the difference is the policies' cost. Rounds alternate off / on so a
burst of someone else's work on this shared machine lands on both alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from django.db import connection
from django.test.utils import override_settings

from doorstep.tenancy.db_roles import DatabaseRoles, db_roles_apply

from .pages import Visitor
from .plan import Plan, run_rounds
from .report import PageResult


@contextmanager
def rls_on() -> Iterator[None]:
    """This (benchmark-only) connection acts as the app role for the block."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {DatabaseRoles().app}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def roles_ready() -> None:
    db_roles_apply(connection, DatabaseRoles())


# Both modes open the gates' tenant transactions (as a web process with the roles of
# `db_roles` does), so "off" and "on" differ only by the policies; without the switch the app
# role would see no tenant rows at all (docs/adr/0003, "Switching it on").
@override_settings(DOORSTEP_TENANT_TRANSACTIONS=True)
def run_rounds_off_and_on(
    visitor: Visitor,
    plans: list[Plan],
    *,
    rounds: int,
    warmup: int,
    log: Callable[[str], None],
) -> tuple[list[PageResult], list[PageResult]]:
    # Set-up between requests (deleting the stored PDF before a cold render) is the
    # benchmark's own work, not a page's: it runs as the owner in both modes.
    plans = [replace(plan, before_each=_as_owner(plan.before_each)) for plan in plans]
    off: list[PageResult] | None = None
    on: list[PageResult] | None = None
    for index in range(rounds):
        log(f"RLS round {index + 1} of {rounds}: off")
        round_off = run_rounds(visitor, plans, rounds=1, warmup=warmup if index == 0 else 5)
        log(f"RLS round {index + 1} of {rounds}: on")
        with rls_on():
            round_on = run_rounds(visitor, plans, rounds=1, warmup=warmup if index == 0 else 5)
        off = _merge(off, round_off)
        on = _merge(on, round_on)
    assert off is not None and on is not None
    return off, on


def _as_owner(step: Callable[[], None] | None) -> Callable[[], None] | None:
    if step is None:
        return None

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            role = cursor.fetchone()[0]
            cursor.execute("RESET ROLE")
        try:
            step()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {role}")  # our own role name, from current_user

    return run


def _merge(total: list[PageResult] | None, more: list[PageResult]) -> list[PageResult]:
    if total is None:
        return more
    for kept, new in zip(total, more, strict=True):
        kept.sample.extend(new.sample)
        if kept.floor is not None and new.floor is not None:
            kept.floor.extend(new.floor)
    return total


def comparison_table(off: list[PageResult], on: list[PageResult]) -> str:
    lines = [
        "| page | p50 off | p50 on | p50 change | p95 off | p95 on | queries off | queries on |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(off, on, strict=True):
        change = (b.sample.p50 / a.sample.p50 - 1) * 100 if a.sample.p50 else 0.0
        lines.append(
            f"| {a.spec.label} | {a.sample.p50 * 1000:.1f} ms | {b.sample.p50 * 1000:.1f} ms | "
            f"{change:+.1f}% | {a.sample.p95 * 1000:.1f} ms | {b.sample.p95 * 1000:.1f} ms | "
            f"{a.max_queries} | {b.max_queries} |"
        )
    return "\n".join(lines)
