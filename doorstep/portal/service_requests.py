"""Portal pages: My Service Requests, the request form, one request, its photos."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.core.errors import DomainError
from doorstep.core.links import job_path
from doorstep.core.uploads import serve_private_file, serve_thumbnail
from doorstep.servicerequests import selectors
from doorstep.servicerequests.models import ServiceRequest
from doorstep.servicerequests.services import (
    NewAddress,
    service_request_submit,
    service_requests_accepted,
    service_types_seed_defaults,
)
from doorstep.tenancy.models import Company

from .gate import portal_page
from .pages import portal_actor, portal_render
from .service_request_form import NEW_ADDRESS, ServiceRequestForm

NAV = "requests"


def job_url(company: Company, service_request: ServiceRequest) -> str | None:
    """The portal's page of the job an approved request became."""
    if service_request.job_id is None:
        return None
    return job_path(company, service_request.job_id)


@portal_page
def request_list(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    company = identity.company
    return portal_render(
        request,
        identity,
        "servicerequests/list.html",
        nav=NAV,
        requests=[
            (sr, job_url(company, sr))
            for sr in selectors.service_requests_for_customer(
                company=company, customer=identity.customer
            )
        ],
        accepting=service_requests_accepted(company),
    )


@portal_page
def request_new(request: HttpRequest, identity: PortalIdentity) -> HttpResponseBase:
    company, customer = identity.company, identity.customer
    if not service_requests_accepted(company):
        return portal_render(
            request, identity, "servicerequests/closed.html", nav=NAV, http_status=403
        )
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
                    account=identity.account,
                    location_id=None if new_address else int(data["location"]),
                    new_address=new_address,
                    service_type_id=data["service_type"],
                    description=data["description"],
                    preferred_date=data["preferred_date"],
                    preferred_window=data["preferred_window"] or "",
                    urgency=data["urgency"] or "",
                    photos=data["photos"],
                    actor=portal_actor(request, identity),
                )
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                return redirect(
                    reverse("servicerequests:detail", args=[company.slug, created.pk])
                    + "?submitted=1"
                )
        return portal_render(
            request, identity, "servicerequests/new.html", nav=NAV, http_status=400, form=form
        )
    return portal_render(request, identity, "servicerequests/new.html", nav=NAV, form=form)


@portal_page
def request_detail(request: HttpRequest, identity: PortalIdentity, request_id: int) -> HttpResponse:
    found = selectors.service_request_for_customer(
        company=identity.company, customer=identity.customer, request_id=request_id
    )
    if found is None:
        raise Http404("No such request.")
    return portal_render(
        request,
        identity,
        "servicerequests/detail.html",
        nav=NAV,
        sr=found,
        photos=list(found.photos.all()),
        job_url=job_url(identity.company, found),
        submitted=request.GET.get("submitted") == "1",
    )


def _photo_or_404(identity: PortalIdentity, request_id: int, photo_id: int) -> Any:
    """One of the customer's own request photos (the photo and its thumbnail share the check)."""
    photo = selectors.service_request_photo_for_customer(
        company=identity.company,
        customer=identity.customer,
        request_id=request_id,
        photo_id=photo_id,
    )
    if photo is None:
        raise Http404("No such photo.")
    return photo


@portal_page
def request_photo(
    request: HttpRequest, identity: PortalIdentity, request_id: int, photo_id: int
) -> HttpResponseBase:
    photo = _photo_or_404(identity, request_id, photo_id)
    return serve_private_file(photo.file, download_name=photo.download_name)


@portal_page
def request_photo_thumb(
    request: HttpRequest, identity: PortalIdentity, request_id: int, photo_id: int
) -> HttpResponseBase:
    photo = _photo_or_404(identity, request_id, photo_id)
    response = serve_thumbnail(photo)
    if response is None:
        raise Http404("This photo has no thumbnail.")
    return response
