"""Back office: invoices with their lines, payments and refunds, in one page.

Numbers come from number_next, totals from invoice_recalculate, state changes (open, void,
send) from the services. The "Record a payment" page and the payments shown on an invoice are
in invoice_payments.py; the line inlines shared with estimates in lines.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from doorstep.access.invoice_links import invoice_links_revoke
from doorstep.access.invoice_sending import invoice_send
from doorstep.access.models import PortalAccount
from doorstep.billing.customer_balances import balance_refresh
from doorstep.billing.invoices import invoice_open, invoice_recalculate, invoice_void
from doorstep.billing.models import CustomerStatus, Invoice, InvoiceState
from doorstep.core.errors import DomainError
from doorstep.core.money import format_money
from doorstep.core.numbering import number_next
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from .forms import TenantForm
from .history import AuditedAdmin
from .invoice_payments import InvoicePaymentsInline, invoice_refund_links, record_payment_view
from .lines import LineItemInline, MoneyColumns
from .search import with_number_match
from .tenant_admin import staff_actor, staff_companies, staff_may_on


class CompanyDefaultSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", "Use the company setting"),
            ("true", "Allow"),
            ("false", "Do not allow"),
        ]


def _staff_today(request: HttpRequest) -> Any:
    company = None if request.user.is_superuser else staff_companies(request).first()
    return company_today(company) if company else timezone.localdate()


class CustomerStatusFilter(admin.SimpleListFilter):
    """The status the customer sees (billing.models.Invoice.customer_status) as a filter."""

    title = "customer status"
    parameter_name = "customer_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return CustomerStatus.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> Any:
        value = self.value()
        if not value:
            return queryset
        today = _staff_today(request)
        owing = Q(state=InvoiceState.OPEN, balance_due__gt=0)
        rules = {
            CustomerStatus.DRAFT: Q(state=InvoiceState.DRAFT),
            CustomerStatus.VOID: Q(state=InvoiceState.VOID),
            CustomerStatus.PAID: Q(state=InvoiceState.OPEN, balance_due__lte=0),
            CustomerStatus.PAYMENT_PENDING: owing & Q(amount_pending__gt=0),
            CustomerStatus.OVERDUE: owing & Q(amount_pending=0, due_date__lt=today),
            CustomerStatus.PARTIALLY_PAID: owing
            & Q(amount_pending=0, due_date__gte=today, amount_paid__gt=0),
            CustomerStatus.UNPAID: owing & Q(amount_pending=0, due_date__gte=today, amount_paid=0),
        }
        return queryset.filter(rules[CustomerStatus(value)]) if value in rules else queryset


@admin.action(description="Send to customer (email with a “View and pay” link)")
def send_invoices(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """One message per invoice: sent to whom, or why not. One failure stops no other."""
    for invoice in queryset.select_related("customer", "company__settings"):
        try:
            invoice_send(company=invoice.company, invoice=invoice, actor=staff_actor(request))
        except DomainError as exc:
            messages.error(request, f"{invoice.display_number} not sent: {exc.message}")
        else:
            account = (
                PortalAccount.objects.for_company(invoice.company)
                .filter(customer=invoice.customer)
                .first()
            )
            messages.success(
                request,
                f"{invoice.display_number} sent to {account.email if account else 'the customer'}.",
            )


@admin.action(description="Revoke the emailed “View and pay” links")
def revoke_invoice_links(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for invoice in queryset:
        count = invoice_links_revoke(
            company=invoice.company, invoice=invoice, actor=staff_actor(request)
        )
        messages.success(request, f"{invoice.display_number}: {count} link(s) revoked.")


class InvoiceForm(TenantForm):
    class Meta:
        widgets = {"partial_payments": CompanyDefaultSelect}
        model = Invoice
        fields = [
            "company",
            "customer",
            "job",
            "kind",
            "issue_date",
            "due_date",
            "partial_payments",
            "notes",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        issue, due = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue and due and due < issue:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        customer, job = cleaned.get("customer"), cleaned.get("job")
        invoice = self.instance
        if (
            invoice.pk
            and customer
            and customer.pk != invoice.customer_id
            and (invoice.amount_paid or invoice.amount_pending or invoice.sent_at)
        ):
            self.add_error("customer", "This invoice was sent or paid; it stays with its customer.")
        if customer and job and job.customer_id != customer.pk:
            self.add_error("job", "That job belongs to another customer.")
        return cleaned


@admin.register(Invoice)
class InvoiceAdmin(MoneyColumns, AuditedAdmin):
    view_action = StaffAction.SEE_BILLING
    change_action = StaffAction.EDIT_BILLING
    form = InvoiceForm
    # Lines, then every payment attempt on the invoice (failed too) with fee and net.
    inlines = [LineItemInline, InvoicePaymentsInline]
    list_display = [
        "display_number",
        "customer",
        "issue_date",
        "due_date",
        "total_display",
        "balance_display",
        "status_display",
    ]
    list_filter = [CustomerStatusFilter, "state", "kind", "issue_date", "due_date"]
    list_select_related = ["customer", "company"]
    search_fields = ["customer__name", "customer__contacts__email", "notes"]
    autocomplete_fields = ["customer", "job"]
    date_hierarchy = "issue_date"
    actions = ["open_invoices", send_invoices, revoke_invoice_links, "void_invoices"]

    @admin.display(description="Refund")
    def refund_links(self, invoice: Invoice) -> str:
        return invoice_refund_links(self, invoice)

    readonly_fields = [
        "display_number",
        "state",
        "status_display",
        "subtotal_display",
        "tax_display",
        "total_display",
        "paid_display",
        "balance_display",
        "record_payment",
        "refund_links",
        "sent_at",
        "first_viewed_at",
        "last_viewed_at",
        "paid_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["company", "display_number", "customer", "job", "kind", "notes"]},
        ),
        ("Dates", {"fields": ["issue_date", "due_date", "partial_payments"]}),
        (
            "Totals (computed from the lines)",
            {
                "fields": [
                    "subtotal_display",
                    "tax_display",
                    "total_display",
                    "paid_display",
                    "balance_display",
                    "record_payment",
                    "refund_links",
                ]
            },
        ),
        (
            "Status",
            {
                "fields": [
                    "state",
                    "status_display",
                    "sent_at",
                    "first_viewed_at",
                    "last_viewed_at",
                    "paid_at",
                ]
            },
        ),
    ]

    @admin.display(description="Number", ordering="number")
    def display_number(self, obj: Invoice) -> str:
        return obj.display_number if obj.pk else "(given on save)"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # The money buttons show only to those whose role at this company allows them.
        hidden = {
            name
            for name, action in (
                ("record_payment", StaffAction.RECORD_PAYMENT),
                ("refund_links", StaffAction.REFUND),
            )
            if obj is None or not staff_may_on(request, action, obj)
        }
        return [
            (title, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for title, opts in super().get_fieldsets(request, obj)
        ]

    @admin.display(description="Amount paid")
    def paid_display(self, obj: Invoice) -> str:
        return format_money(obj.amount_paid, obj.currency) if obj.pk else "-"

    @admin.display(description="Balance due", ordering="balance_due")
    def balance_display(self, obj: Invoice) -> str:
        return format_money(obj.balance_due, obj.currency) if obj.pk else "-"

    @admin.display(description="Payment")
    def record_payment(self, obj: Invoice) -> str:
        if not obj.pk or obj.state != InvoiceState.OPEN or obj.balance_due <= 0:
            return "-"
        url = reverse("admin:billing_invoice_record_payment", args=[obj.pk])
        return format_html('<a class="button" href="{}">Record a payment</a>', url)

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<path:object_id>/record-payment/",
                self.admin_site.admin_view(self.record_payment_page),
                name="billing_invoice_record_payment",
            )
        ]
        return extra + super().get_urls()

    def record_payment_page(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return record_payment_view(self, request, object_id)

    @admin.display(description="Customer status")
    def status_display(self, obj: Invoice) -> str:
        if not obj.pk:
            return "-"
        return obj.customer_status(company_today(obj.company)).label

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        return with_number_match(queryset, found, search_term), duplicates

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.state == InvoiceState.VOID:
            return False  # a void invoice is kept as it was
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a draft never sent may go; anything the customer saw is voided instead.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or (obj.state == InvoiceState.DRAFT and not obj.sent_at))

    def save_model(self, request: HttpRequest, obj: Invoice, form: ModelForm, change: bool) -> None:
        if not change:
            if not getattr(obj, "company_id", None):
                obj.company = form.form_company()  # type: ignore[attr-defined]
            obj.number = number_next(company=obj.company, kind="invoice")
            obj.currency = obj.company.currency
        moved_from = form.initial.get("customer") if "customer" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if change and moved_from is not None:
            # The invoice left that customer: what they owe changes. The new customer's and a
            # new due date's refresh come with the totals (after_related_saved).
            balance_refresh(company=obj.company, customer=int(moved_from))

    def after_related_saved(self, request: HttpRequest, obj: Any, change: bool) -> None:
        invoice_recalculate(invoice=obj)

    @admin.action(description="Open selected invoices (issue them to the customer)")
    def open_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._apply(request, queryset, invoice_open, "opened")

    @admin.action(description="Void selected invoices")
    def void_invoices(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._apply(request, queryset, invoice_void, "voided")

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[Any], service: Any, done: str
    ) -> None:
        count = 0
        for doc in queryset.select_related("company"):
            try:
                service(company=doc.company, invoice=doc, actor=staff_actor(request))
                count += 1
            except DomainError as error:
                self.message_user(request, error.message, level=messages.ERROR)
        if count:
            self.message_user(request, f"{count} invoice(s) {done}.")
