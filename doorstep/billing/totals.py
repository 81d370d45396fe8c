"""A document's totals from its lines: the one home of the rounding rule's sums.

Each line's amount and tax are rounded by core.money (quantity x unit price, half-up; tax on
that amount, half-up); the subtotal and tax are the sums of the rounded line values and the
total is their sum (README, "Money and rounding"). Saving an invoice or an estimate and the
office's line editor (totals as you type) both ask this function, so the page can never show
a total the server would not store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from doorstep.core import money


class PricedLine(Protocol):
    @property
    def quantity(self) -> Decimal: ...
    @property
    def unit_price(self) -> int: ...
    @property
    def tax_rate(self) -> Decimal: ...


@dataclass(frozen=True)
class LineTotal:
    amount: int
    tax: int


@dataclass(frozen=True)
class DocumentTotals:
    lines: list[LineTotal]
    subtotal: int
    tax: int

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def document_totals(lines: Iterable[PricedLine]) -> DocumentTotals:
    computed = []
    for line in lines:
        amount = money.line_amount(Decimal(line.quantity), int(line.unit_price))
        computed.append(LineTotal(amount, money.line_tax(amount, Decimal(line.tax_rate))))
    return DocumentTotals(
        lines=computed,
        subtotal=sum(line.amount for line in computed),
        tax=sum(line.tax for line in computed),
    )
