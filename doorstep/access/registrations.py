"""Self-registration from an address the company does not know (password mode).

Policy `reject`: nothing happens (the customer is told to contact the office, in the same
words whether or not the address is known). Policy `staff_approval`: once the address is
verified the request waits in the company's one queue (back office: Registrations) and the
office is emailed. Staff choose the customer deliberately (suggested by name or email domain,
never the page they happen to be on) and confirm; that creates a contact and an account and
emails an invitation. Or they decline it. Until then it grants nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.links import office_change_url, portal_url
from doorstep.core.verbs import Verb
from doorstep.customers.models import Contact, Customer
from doorstep.notifications.send_time import derived_token, new_nonce, reference
from doorstep.notifications.services import NotificationSkipped, notification_enqueue
from doorstep.tenancy.models import Company, Membership, RegistrationPolicy, StaffRole

from .events import access_event
from .invitations import invitation_send
from .models import RegistrationRequest, RegistrationState
from .services import LinkRefused, portal_account_provision
from .tokens import token_hash, token_looks_valid

VERIFY_WITHIN = timedelta(hours=24)
REGISTRATION_LINK_KIND = "registration_link"


def registration_link_url_at_send(company: Company, args: list[str]) -> str:
    """Resolver of `[[send-time registration_link ID NONCE]]`: the verification URL."""
    request_id, nonce = args
    raw = derived_token(REGISTRATION_LINK_KIND, nonce)
    request = RegistrationRequest.objects.for_company(company).filter(pk=int(request_id)).first()
    if request is None or token_hash(raw) != request.token_hash:
        raise NotificationSkipped("The registration was replaced; its link is not sent.")
    return portal_url(company, f"register/verify/{raw}")


@transaction.atomic
def registration_request_create(
    *, company: Company, email: str, ip: str | None, name: str = "", phone: str = ""
) -> RegistrationRequest | None:
    if company.settings.registration_policy != RegistrationPolicy.STAFF_APPROVAL:
        access_event(
            company=company,
            ip_address=ip,
            verb=Verb.ACCESS_REGISTRATION_REJECTED,
            message="Registration from an address not on file refused (company policy)",
        )
        return None
    live = RegistrationRequest.objects.for_company(company).filter(
        email=email, state__in=[RegistrationState.UNVERIFIED, RegistrationState.PENDING]
    )
    if live.filter(state=RegistrationState.PENDING).exists():
        return None  # already waiting for staff; do not mail again
    live.delete()  # an older unverified request is replaced by this one
    # The verification link is a bearer secret: the outbox holds a send-time reference and the
    # token is derived from its nonce only when the email goes (notifications.send_time).
    nonce = new_nonce()
    raw = derived_token(REGISTRATION_LINK_KIND, nonce)
    request = RegistrationRequest.objects.create(
        company=company,
        email=email,
        name=name[:200],
        phone=phone[:40],
        token_hash=token_hash(raw),
        expires_at=timezone.now() + VERIFY_WITHIN,
        ip_address=ip,
    )
    notification_enqueue(
        company=company,
        recipient=email,
        template="portal_link",
        context={
            "subject": f"Confirm your email for {company.name}",
            "heading": "Confirm your email address",
            "intro": f"Thanks for registering with {company.name}'s portal. Confirm that this "
            "address is yours; the office then checks your details and emails you an "
            "invitation.",
            "button_label": "Confirm my email",
            "url": reference(REGISTRATION_LINK_KIND, request.pk, nonce),
            "code": "",
            "lifetime": "24 hours",
            "outro": "If you did not register, ignore this email: nothing happens.",
            "portal_url": portal_url(company, "sign-in"),
        },
        secret_keys=["url"],
    )
    audit_record(
        company=company,
        target=request,
        verb=Verb.REGISTRATION_REQUESTED,
        actor=Actor.portal(email, ip),
        message=f"Registration requested by {email} (not on file)",
    )
    return request


def registration_find(*, company: Company, raw: str) -> RegistrationRequest:
    if not token_looks_valid(raw):
        raise LinkRefused("malformed")
    request = (
        RegistrationRequest.objects.for_company(company).filter(token_hash=token_hash(raw)).first()
    )
    if request is None:
        raise LinkRefused("unknown")
    if request.state != RegistrationState.UNVERIFIED:
        raise LinkRefused("used")
    if request.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return request


@transaction.atomic
def registration_verify(*, request: RegistrationRequest, ip: str | None) -> None:
    won = RegistrationRequest.objects.filter(
        pk=request.pk, state=RegistrationState.UNVERIFIED
    ).update(state=RegistrationState.PENDING, verified_at=timezone.now())
    if won != 1:
        raise LinkRefused("used")
    audit_record(
        company=request.company,
        target=request,
        verb=Verb.REGISTRATION_VERIFIED,
        actor=Actor.portal(request.email, ip),
        message="Email verified; waiting for staff approval",
    )
    _office_notify_waiting(request)


def office_inboxes(company: Company) -> list[str]:
    """Where the office hears about work waiting for it: the support inbox (the address
    customers write to, as for new service requests and messages), else the owners."""
    if company.support_email:
        return [company.support_email]
    owners = Membership.objects.filter(
        company=company, role=StaffRole.OWNER, user__is_active=True
    ).exclude(user__email="")
    return sorted(set(owners.values_list("user__email", flat=True)))


def _office_notify_waiting(request: RegistrationRequest) -> None:
    company = request.company
    phone = f", phone {request.phone}" if request.phone else ""
    for inbox in office_inboxes(company):
        notification_enqueue(
            company=company,
            recipient=inbox,
            template="notice",
            context={
                "subject": f"Registration waiting for approval: {request.email}",
                "heading": f"{request.name or request.email} registered on your portal",
                "body": f"{request.name} <{request.email}>{phone} confirmed their email "
                "address, which is not on file. Nothing is shared with them until you choose "
                "which customer they belong to, or decline.",
                "button_url": office_change_url(request),
                "button_label": "Review the registration",
            },
        )


def registrations_pending(*, company: Company) -> list[RegistrationRequest]:
    return list(
        RegistrationRequest.objects.for_company(company).filter(state=RegistrationState.PENDING)
    )


# Everyone's mailbox provider: a shared domain says nothing about which customer someone is.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "fastmail.com",
        "hey.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "videotron.ca",
        "bell.net",
    ]
)
SUGGESTIONS = 10


def registration_suggestions(
    *, company: Company, registration: RegistrationRequest
) -> list[tuple[Customer, str]]:
    """Customers the registrant may belong to, each with the reason, for staff to choose from:
    a contact with the same (non-public) email domain, or a customer or contact name sharing a
    word of the registered name. Only suggestions: staff still choose and confirm."""
    found: dict[int, tuple[Customer, str]] = {}
    customers = Customer.objects.for_company(company).order_by("name", "pk")
    domain = registration.email.rpartition("@")[2].lower()
    if domain and domain not in PUBLIC_MAIL_DOMAINS:
        for customer in customers.filter(contacts__email__iendswith=f"@{domain}").distinct()[
            :SUGGESTIONS
        ]:
            found[customer.pk] = (customer, f"a contact's email is also @{domain}")
    words = [w for w in registration.name.replace(",", " ").split() if len(w) >= 3][:5]
    if words:
        match = Q()
        for word in words:
            match |= Q(name__icontains=word) | Q(contacts__name__icontains=word)
        for customer in customers.filter(match).distinct()[:SUGGESTIONS]:
            found.setdefault(customer.pk, (customer, f"name like “{registration.name}”"))
    return list(found.values())[:SUGGESTIONS]


@transaction.atomic
def registration_approve(
    *, company: Company, request: RegistrationRequest, customer: Any, actor: Actor
) -> None:
    """Attach a verified registration to the customer staff chose and confirmed: a contact
    with that email, a portal account, and an invitation to choose a password. The registrant
    then sees everything of that customer, which is why the back office makes staff choose
    the customer explicitly and confirm (see backoffice/registrations.py)."""
    request = RegistrationRequest.objects.select_for_update().get(pk=request.pk, company=company)
    if request.state != RegistrationState.PENDING:
        raise DomainError("This registration was already handled.")
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.")
    if Contact.objects.for_company(company).filter(email__iexact=request.email).exists():
        raise DomainError(f"{request.email} is already a contact; invite that customer instead.")
    contact = Contact.objects.create(
        company=company,
        customer=customer,
        name=request.name or request.email,
        email=request.email,
        phone=request.phone,
        is_primary=not Contact.objects.filter(customer=customer, is_primary=True).exists(),
    )
    account = portal_account_provision(
        company=company, customer=customer, contact=contact, actor=actor
    )
    request.state = RegistrationState.APPROVED
    request.decided_at = timezone.now()
    request.customer = customer
    request.save(update_fields=["state", "decided_at", "customer"])
    audit_record(
        company=company,
        target=request,
        verb=Verb.REGISTRATION_APPROVED,
        actor=actor,
        message=f"Registration of {request.email} approved for {customer.name}",
        data={"customer_id": customer.pk, "contact_id": contact.pk},
    )
    invitation_send(account=account, actor=actor)


@transaction.atomic
def registration_reject(*, company: Company, request: RegistrationRequest, actor: Actor) -> None:
    updated = RegistrationRequest.objects.filter(
        pk=request.pk, company=company, state=RegistrationState.PENDING
    ).update(state=RegistrationState.REJECTED, decided_at=timezone.now())
    if updated:
        audit_record(
            company=company, target=request, verb=Verb.REGISTRATION_REJECTED, actor=actor,
            message=f"Registration of {request.email} declined",
        )  # fmt: skip
    else:
        raise DomainError("This registration was already handled.")


CUSTOMER_SEARCH_RESULTS = 20


def registration_customer_search(*, company: Company, query: str) -> list[Customer]:
    """Customers of this company whose name or a contact's email contains `query`: the
    deliberate search beside the suggestions when staff choose whom a registrant belongs to."""
    query = query.strip().replace("\x00", "")[:100]
    if not query:
        return []
    return list(
        Customer.objects.for_company(company)
        .filter(Q(name__icontains=query) | Q(contacts__email__icontains=query))
        .distinct()
        .order_by("name", "pk")[:CUSTOMER_SEARCH_RESULTS]
    )


def registration_pending_for_office(
    *, company: Company, registration_id: int
) -> RegistrationRequest | None:
    """One registration waiting for a decision (verified, not yet approved or declined)."""
    return (
        RegistrationRequest.objects.for_company(company)
        .filter(pk=registration_id, state=RegistrationState.PENDING)
        .first()
    )
