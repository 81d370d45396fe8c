"""Writes on service requests: submit (customer), approve into a job or decline (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from doorstep.adoption.ledger import activity_record, channel_of_actor
from doorstep.adoption.models import ActivityVerb
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.links import office_change_url, portal_url
from doorstep.core.numbering import number_next
from doorstep.core.uploads import (
    MAX_PHOTO_BYTES,
    PHOTO_KINDS,
    photos_check,
    private_file_store,
)
from doorstep.core.verbs import Verb
from doorstep.customers.models import Location
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot
from doorstep.jobs.services import job_create
from doorstep.notifications.customer_notices import customer_notify
from doorstep.notifications.models import NotificationEvent
from doorstep.notifications.services import notification_enqueue
from doorstep.tenancy.features import feature_on
from doorstep.tenancy.plans import Feature
from doorstep.tenancy.time import company_today

from .models import (
    MAX_PHOTOS,
    RequestStatus,
    ServiceRequest,
    ServiceRequestPhoto,
    ServiceType,
    TimeWindow,
    Urgency,
)

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class NewAddress:
    street: str
    city: str
    region: str = ""
    postal_code: str = ""


DEFAULT_SERVICE_TYPES = ("Repair", "Maintenance", "Installation", "Inspection", "Something else")


@transaction.atomic
def service_types_seed_defaults(*, company: Company) -> None:
    """A company that has not set up its list yet starts from a plain default one (the
    request form needs at least one choice). Never runs again once the company has any."""
    if ServiceType.objects.for_company(company).exists():
        return
    ServiceType.objects.bulk_create(
        [
            ServiceType(company=company, name=name, position=position)
            for position, name in enumerate(DEFAULT_SERVICE_TYPES)
        ],
        ignore_conflicts=True,
    )


def service_requests_accepted(company: Company) -> bool:
    # Taking new requests online, inside a requests section the plan and the company's
    # section switch allow (tenancy/features.py decides those two).
    return bool(
        company.settings.portal_enabled
        and company.settings.service_requests_enabled
        and feature_on(company=company, feature=Feature.REQUESTS)
    )


@transaction.atomic
def service_request_submit(
    *,
    company: Company,
    customer: Any,
    service_type_id: int,
    description: str,
    actor: Actor,
    location_id: int | None = None,
    new_address: NewAddress | None = None,
    preferred_date: date | None = None,
    preferred_window: str = "",
    urgency: str = "",
    photos: list[UploadedFile] | None = None,
    account: Any = None,
) -> ServiceRequest:
    """The customer asks for work. Nothing is stored unless every part is acceptable."""
    if not service_requests_accepted(company):
        raise DomainError(f"{company.name} is not taking service requests online right now.")
    description = (description or "").strip()
    if not description:
        raise DomainError("Please describe what you need.", field="description")
    if len(description) > 4000:
        raise DomainError("Please keep it under 4,000 characters.", field="description")
    if preferred_date is not None and preferred_date < company_today(company):
        raise DomainError("Choose today or a later date.", field="preferred_date")
    if preferred_window not in TimeWindow.values or urgency not in Urgency.values:
        raise DomainError("Choose one of the options offered.", field="urgency")
    service_type = (
        ServiceType.objects.for_company(company).filter(pk=service_type_id, is_active=True).first()
    )
    if service_type is None:
        raise DomainError("Choose a type of service from the list.", field="service_type")
    photos = photos or []
    photos_check(photos, limit=MAX_PHOTOS)
    if new_address is not None:
        if not new_address.street.strip() or not new_address.city.strip():
            raise DomainError("Enter the street and city of the new address.", field="street")
        location = Location.objects.create(
            company=company,
            customer=customer,
            street=new_address.street.strip(),
            city=new_address.city.strip(),
            region=new_address.region.strip(),
            postal_code=new_address.postal_code.strip(),
        )
    else:
        found = (
            Location.objects.for_company(company).filter(customer=customer, pk=location_id).first()
        )
        if found is None:
            raise DomainError("Choose one of your addresses.", field="location")
        location = found
    request = ServiceRequest.objects.create(
        company=company,
        number=number_next(company=company, kind="service_request"),
        customer=customer,
        location=location,
        service_type=service_type,
        description=description,
        preferred_date=preferred_date,
        preferred_window=preferred_window,
        urgency=urgency,
        submitted_by=account,
    )
    for upload in photos:
        private_file_store(
            ServiceRequestPhoto(company=company, request=request),
            upload,
            folder="requests",
            kinds=PHOTO_KINDS,
            max_bytes=MAX_PHOTO_BYTES,
        )
    audit_record(
        company=company,
        target=request,
        verb=Verb.SERVICE_REQUEST_SUBMITTED,
        actor=actor,
        message=f"Request {request.display_number} submitted ({service_type.name})",
        data={"photos": len(photos), "new_address": new_address is not None},
    )
    webhook_emit(
        company=company,
        type="service_request.created",
        data=record_snapshot(company, "service_request", request),
    )
    activity_record(
        company=company,
        verb=ActivityVerb.REQUEST_SUBMITTED,
        object_type="service_request",
        object_id=request.pk,
        actor_type=actor.type,
        customer_id=customer.pk,
        contact_id=getattr(account, "contact_id", None),
        channel=channel_of_actor(actor.type),
    )
    if company.support_email:
        notification_enqueue(
            company=company,
            recipient=company.support_email,
            template="notice",
            context={
                "subject": f"New service request {request.display_number} from {customer.name}",
                "heading": f"{customer.name} asked for {service_type.name}",
                "body": f"{location.one_line}\n\n{description}",
                "button_url": office_change_url(request),
                "button_label": "Review the request",
            },
        )
    return request


def _request_values(request: ServiceRequest) -> dict[str, Any]:
    return {
        "request_number": request.display_number,
        "service_type": request.service_type.name,
        "location": request.location.one_line,
        "job_number": request.job.display_number if request.job else "",
        "reason": request.decline_reason,
    }


@transaction.atomic
def service_request_approve(
    *,
    company: Company,
    request_id: int,
    title: str,
    description: str,
    location_id: int,
    actor: Actor,
) -> ServiceRequest:
    """Create the job from the request. A second click (or a second tab) finds the request
    already approved under the row lock and creates nothing."""
    request = (
        ServiceRequest.objects.select_for_update()
        .select_related("customer", "service_type", "location")
        .get(company=company, pk=request_id)
    )
    if request.status == RequestStatus.APPROVED:
        return request
    if request.status != RequestStatus.PENDING:
        raise DomainError("This request was declined; it cannot be approved now.")
    title = (title or "").strip()
    if not title:
        raise DomainError("Give the job a title.", field="title")
    location = (
        Location.objects.for_company(company)
        .filter(customer=request.customer, pk=location_id)
        .first()
    )
    if location is None:
        raise DomainError("Choose one of the customer's addresses.", field="location")
    job = job_create(
        company=company,
        customer=request.customer,
        location=location,
        title=title[:200],
        description=description.strip(),
        actor=actor,
    )
    request.status, request.job, request.reviewed_at = RequestStatus.APPROVED, job, timezone.now()
    request.save(update_fields=["status", "job", "reviewed_at"])
    audit_record(
        company=company,
        target=request,
        verb=Verb.SERVICE_REQUEST_APPROVED,
        actor=actor,
        message=f"Approved: job {job.display_number} created",
        data={"job_id": job.pk},
    )
    customer_notify(
        company=company,
        customer=request.customer,
        event=NotificationEvent.REQUEST_APPROVED,
        values=_request_values(request),
        button_url=portal_url(company, "requests/"),
        urgent=request.urgency == Urgency.EMERGENCY,
    )
    return request


@transaction.atomic
def service_request_decline(
    *, company: Company, request_id: int, reason: str, actor: Actor
) -> ServiceRequest:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Tell the customer why: a reason is required.", field="reason")
    request = (
        ServiceRequest.objects.select_for_update()
        .select_related("customer", "service_type", "location")
        .get(company=company, pk=request_id)
    )
    if request.status == RequestStatus.DECLINED:
        return request
    if request.status != RequestStatus.PENDING:
        raise DomainError("This request is already approved; cancel the job instead.")
    request.status, request.decline_reason = RequestStatus.DECLINED, reason[:2000]
    request.reviewed_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "reviewed_at"])
    audit_record(
        company=company,
        target=request,
        verb=Verb.SERVICE_REQUEST_DECLINED,
        actor=actor,
        message=f"Declined: {reason}",
    )
    customer_notify(
        company=company,
        customer=request.customer,
        event=NotificationEvent.REQUEST_DECLINED,
        values=_request_values(request),
        button_url=portal_url(company, "requests/"),
    )
    return request
