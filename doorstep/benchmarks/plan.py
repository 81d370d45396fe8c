"""How each page is measured, and the rounds that spread the requests over the run.

The machine is shared: a burst of someone else's work would land on whichever page happened
to be measured at that moment. So the requests of every page are split into rounds (page A,
B, C ... then A, B, C again), and each request is followed by its floor render.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from doorstep.billing.models import InvoicePdf
from doorstep.billing.pdf import invoice_pdf_context, invoice_pdf_render
from doorstep.portal import selectors

from . import measure
from .pages import PageSpec, Visitor
from .report import PageResult

LATER_WARMUP = 5  # untimed requests before a page's second and later rounds


@dataclass
class Plan:
    spec: PageSpec
    count: int  # timed requests over all rounds
    content_type: str = "text/html"
    floor: Callable[[], Any] | None = None
    before_each: Callable[[], None] | None = None


def plan_for(visitor: Visitor, spec: PageSpec, *, requests: int, pdf_requests: int) -> Plan:
    if spec.kind == "baseline":
        return Plan(spec, requests, content_type="application/json")  # /healthz
    if spec.kind == "pdf_cold":
        invoice = visitor.invoice

        def forget_pdf() -> None:
            InvoicePdf.objects.filter(company=visitor.company, invoice=invoice).delete()

        return Plan(
            spec,
            pdf_requests,
            content_type="application/pdf",
            floor=_pdf_floor(visitor),
            before_each=forget_pdf,
        )
    if spec.kind == "pdf_cached":
        return Plan(spec, requests, content_type="application/pdf")
    captured = measure.capture_page(visitor.client, spec.url, spec.headers)
    return Plan(spec, requests, floor=measure.floor_render(captured))


def _pdf_floor(visitor: Visitor) -> Callable[[], bytes]:
    """The cold PDF's floor: WeasyPrint rendering the same values, no database."""
    company = visitor.company
    invoice = selectors.invoice_for_customer(
        company=company, customer=visitor.customer, invoice_id=visitor.invoice.pk
    )
    assert invoice is not None
    context = invoice_pdf_context(company=company, invoice=invoice)
    return lambda: invoice_pdf_render(company=company, context=context)


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def run_rounds(
    visitor: Visitor,
    plans: list[Plan],
    *,
    rounds: int,
    warmup: int,
    log: Callable[[str], None] = lambda line: None,
) -> list[PageResult]:
    results = [
        PageResult(plan.spec, measure.Sample(), measure.Sample() if plan.floor else None)
        for plan in plans
    ]
    for round_index in range(rounds):
        log(f"Round {round_index + 1} of {rounds}")
        for plan, result in zip(plans, results, strict=True):
            count = _share(plan.count, rounds, round_index)
            if count == 0:
                continue
            warm = warmup if round_index == 0 else min(warmup, LATER_WARMUP)
            if plan.spec.kind == "pdf_cold":  # each cold render is a real render: keep few
                warm = min(2, warmup) if round_index == 0 else 0
            sample, floor = measure.time_requests(
                visitor.client,
                plan.spec.url,
                count=count,
                warmup=warm,
                headers=plan.spec.headers,
                before_each=plan.before_each,
                content_type=plan.content_type,
                floor=plan.floor,
            )
            result.sample.extend(sample)
            if floor and result.floor:
                result.floor.extend(floor)
    return results
