"""Portal pages: My Service Requests, the request form, one request, its photos."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from doorstep.access.decorators import portal_view
from doorstep.access.portal_sessions import client_ip
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.links import job_path
from doorstep.core.uploads import serve_private_file

from . import selectors
from .forms import NEW_ADDRESS, ServiceRequestForm
from .services import (
    NewAddress,
    service_request_submit,
    service_requests_accepted,
    service_types_seed_defaults,
)


def _page(
    request: HttpRequest, template: str, status: int = 200, **context: object
) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"company": portal.company, "portal": portal, "nav": "requests", **context},
        status=status,
    )


def job_url(company: object, service_request: object) -> str | None:
    """The portal's page of the job an approved request became."""
    job_id = getattr(service_request, "job_id", None)
    if job_id is None:
        return None
    return job_path(company, job_id)  # type: ignore[arg-type]


@portal_view()
def request_list(request: HttpRequest, company_slug: str) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    return _page(
        request,
        "servicerequests/list.html",
        requests=[
            (sr, job_url(portal.company, sr))
            for sr in selectors.service_requests_for_customer(
                company=portal.company, customer=portal.customer
            )
        ],
        accepting=service_requests_accepted(portal.company),
    )


@portal_view()
def request_new(request: HttpRequest, company_slug: str) -> HttpResponseBase:
    portal = request.portal  # type: ignore[attr-defined]
    company, customer = portal.company, portal.customer
    if not service_requests_accepted(company):
        return _page(request, "servicerequests/closed.html", status=403)
    service_types = list(selectors.service_types_offered(company=company))
    if not service_types:
        service_types_seed_defaults(company=company)
        service_types = list(selectors.service_types_offered(company=company))
    form = ServiceRequestForm(
        request.POST or None,
        request.FILES or None,
        locations=selectors.locations_for_customer(company=company, customer=customer),
        service_types=service_types,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            new_address = (
                NewAddress(data["street"], data["city"], data["region"], data["postal_code"])
                if data["location"] == NEW_ADDRESS
                else None
            )
            try:
                created = service_request_submit(
                    company=company,
                    customer=customer,
                    account=portal.account,
                    location_id=None if new_address else int(data["location"]),
                    new_address=new_address,
                    service_type_id=data["service_type"],
                    description=data["description"],
                    preferred_date=data["preferred_date"],
                    preferred_window=data["preferred_window"] or "",
                    urgency=data["urgency"] or "",
                    photos=data["photos"],
                    actor=Actor.portal(portal.account.email, client_ip(request)),
                )
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                return redirect(
                    reverse("servicerequests:detail", args=[company.slug, created.pk])
                    + "?submitted=1"
                )
        return _page(request, "servicerequests/new.html", status=400, form=form)
    return _page(request, "servicerequests/new.html", form=form)


@portal_view()
def request_detail(request: HttpRequest, company_slug: str, request_id: int) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    found = selectors.service_request_for_customer(
        company=portal.company, customer=portal.customer, request_id=request_id
    )
    if found is None:
        raise Http404("No such request.")
    return _page(
        request,
        "servicerequests/detail.html",
        sr=found,
        photos=list(found.photos.all()),
        job_url=job_url(portal.company, found),
        submitted=request.GET.get("submitted") == "1",
    )


@portal_view()
def request_photo(
    request: HttpRequest, company_slug: str, request_id: int, photo_id: int
) -> HttpResponseBase:
    portal = request.portal  # type: ignore[attr-defined]
    photo = selectors.service_request_photo_for_customer(
        company=portal.company, customer=portal.customer, request_id=request_id, photo_id=photo_id
    )
    if photo is None:
        raise Http404("No such photo.")
    return serve_private_file(photo.file, download_name=photo.download_name)
