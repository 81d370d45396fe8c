"""One click from the customers list: send a fresh invitation (access link) to each chosen
customer who has not signed in yet. Asks first; at most 50 at a time; a customer emailed a
link in the last 10 minutes is skipped (the access app's own per-address limits apply too)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from doorstep.access import invitations
from doorstep.access.models import PortalAccount
from doorstep.adoption.selectors import customers_by_portal_reach
from doorstep.core.errors import DomainError
from doorstep.customers.models import Customer
from doorstep.tenancy.roles import StaffAction

from ..gate import Office, office_page
from ..pages import office_render

AT_MOST = 50
RECENTLY = timedelta(minutes=10)


@require_POST
@office_page(StaffAction.MANAGE_PORTAL_ACCESS)
def resend_invitations(request: HttpRequest, office: Office) -> HttpResponse:
    back = reverse("office:customers:list") + "?portal=never_signed_in"
    ids = _ids(request.POST.getlist("customer") or request.POST.get("customers", "").split(","))
    chosen = list(
        customers_by_portal_reach(
            Customer.objects.for_company(office.company).filter(
                pk__in=ids, archived_at__isnull=True
            ),
            reach="never_signed_in",
        ).order_by("name")[: AT_MOST + 1]
    )
    if not chosen:
        messages.error(request, "Tick the customers to invite again first.")
        return redirect(back)
    if len(chosen) > AT_MOST:
        messages.error(request, f"Choose at most {AT_MOST} customers at a time.")
        return redirect(back)
    if request.POST.get("confirmed") != "1":
        return office_render(
            request,
            office,
            "office/confirm.html",
            {
                "question": f"Send a fresh invitation to {len(chosen)} customer(s)?",
                "details": [
                    ("Customers", ", ".join(c.name for c in chosen)),
                    ("What happens", "Each gets a new access link; earlier links stop working."),
                ],
                "confirm_label": "Resend invitation",
                "cancel_url": back,
                "hidden": {"customers": ",".join(str(c.pk) for c in chosen)},
            },
        )
    recent = set(
        PortalAccount.objects.for_company(office.company)
        .filter(customer__in=chosen, last_link_sent_at__gte=timezone.now() - RECENTLY)
        .values_list("customer_id", flat=True)
    )
    sent, skipped, refused = 0, 0, []
    for customer in chosen:
        if customer.pk in recent:
            skipped += 1
            continue
        try:
            invitations.portal_account_resend_link(
                company=office.company, customer=customer, actor=office.actor
            )
        except DomainError as exc:
            refused.append(f"{customer.name}: {exc.message}")
        else:
            sent += 1
    messages.success(request, f"Invitation sent to {sent} customer(s).")
    if skipped:
        messages.warning(request, f"{skipped} were sent a link in the last 10 minutes: skipped.")
    for line in refused:
        messages.error(request, line)
    return redirect(back)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()][: AT_MOST + 1]
