"""Office pages: the service-request queue, one request, approve into a job, decline.

Both decisions ask first (a confirmation page carrying the form's values) and then call the
servicerequests services, which hold the rules (a second click finds the request decided).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.office.gate import Office, office_page
from doorstep.office.pages import office_render
from doorstep.servicerequests import selectors, services
from doorstep.servicerequests.models import RequestStatus, ServiceRequest
from doorstep.tenancy.roles import StaffAction

from .forms import ApproveForm, DeclineForm

QUEUE_LIMIT = 100
TABS = [
    (RequestStatus.PENDING, "Waiting"),
    (RequestStatus.APPROVED, "Approved"),
    (RequestStatus.DECLINED, "Declined"),
]


@require_safe
@office_page(StaffAction.REVIEW_REQUESTS)
def request_list(request: HttpRequest, office: Office) -> HttpResponse:
    status = request.GET.get("status", RequestStatus.PENDING)
    status = status if status in RequestStatus.values else RequestStatus.PENDING
    rows = list(
        selectors.service_requests_queue(company=office.company, status=status)[:QUEUE_LIMIT]
    )
    return office_render(
        request,
        office,
        "office/requests/list.html",
        {"rows": rows, "status": status, "tabs": TABS, "limit": QUEUE_LIMIT},
    )


def _request_or_404(office: Office, pk: int) -> ServiceRequest:
    found = selectors.service_request_for_office(company=office.company, request_id=pk)
    if found is None:
        raise Http404("No such request.")
    return found


def _detail(
    request: HttpRequest, office: Office, sr: ServiceRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    pending = sr.status == RequestStatus.PENDING
    return office_render(
        request,
        office,
        "office/requests/detail.html",
        {
            "sr": sr,
            "photos": list(sr.photos.all()),
            "approve_form": (forms.get("approve_form") or ApproveForm(service_request=sr))
            if pending
            else None,
            "decline_form": (forms.get("decline_form") or DeclineForm()) if pending else None,
        },
        status=status,
    )


@require_safe
@office_page(StaffAction.REVIEW_REQUESTS)
def request_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _detail(request, office, _request_or_404(office, pk))


def _confirm(
    request: HttpRequest, office: Office, sr: ServiceRequest, form: Any, **context: Any
) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "sr": sr,
            "cancel_url": reverse("office:requests:detail", args=[sr.pk]),
            "hidden": {name: form.data.get(name, "") for name in form.fields},
            **context,
        },
    )


def _field_error(form: Any, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["POST"])
@office_page(StaffAction.REVIEW_REQUESTS)
def request_approve(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    sr = _request_or_404(office, pk)
    if sr.status != RequestStatus.PENDING:
        messages.info(
            request, f"{sr.display_number} was already {sr.get_status_display().lower()}."
        )
        return redirect("office:requests:detail", pk=sr.pk)
    form = ApproveForm(request.POST, service_request=sr)
    if not form.is_valid():
        return _detail(request, office, sr, status=400, approve_form=form)
    data = form.cleaned_data
    if request.POST.get("confirmed") != "1":
        location = dict(form.fields["location"].choices)[data["location"]]  # type: ignore[attr-defined]
        return _confirm(
            request,
            office,
            sr,
            form,
            question=f"Approve {sr.display_number} and create the job?",
            details=[
                ("Customer", sr.customer.name),
                ("Job title", data["title"]),
                ("Address", location),
                ("The customer", "gets an email that the request was approved"),
            ],
            confirm_label="Approve and create the job",
            danger=False,
        )
    try:
        approved = services.service_request_approve(
            company=office.company,
            request_id=sr.pk,
            title=data["title"],
            description=data["description"],
            location_id=data["location"],
            actor=office.actor,
        )
    except DomainError as error:
        _field_error(form, error)
        return _detail(request, office, sr, status=400, approve_form=form)
    assert approved.job is not None
    messages.success(
        request,
        f"{sr.display_number} approved: {approved.job.display_number} created. "
        "The customer was told.",
    )
    return redirect("office:jobs:detail", pk=approved.job.pk)


@require_http_methods(["POST"])
@office_page(StaffAction.REVIEW_REQUESTS)
def request_decline(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    sr = _request_or_404(office, pk)
    if sr.status != RequestStatus.PENDING:
        messages.info(
            request, f"{sr.display_number} was already {sr.get_status_display().lower()}."
        )
        return redirect("office:requests:detail", pk=sr.pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, office, sr, status=400, decline_form=form)
    reason = form.cleaned_data["reason"]
    if request.POST.get("confirmed") != "1":
        return _confirm(
            request,
            office,
            sr,
            form,
            question=f"Decline {sr.display_number} from {sr.customer.name}?",
            details=[
                ("Reason the customer reads", reason),
                ("The customer", "gets an email with it"),
            ],
            confirm_label="Decline the request",
            danger=True,
        )
    try:
        services.service_request_decline(
            company=office.company, request_id=sr.pk, reason=reason, actor=office.actor
        )
    except DomainError as error:
        _field_error(form, error)
        return _detail(request, office, sr, status=400, decline_form=form)
    messages.success(request, f"{sr.display_number} declined. The customer was told why.")
    return redirect("office:requests:list")


@require_safe
@office_page(StaffAction.REVIEW_REQUESTS)
def request_photo(request: HttpRequest, office: Office, pk: int, photo_id: int) -> HttpResponseBase:
    photo = selectors.service_request_photo_for_office(
        company=office.company, request_id=pk, photo_id=photo_id
    )
    if photo is None:
        raise Http404("No such photo.")
    return serve_private_file(photo.file, download_name=photo.download_name)
