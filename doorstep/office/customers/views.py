"""The customers area: the list (search, active or archived), a new customer, the edit page
(details, contacts, service addresses) and the customer's page (everything about them, the
Portal Access panel, staff notes, shared documents, History)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.models import PortalAccount
from doorstep.adoption.selectors import PORTAL_FILTERS, customers_by_portal_reach
from doorstep.billing.search import invoices_of_customer
from doorstep.core.errors import DomainError
from doorstep.core.history import history_of
from doorstep.customers import services
from doorstep.customers.models import Customer
from doorstep.customers.selectors import customer_for_office, customers_for_office
from doorstep.documents.models import Document
from doorstep.documents.selectors import documents_for_customer
from doorstep.jobs.search import jobs_of_customer
from doorstep.messaging.selectors import conversations_for_customer
from doorstep.notifications.document_notices import document_share_and_tell
from doorstep.servicerequests.selectors import service_requests_for_customer
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from ..gate import Office, office_page
from ..pages import office_render, window_of
from . import access
from .forms import (
    ContactFormSet,
    CustomerForm,
    DocumentForm,
    FirstContactForm,
    FirstLocationForm,
    LocationFormSet,
    NotesForm,
)

SHOWN = 10  # rows of each list on the customer's page (the full lists are their own pages)


def _customer(office: Office, pk: int) -> Customer:
    customer = customer_for_office(company=office.company, customer_id=pk)
    if customer is None:
        raise Http404("No such customer.")
    return customer


@office_page(StaffAction.VIEW_OFFICE)
def customer_list(request: HttpRequest, office: Office) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    archived = request.GET.get("show") == "archived"
    portal = request.GET.get("portal", "")
    portal = portal if portal in PORTAL_FILTERS else ""
    rows = customers_for_office(company=office.company, archived=archived, query=query)
    window = window_of(request, customers_by_portal_reach(rows, reach=portal))
    return office_render(
        request,
        office,
        "office/customers/list.html",
        {
            "window": window,
            "query": query,
            "archived": archived,
            "portal": portal,
            "portal_filters": PORTAL_FILTERS.items(),
            "may_invite": office.may(StaffAction.MANAGE_PORTAL_ACCESS),
            "can_edit": office.may(StaffAction.EDIT_CUSTOMERS),
        },
    )


@office_page(StaffAction.EDIT_CUSTOMERS)
def customer_new(request: HttpRequest, office: Office) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CustomerForm(data, prefix="customer")
    contact_form = FirstContactForm(data, prefix="contact")
    location_form = FirstLocationForm(data, prefix="location")
    if data is not None and all(f.is_valid() for f in (form, contact_form, location_form)):
        contact = contact_form.save(commit=False) if contact_form.has_contact() else None
        if contact is not None and not contact.name:
            contact.name = form.cleaned_data["name"]
        location = location_form.save(commit=False) if location_form.has_address() else None
        try:
            customer = services.customer_create(
                company=office.company,
                actor=office.actor,
                customer=form.save(commit=False),
                contact=contact,
                location=location,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{customer.name} was added.")
            return redirect("office:customers:detail", pk=customer.pk)
    return office_render(
        request,
        office,
        "office/customers/new.html",
        {"form": form, "contact_form": contact_form, "location_form": location_form},
        status=400 if data is not None else 200,
    )


def _changed(formset: Any) -> tuple[list[Any], list[Any]]:
    added: list[Any] = []
    changed: list[Any] = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        instance = form.save(commit=False)
        (changed if instance.pk else added).append(instance)
    return added, changed


@office_page(StaffAction.EDIT_CUSTOMERS)
def customer_edit(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    customer = _customer(office, pk)
    data = request.POST if request.method == "POST" else None
    form = CustomerForm(data, instance=customer, prefix="customer")
    contacts = ContactFormSet(
        data,
        instance=customer,
        prefix="contacts",
        queryset=customer.contacts.all(),
    )
    locations = LocationFormSet(
        data, instance=customer, prefix="locations", queryset=customer.locations.all()
    )
    if data is not None and form.is_valid() and contacts.is_valid() and locations.is_valid():
        contact_added, contact_changed = _changed(contacts)
        location_added, location_changed = _changed(locations)
        try:
            services.customer_update(
                company=office.company,
                actor=office.actor,
                customer=form.save(commit=False),
                changed_fields=list(form.changed_data),
                contacts=services.ChildChanges(contact_added, contact_changed),
                locations=services.ChildChanges(location_added, location_changed),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Changes saved.")
            return redirect("office:customers:detail", pk=customer.pk)
    return office_render(
        request,
        office,
        "office/customers/edit.html",
        {"customer": customer, "form": form, "contacts": contacts, "locations": locations},
        status=400 if data is not None else 200,
    )


def _page_context(request: HttpRequest, office: Office, customer: Customer) -> dict[str, Any]:
    company = office.company
    contacts = list(customer.contacts.all())
    account = next(
        (a for c in contacts if (a := getattr(c, "portal_account", None)) is not None), None
    )
    context: dict[str, Any] = {
        "customer": customer,
        "can_edit": office.may(StaffAction.EDIT_CUSTOMERS),
        "contacts": contacts,
        "locations": list(customer.locations.all()),
        "jobs": list(jobs_of_customer(company=company, customer=customer)[:SHOWN]),
        "documents": list(documents_for_customer(company=company, customer=customer)[:SHOWN]),
        "access": access.panel(office, customer, account),
        "notes_form": NotesForm(initial={"notes": customer.internal_notes}),
        "document_form": DocumentForm(),
        "today": company_today(company),
        "history": history_of(
            company=company,
            record=customer,
            related=[
                (
                    PortalAccount,
                    PortalAccount.objects.for_company(company)
                    .filter(customer=customer)
                    .values("pk"),
                ),
                (
                    Document,
                    Document.objects.for_company(company).filter(customer=customer).values("pk"),
                ),
            ],
        ),
    }
    if office.may(StaffAction.SEE_BILLING):
        context["invoices"] = list(invoices_of_customer(company=company, customer=customer)[:SHOWN])
    if office.may(StaffAction.REVIEW_REQUESTS):
        context["requests"] = list(
            service_requests_for_customer(company=company, customer=customer)[:SHOWN]
        )
    if office.may(StaffAction.MESSAGE_CUSTOMERS):
        context["conversations"] = list(
            conversations_for_customer(company=company, customer=customer)[:SHOWN]
        )
    return context


@office_page(StaffAction.VIEW_OFFICE)
def customer_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    customer = _customer(office, pk)
    return office_render(
        request, office, "office/customers/detail.html", _page_context(request, office, customer)
    )


@office_page(StaffAction.EDIT_CUSTOMERS)
def customer_notes(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    customer = _customer(office, pk)
    if request.method != "POST":
        return redirect("office:customers:detail", pk=pk)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            changed = services.customer_notes_save(
                company=office.company,
                actor=office.actor,
                customer=customer,
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error("notes", exc.message)
        else:
            messages.success(request, "Notes saved." if changed else "The notes were unchanged.")
            return redirect(reverse("office:customers:detail", args=[pk]) + "#notes")
    context = _page_context(request, office, customer)
    context["notes_form"] = form
    return office_render(request, office, "office/customers/detail.html", context, status=400)


@office_page(StaffAction.EDIT_CUSTOMERS)
def customer_document(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    customer = _customer(office, pk)
    if request.method != "POST":
        return redirect("office:customers:detail", pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_share_and_tell(
                company=office.company,
                customer=customer,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                actor=office.actor,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
        else:
            messages.success(request, f"{document.title} is shared; {customer.name} was told.")
            return redirect(reverse("office:customers:detail", args=[pk]) + "#documents")
    context = _page_context(request, office, customer)
    context["document_form"] = form
    return office_render(request, office, "office/customers/detail.html", context, status=400)


@office_page(StaffAction.EDIT_CUSTOMERS)
def customer_archive(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Archive (asks first) or restore a customer."""
    customer = _customer(office, pk)
    back = reverse("office:customers:detail", args=[pk])
    restoring = customer.archived_at is not None
    if request.method == "POST" and (restoring or request.POST.get("confirmed") == "1"):
        change = services.customer_restore if restoring else services.customer_archive
        change(company=office.company, actor=office.actor, customer=customer)
        messages.success(
            request,
            f"{customer.name} is back in the list."
            if restoring
            else f"{customer.name} is archived.",
        )
        return redirect(back)
    if restoring:
        return redirect(back)
    return office_render(
        request,
        office,
        "office/confirm.html",
        {
            "question": f"Archive {customer.name}?",
            "details": [
                ("What happens", "The customer leaves the customer list and the search."),
                ("What stays", "Invoices, jobs, documents and portal access stay as they are."),
            ],
            "confirm_label": "Archive customer",
            "cancel_url": back,
            "danger": True,
        },
    )
