"""The office's estimates: the list, writing one (the invoices' line editor), the estimate
page with the customer's decision and signature and their questions, and its buttons:
Send (emails the customer a link), answer a comment, turn an accepted estimate into a job."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from doorstep.access.estimate_sending import estimate_send
from doorstep.billing.estimate_pdf import estimate_signed_pdf_bytes, estimate_signed_pdf_filename
from doorstep.billing.estimates import (
    estimate_comment_reply,
    estimate_convert_to_job,
    estimate_create,
)
from doorstep.billing.models import Estimate, EstimateState
from doorstep.billing.pdf_render import pdf_response
from doorstep.core.audit import audit_for
from doorstep.core.errors import DomainError
from doorstep.payments.office_selectors import estimates_for_office
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from ..gate import Office, office_page
from ..invoices.lines import line_formset, typed_totals, with_more_rows
from ..invoices.views import _as_bound, lines_error
from ..pages import office_render, window_of
from .forms import EstimateForm, ReplyForm, estimate_initial

PER_PAGE = 25
HISTORY_SHOWN = 50


def estimate_or_404(office: Office, pk: int) -> Estimate:
    estimate = (
        Estimate.objects.for_company(office.company)
        .select_related("customer", "job")
        .filter(pk=pk)
        .first()
    )
    if estimate is None:
        raise Http404("No such estimate.")
    return estimate


@require_safe
@office_page(StaffAction.SEE_BILLING)
def estimate_list(request: HttpRequest, office: Office) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in EstimateState.values else ""
    query = request.GET.get("q", "")[:100]
    page = window_of(
        request, estimates_for_office(company=office.company, state=state, query=query), PER_PAGE
    )
    return office_render(
        request,
        office,
        "office/estimates/list.html",
        {
            "page": page,
            "state": state,
            "query": query,
            "filters": [("", "All"), *EstimateState.choices],
            "can_edit": office.may(StaffAction.EDIT_BILLING),
            "filter_query": urlencode({k: v for k, v in (("state", state), ("q", query)) if v}),
        },
    )


def _editor(
    request: HttpRequest,
    office: Office,
    form: EstimateForm,
    lines: Any,
    *,
    status: int = 200,
    quiet: bool = False,
) -> HttpResponse:
    totals, readable = typed_totals(lines if lines.is_bound else _as_bound(lines, office))
    return office_render(
        request,
        office,
        "office/estimates/new.html",
        {
            "form": form,
            "lines": lines,
            "line_rows": list(zip(lines.forms, readable, strict=True)),
            "totals": totals,
            "currency": office.company.currency,
            "show_errors": not quiet,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@office_page(StaffAction.EDIT_BILLING)
def estimate_new(request: HttpRequest, office: Office) -> HttpResponse:
    company = office.company
    if request.method == "GET":
        form = EstimateForm(initial=estimate_initial(company_today(company)), company=company)
        return _editor(request, office, form, line_formset(company=company, blank_rows=2))
    lines = line_formset(company=company, data=request.POST)
    if "add_line" in request.POST or "find_customer" in request.POST:
        posted = {name: request.POST.get(name, "") for name in EstimateForm.base_fields}
        form = EstimateForm(initial=posted, company=company, search=posted["customer_search"])
        if "add_line" in request.POST:
            lines = with_more_rows(lines, company)
        return _editor(request, office, form, lines, quiet=True)
    form = EstimateForm(request.POST, company=company)
    if form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            estimate = estimate_create(
                company=company,
                customer=data["customer"],
                title=data["title"],
                issue_date=data["issue_date"],
                expiry_date=data["expiry_date"],
                lines=lines.lines(),
                actor=office.actor,
            )
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                lines_error(lines, error.message)
        else:
            messages.success(request, f"{estimate.display_number} saved as a draft.")
            return redirect("office:estimates:detail", pk=estimate.pk)
    return _editor(request, office, form, lines, status=400)


def _detail(
    request: HttpRequest, office: Office, estimate: Estimate, reply: ReplyForm, status: int = 200
) -> HttpResponse:
    company = office.company
    today = company_today(company)
    history = list(
        audit_for(company=company, target=estimate).order_by("-created_at", "-id")[:HISTORY_SHOWN]
    )
    may_edit = office.may(StaffAction.EDIT_BILLING)
    decided = estimate.state in (EstimateState.ACCEPTED, EstimateState.DECLINED)
    return office_render(
        request,
        office,
        "office/estimates/detail.html",
        {
            "estimate": estimate,
            "lines": list(estimate.lines.all()),
            "comments": list(estimate.comments.all()),
            "history": history,
            "reply": reply,
            "expired": estimate.expired_for_decision(today),
            "can": {
                "send": may_edit and not decided,
                "reply": may_edit and estimate.state != EstimateState.DRAFT,
                "convert": office.may(StaffAction.EDIT_JOBS)
                and estimate.state == EstimateState.ACCEPTED
                and estimate.job_id is None,
            },
        },
        status=status,
    )


@require_safe
@office_page(StaffAction.SEE_BILLING)
def estimate_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _detail(request, office, estimate_or_404(office, pk), ReplyForm())


@require_POST
@office_page(StaffAction.EDIT_BILLING)
def estimate_send_view(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    estimate = estimate_or_404(office, pk)
    again = estimate.state == EstimateState.SENT
    try:
        estimate_send(company=office.company, estimate=estimate, actor=office.actor)
    except DomainError as error:
        messages.error(request, f"{estimate.display_number} was not sent: {error.message}")
    else:
        messages.success(
            request,
            f"{estimate.display_number} {'sent again' if again else 'sent'}: the customer was "
            "emailed a link to it.",
        )
    return redirect("office:estimates:detail", pk=estimate.pk)


@require_POST
@office_page(StaffAction.EDIT_BILLING)
def estimate_reply(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    estimate = estimate_or_404(office, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            estimate_comment_reply(
                company=office.company,
                estimate=estimate,
                body=form.cleaned_data["body"],
                actor=office.actor,
            )
        except DomainError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, "Reply sent to the customer.")
            return redirect("office:estimates:detail", pk=estimate.pk)
    return _detail(request, office, estimate, form, status=400)


@require_POST
@office_page(StaffAction.EDIT_JOBS)
def estimate_convert(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    estimate = estimate_or_404(office, pk)
    try:
        job = estimate_convert_to_job(company=office.company, estimate=estimate, actor=office.actor)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{estimate.display_number} became job {job.display_number}.")
    return redirect("office:estimates:detail", pk=estimate.pk)


@require_safe
@office_page(StaffAction.SEE_BILLING)
def estimate_signed_pdf(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """The customer's signed copy, the same file the portal serves (accepted estimates only)."""
    estimate = estimate_or_404(office, pk)
    return pdf_response(
        estimate_signed_pdf_bytes(company=office.company, estimate=estimate),
        filename=estimate_signed_pdf_filename(estimate),
    )
