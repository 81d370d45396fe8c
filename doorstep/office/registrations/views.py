"""Office pages: the registrations waiting for approval (policy "queue unknown emails").

Approving gives a stranger everything of a customer, so it is deliberate: staff choose the
customer (suggested by email domain or name, or found by search), read a confirmation that
says what the person will see, and confirm. Declining asks first too. The rules and the audit
rows are in access/registrations.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.access.models import RegistrationRequest
from doorstep.access.registrations import (
    registration_approve,
    registration_customer_search,
    registration_pending_for_office,
    registration_reject,
    registration_suggestions,
    registrations_pending,
)
from doorstep.core.errors import DomainError
from doorstep.customers.models import Customer
from doorstep.office.gate import Office, office_page
from doorstep.office.pages import office_render
from doorstep.tenancy.roles import StaffAction

from .forms import ChooseCustomerForm


@require_safe
@office_page(StaffAction.MANAGE_PORTAL_ACCESS)
def registration_list(request: HttpRequest, office: Office) -> HttpResponse:
    return office_render(
        request,
        office,
        "office/registrations/list.html",
        {"rows": registrations_pending(company=office.company)},
    )


def _pending_or_gone(request: HttpRequest, office: Office, pk: int) -> RegistrationRequest | None:
    found = registration_pending_for_office(company=office.company, registration_id=pk)
    if found is None:
        messages.info(request, "That registration is no longer waiting (it was already handled).")
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@office_page(StaffAction.MANAGE_PORTAL_ACCESS)
def registration_approve_view(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    registration = _pending_or_gone(request, office, pk)
    if registration is None:
        return redirect("office:registrations:list")
    query = request.GET.get("q", "")[:100]
    suggestions = registration_suggestions(company=office.company, registration=registration)
    results = registration_customer_search(company=office.company, query=query)
    form = ChooseCustomerForm(request.POST or None, company=office.company)
    if request.method == "POST" and form.is_valid():
        customer: Customer = form.cleaned_data["customer"]
        if request.POST.get("confirmed") != "1":
            return office_render(
                request,
                office,
                "office/confirm.html",
                {
                    "question": f"Make {registration.email} a contact of {customer.name}?",
                    "details": [
                        ("Registered as", f"{registration.name} · {registration.email}"),
                        ("Customer", customer.name),
                        (
                            "What happens",
                            f"They are emailed an invitation to choose a password and then see "
                            f"everything of {customer.name} in the portal: invoices, jobs, "
                            "estimates, documents and messages.",
                        ),
                    ],
                    "confirm_label": f"Yes, make them a contact of {customer.name}",
                    "cancel_url": reverse("office:registrations:approve", args=[pk]),
                    "danger": False,
                    "hidden": {"customer": customer.pk},
                },
            )
        try:
            registration_approve(
                company=office.company, request=registration, customer=customer, actor=office.actor
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                # Never start with the address: the admin capitalises a message's first
                # letter ("Newbie@example.com ...").
                f"Invited {registration.email} to choose a password; they are now a contact "
                f"of {customer.name}.",
            )
            return redirect("office:registrations:list")
    return office_render(
        request,
        office,
        "office/registrations/choose.html",
        {
            "registration": registration,
            "form": form,
            "query": query,
            "suggestions": suggestions,
            "results": results,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@office_page(StaffAction.MANAGE_PORTAL_ACCESS)
def registration_decline_view(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    registration = _pending_or_gone(request, office, pk)
    if registration is None:
        return redirect("office:registrations:list")
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            registration_reject(company=office.company, request=registration, actor=office.actor)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Registration of {registration.email} declined.")
        return redirect("office:registrations:list")
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Decline the registration of {registration.email}?",
            "details": [
                ("Registered as", f"{registration.name} · {registration.email}"),
                ("What happens", "They get no access; the decision stays in the history."),
            ],
            "confirm_label": "Decline the registration",
            "cancel_url": reverse("office:registrations:list"),
            "danger": True,
        },
    )
