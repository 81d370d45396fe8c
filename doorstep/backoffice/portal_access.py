"""Back office: the Portal Access section of a customer's page and its buttons (invite,
resend, deactivate, reactivate, sign out everywhere), mounted at /office/access/ before the
admin (POST only, CSRF, owners and office staff of the customer's own company).

Registrations waiting for approval are not here: they live in one queue (registrations.py),
so a stranger is never offered for attachment to whichever customer's page is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from doorstep.access import invitations, services
from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.core.errors import DomainError
from doorstep.core.models import AuditEvent
from doorstep.customers.models import Customer
from doorstep.tenancy import rls
from doorstep.tenancy.roles import StaffAction, staff_may

from .tenant_admin import staff_actor

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


STATE_WORDS = {
    None: "Not invited",
    PortalAccountState.INVITED: "Invited (not signed in yet)",
    PortalAccountState.ACTIVE: "Active",
    PortalAccountState.DEACTIVATED: "Deactivated",
}


def access_events_for_customer(
    *, company: Company, customer: Customer, limit: int = 15
) -> list[Any]:
    account_ids = list(
        PortalAccount.objects.for_company(company)
        .filter(customer=customer)
        .values_list("pk", flat=True)
    )
    return list(
        AuditEvent.objects.for_company(company)
        .filter(target_type="portalaccount", target_id__in=account_ids)
        .order_by("-created_at", "-id")[:limit]
    )


def portal_access_panel(request: HttpRequest, customer: Customer) -> SafeString:
    """The Portal Access section of the customer's page (safe HTML, CSRF-protected buttons)."""
    company = customer.company
    account = (
        PortalAccount.objects.for_company(company).filter(customer=customer).order_by("pk").first()
    )
    html = render_to_string(
        "admin/customers/customer/_portal_access.html",
        {
            "customer": customer,
            "company": company,
            "account": account,
            "state": STATE_WORDS[account.state if account else None],
            "events": access_events_for_customer(company=company, customer=customer),
            "portal_enabled": company.settings.portal_enabled,
        },
        request=request,
    )
    return SafeString(html)


PORTAL_ACCESS_CHANGE_FORM = "admin/customers/customer/change_form.html"


class PortalAccessAdminMixin:
    """For the Customer admin: shows the Portal Access section below the change form."""

    # The admin using this mixin sets change_form_template = PORTAL_ACCESS_CHANGE_FORM.

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        extra_context = dict(extra_context or {})
        customer = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if customer is not None:
            extra_context["portal_access"] = portal_access_panel(request, customer)
        return super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )


def _back(request: HttpRequest, customer: Customer) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    try:
        return redirect(reverse("admin:customers_customer_change", args=[customer.pk]))
    except NoReverseMatch:
        return redirect("/office/")


def _staff_customer(request: HttpRequest, customer_id: int) -> Customer | None:
    customer = Customer.objects.select_related("company__settings").filter(pk=customer_id).first()
    # Judged by the role at the customer's own company (owners and office staff).
    if customer is None or not staff_may(
        user=request.user, company=customer.company_id, action=StaffAction.MANAGE_PORTAL_ACCESS
    ):
        raise Http404("No such customer.")
    return customer


def _account(customer: Customer) -> PortalAccount:
    account = PortalAccount.objects.for_company(customer.company).filter(customer=customer).first()
    if account is None:
        raise DomainError("This customer has no portal account yet; invite them first.")
    return account


ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "invite": (
        lambda c, a: invitations.portal_account_invite(company=c.company, customer=c, actor=a),
        "Invitation sent.",
    ),
    "resend": (
        lambda c, a: invitations.portal_account_resend_link(company=c.company, customer=c, actor=a),
        "A fresh access link was sent; earlier links no longer work.",
    ),
    "deactivate": (
        lambda c, a: services.portal_account_deactivate(
            company=c.company, account=_account(c), actor=a
        ),
        "Portal access deactivated; the customer was signed out everywhere.",
    ),
    "reactivate": (
        lambda c, a: services.portal_account_reactivate(
            company=c.company, account=_account(c), actor=a
        ),
        "Portal access reactivated. Send a fresh link so they can sign in.",
    ),
    "sign-out-everywhere": (
        lambda c, a: services.portal_account_sign_out_everywhere(
            company=c.company, account=_account(c), actor=a
        ),
        "The customer was signed out everywhere.",
    ),
}


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    return None


def _customer_company(request: HttpRequest, customer_id: int, action: str) -> int | None:
    # The tenant of the button's request is the customer's company (docs/adr/0003); whether
    # this staff member may act there is judged next, by _staff_customer.
    return rls.tenant_of(Customer, customer_id) if 0 < customer_id < 2**63 else None


@require_POST
@rls.tenant_gate(_customer_company)
def customer_access_action(request: HttpRequest, customer_id: int, action: str) -> HttpResponse:
    if (denied := _staff_only(request)) is not None:
        return denied
    if action not in ACTIONS:
        raise Http404("No such action.")
    customer = _staff_customer(request, customer_id)
    assert customer is not None
    run, done = ACTIONS[action]
    try:
        run(customer, staff_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request, customer)


# Included by urls.py as the "access_staff" namespace.
urlpatterns = [
    path(
        "customers/<int:customer_id>/<slug:action>",
        customer_access_action,
        name="customer_action",
    ),
]
