"""The customer's profile page: contact details, the mobile number for texts (verified by a
texted code), the email address (changed by a link to the new address), the password, and
"sign out everywhere". Also the landing page of the email-change link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doorstep.access import profile as account_profile
from doorstep.access.portal_sessions import PortalIdentity, client_ip
from doorstep.access.services import LinkRefused, passwords_offered
from doorstep.access.two_step import two_step_is_on
from doorstep.core.errors import DomainError
from doorstep.customers.models import Location
from doorstep.notifications import preferences as prefs
from doorstep.notifications.models import CustomerPhone
from doorstep.notifications.sms import sms_configured
from doorstep.tenancy.models import Company

from .gate import link_page, portal_page
from .link_refusals import refused, scanning
from .pages import portal_actor, portal_render

DONE_WORDS = {
    "send_code": "We texted you a 6-digit code. Enter it below.",
    "verify": "Your mobile number is verified. Texts go to it from now on.",
    "remove_phone": "We removed your mobile number. We send you no texts.",
    "change_password": "Your password is changed. Every other device was signed out.",
}


def _act(request: HttpRequest, identity: PortalIdentity, action: str) -> str:
    """Run the posted action; the success message. DomainError on bad input."""
    company, customer = identity.company, identity.customer
    actor = portal_actor(request, identity)
    post = request.POST
    if action == "send_code":
        prefs.phone_verification_start(
            company=company, customer=customer, phone=post.get("phone", ""), actor=actor
        )
    elif action == "verify":
        prefs.phone_verification_confirm(
            company=company, customer=customer, code=post.get("code", ""), actor=actor
        )
    elif action == "remove_phone":
        prefs.phone_remove(company=company, customer=customer, actor=actor)
    elif action == "change_email":
        issued = account_profile.email_change_request(
            company=company, account=identity.account, new_email=post.get("email", ""),
            actor=actor,
        )  # fmt: skip
        return (
            f"We emailed a link to {issued.link.email}. Your address changes when you press "
            "the button in that email (within an hour)."
        )
    elif action == "change_password":
        account_profile.password_change(
            company=company,
            account=identity.account,
            current=post.get("current", ""),
            new=post.get("password", ""),
            keep_session_key=request.COOKIES.get(settings.PORTAL_SESSION_COOKIE),
            ip_address=client_ip(request),
        )
    else:
        raise DomainError("Choose one of the buttons on the page.")
    return DONE_WORDS[action]


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def profile(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    company, customer = identity.company, identity.customer
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            messages.success(request, _act(request, identity, request.POST.get("action", "")))
            return redirect(reverse("portal:profile", args=[company.slug]))
        except DomainError as error:
            errors[error.field or "form"] = error.message
            status = 400
    phone = CustomerPhone.objects.for_company(company).filter(customer=customer).first()
    locations = list(
        Location.objects.for_company(company).filter(customer=customer).order_by("label", "street")
    )
    typed = request.POST if request.method == "POST" else {}
    passwords = passwords_offered(company)
    return portal_render(
        request,
        identity,
        "portal/profile.html",
        nav="profile",
        http_status=status,
        contact=identity.contact,
        account=identity.account,
        phone=phone,
        sms_available=sms_configured(company),
        locations=locations,
        passwords=passwords,
        # Two-step guards password sign-in only: asked (one query) where passwords are offered.
        two_step_on=passwords and two_step_is_on(company=company, account=identity.account),
        errors=errors,
        typed_phone=typed.get("phone", ""),
        typed_email=typed.get("email", ""),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@link_page
def email_confirm(request: HttpRequest, company: Company, token: str) -> HttpResponse:
    """The link emailed to the new address. Opening it changes nothing (scanners open
    links); the button's POST makes the change."""
    over_limit = scanning(request)
    try:
        link = account_profile.email_change_find(company=company, raw=token)
    except LinkRefused as exc:
        return refused(request, company, exc, purpose="change_email", over_limit=over_limit)
    context = {"company": company, "email": link.email, "old": link.account.email}
    if request.method != "POST":
        return render(request, "access/email_confirm.html", context)
    try:
        account_profile.email_change_confirm(
            company=company, link=link, ip_address=client_ip(request)
        )
    except LinkRefused as exc:
        return refused(request, company, exc, purpose="change_email")
    except DomainError as exc:
        return render(
            request, "access/email_confirm.html", {**context, "error": exc.message}, status=409
        )
    return render(request, "access/email_changed.html", context)
