"""The Portal Access panel of a customer's page and its buttons: invite, resend the access
link, deactivate (asks first), reactivate, sign out everywhere (asks first). Each button
calls the access app's service (the same ones the admin's panel uses); only roles with
MANAGE_PORTAL_ACCESS see the buttons or may post them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from doorstep.access import invitations, services, two_step
from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.core.errors import DomainError
from doorstep.customers.models import Customer
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render

STATE_WORDS: dict[str | None, str] = {
    None: "Not invited",
    PortalAccountState.INVITED: "Invited (not signed in yet)",
    PortalAccountState.ACTIVE: "Active",
    PortalAccountState.DEACTIVATED: "Deactivated",
}


@dataclass(frozen=True)
class AccessAction:
    label: str
    done: str
    run: Callable[[Office, Customer, PortalAccount | None], Any]
    ask_first: str = ""  # the confirmation's question: destructive actions ask first
    danger: bool = False


def _account_or_refuse(account: PortalAccount | None) -> PortalAccount:
    if account is None:
        raise DomainError("This customer has no portal account yet; invite them first.")
    return account


ACTIONS: dict[str, AccessAction] = {
    "invite": AccessAction(
        "Invite to the portal",
        "Invitation sent.",
        lambda o, c, a: invitations.portal_account_invite(
            company=o.company, customer=c, actor=o.actor
        ),
    ),
    "resend": AccessAction(
        "Resend access link",
        "A fresh access link was sent; earlier links no longer work.",
        lambda o, c, a: invitations.portal_account_resend_link(
            company=o.company, customer=c, actor=o.actor
        ),
    ),
    "deactivate": AccessAction(
        "Deactivate portal access",
        "Portal access deactivated; the customer was signed out everywhere.",
        lambda o, c, a: services.portal_account_deactivate(
            company=o.company, account=_account_or_refuse(a), actor=o.actor
        ),
        ask_first="Deactivate this customer's portal access?",
        danger=True,
    ),
    "reactivate": AccessAction(
        "Reactivate portal access",
        "Portal access reactivated. Send a fresh link so they can sign in.",
        lambda o, c, a: services.portal_account_reactivate(
            company=o.company, account=_account_or_refuse(a), actor=o.actor
        ),
    ),
    "sign-out-everywhere": AccessAction(
        "Sign out everywhere",
        "The customer was signed out everywhere.",
        lambda o, c, a: services.portal_account_sign_out_everywhere(
            company=o.company, account=_account_or_refuse(a), actor=o.actor
        ),
        ask_first="Sign this customer out of every device?",
        danger=True,
    ),
    "reset-two-step": AccessAction(
        "Reset two-step sign-in",
        "Two-step sign-in was turned off; the customer was emailed.",
        lambda o, c, a: two_step.two_step_reset_by_staff(
            company=o.company, account=_account_or_refuse(a), actor=o.actor
        ),
        ask_first="Turn off this customer's two-step sign-in?",
        danger=True,
    ),
}


WHAT_HAPPENS = {
    "deactivate": "Every device they are signed in on is signed out; they cannot sign in "
    "again until reactivated.",
    "reset-two-step": "Their password alone signs them in again (do this only once you are "
    "sure who is asking); their recovery codes stop working and they get an email.",
}


def offered(account: PortalAccount | None) -> list[str]:
    """The buttons that make sense for the account's state."""
    if account is None:
        return ["invite"]
    if account.state == PortalAccountState.DEACTIVATED:
        return ["reactivate"]
    buttons = ["resend", "sign-out-everywhere", "deactivate"]
    if account.password and two_step.two_step_is_on(company=account.company, account=account):
        buttons.append("reset-two-step")
    return buttons


def panel(office: Office, customer: Customer, account: PortalAccount | None) -> dict[str, Any]:
    may = office.may(StaffAction.MANAGE_PORTAL_ACCESS)
    return {
        "account": account,
        "state": STATE_WORDS[account.state if account else None],
        "buttons": [(key, ACTIONS[key]) for key in offered(account)] if may else [],
    }


@require_POST
@office_page(StaffAction.MANAGE_PORTAL_ACCESS)
def access_action(request: HttpRequest, office: Office, pk: int, action: str) -> HttpResponse:
    chosen = ACTIONS.get(action)
    customer = Customer.objects.for_company(office.company).filter(pk=pk).first()
    if chosen is None or customer is None:
        raise Http404("No such customer or action.")
    back = reverse("office:customers:detail", args=[pk]) + "#portal-access"
    account = PortalAccount.objects.for_company(office.company).filter(customer=customer).first()
    if chosen.ask_first and request.POST.get("confirmed") != "1":
        return office_render(
            request,
            office,
            "office/confirm.html",
            {
                "question": chosen.ask_first,
                "details": [
                    ("Customer", customer.name),
                    ("Portal account", account.email if account else "none"),
                    (
                        "What happens",
                        WHAT_HAPPENS.get(
                            action, "Every device they are signed in on is signed out."
                        ),
                    ),
                ],
                "confirm_label": chosen.label,
                "cancel_url": back,
                "danger": chosen.danger,
            },
        )
    try:
        chosen.run(office, customer, account)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, chosen.done)
    return redirect(back)
