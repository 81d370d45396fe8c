"""billing/balances.py is the only place an invoice's money changes (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import doorstep

MONEY_FIELDS = {"amount_paid", "balance_due", "amount_pending", "action_needed", "paid_at"}
HOME = Path(doorstep.__file__).parent / "billing" / "balances.py"


def _writes(path: Path) -> list[str]:
    """`x.amount_paid = ...`, `x.balance_due += ...` and `.update(amount_pending=...)`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign):
            targets = [node.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            for element in elements:
                if isinstance(element, ast.Attribute) and element.attr in MONEY_FIELDS:
                    found.append(f"{path.name}:{node.lineno} sets .{element.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
        ):
            for keyword in node.keywords:
                if keyword.arg in MONEY_FIELDS:
                    found.append(f"{path.name}:{node.lineno} updates {keyword.arg}")
    return found


def test_only_billing_balances_changes_an_invoice_balance():
    root = Path(doorstep.__file__).parent
    offenders = [
        write
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts and path != HOME
        for write in _writes(path)
    ]
    assert offenders == []


def test_the_check_sees_the_writes_in_balances():
    assert any("amount_paid" in write for write in _writes(HOME))
