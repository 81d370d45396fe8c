"""Back-office pieces for staff: the "Send" invoice action and the customer's Portal Access
section. The admin classes live in other apps; they wire these in (see docs/access.md):

    # billing/admin.py
    class InvoiceAdmin(TenantAdmin):
        actions = [send_invoices, revoke_invoice_links]
    # customers/admin.py
    class CustomerAdmin(PortalAccessAdminMixin, TenantAdmin): ...
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.models import AuditEvent

from .models import PortalAccount, PortalAccountState


def staff_actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.user, request.META.get("REMOTE_ADDR"))


@admin.action(description="Send to customer (email with a “View and pay” link)")
def send_invoices(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """One message per invoice: sent to whom, or why not. One failure stops no other."""
    from doorstep.access.invoice_sending import invoice_send

    for invoice in queryset.select_related("customer", "company__settings"):
        try:
            invoice_send(company=invoice.company, invoice=invoice, actor=staff_actor(request))
        except DomainError as exc:
            messages.error(request, f"{invoice.display_number} not sent: {exc.message}")
        else:
            account = PortalAccount.objects.filter(
                company=invoice.company, customer=invoice.customer
            ).first()
            messages.success(
                request,
                f"{invoice.display_number} sent to {account.email if account else 'the customer'}.",
            )


@admin.action(description="Revoke the emailed “View and pay” links")
def revoke_invoice_links(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    from .invoice_links import invoice_links_revoke

    for invoice in queryset:
        count = invoice_links_revoke(
            company=invoice.company, invoice=invoice, actor=staff_actor(request)
        )
        messages.success(request, f"{invoice.display_number}: {count} link(s) revoked.")


STATE_WORDS = {
    None: "Not invited",
    PortalAccountState.INVITED: "Invited (not signed in yet)",
    PortalAccountState.ACTIVE: "Active",
    PortalAccountState.DEACTIVATED: "Deactivated",
}


def access_events_for_customer(*, company: Any, customer: Any, limit: int = 15) -> list[Any]:
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


def portal_access_panel(request: HttpRequest, customer: Any) -> SafeString:
    """The Portal Access section of the customer's page (safe HTML, CSRF-protected buttons)."""
    company = customer.company
    account = (
        PortalAccount.objects.for_company(company).filter(customer=customer).order_by("pk").first()
    )
    html = render_to_string(
        "access/staff_panel.html",
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


PORTAL_ACCESS_CHANGE_FORM = "access/admin_customer_change_form.html"


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
