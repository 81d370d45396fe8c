"""Back office: Payments & Refunds, with a Refund form on each payment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from doorstep.core.errors import DomainError
from doorstep.core.money import AmountError, format_amount_input, format_money, parse_amount
from doorstep.payments.models import (
    AutopayConsent,
    Payment,
    PaymentAllocation,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
    WebhookRejection,
)
from doorstep.payments.refunds import refund_available, refund_create
from doorstep.tenancy.roles import StaffAction, staff_may, staff_may_somewhere

from .tenant_admin import TenantAdmin, TenantInline, staff_actor


class MoneyPermissions:
    """Payments and their records are seen by the roles that see money at the row's company
    (doorstep.tenancy.roles); every field is the provider's or the ledger's record."""

    view_action = StaffAction.SEE_MONEY
    change_action = StaffAction.SEE_MONEY


class AllocationInline(MoneyPermissions, TenantInline):
    model = PaymentAllocation
    fields = ("invoice", "amount_display", "refunded_display")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="Amount")
    def amount_display(self, obj: PaymentAllocation) -> str:
        return format_money(obj.amount, obj.payment.currency)

    @admin.display(description="Refunded")
    def refunded_display(self, obj: PaymentAllocation) -> str:
        return format_money(obj.amount_refunded, obj.payment.currency)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundInline(MoneyPermissions, TenantInline):
    model = Refund
    fields = (
        "created_at",
        "amount",
        "state",
        "refund_application_fee",
        "provider_reference",
        "created_by",
        "failure_message",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RefundForm(forms.Form):
    amount = forms.CharField(label="Amount to refund", max_length=20)
    refund_application_fee = forms.TypedChoiceField(
        label="Platform fee",
        choices=[("no", "Keep the platform fee"), ("yes", "Refund the platform fee too")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    reason = forms.CharField(max_length=300, required=False)


@admin.register(Payment)
class PaymentAdmin(MoneyPermissions, TenantAdmin):
    list_display = (
        "created_at",
        "customer",
        "invoices",
        "amount_display",
        "state_display",
        "method_display",
        "provider_reference",
        "fee_display",
        "net_display",
        "refunded_display",
    )
    list_filter = ("state", "method", "source", "provider")
    search_fields = ("provider_reference", "customer__name", "card_last4")
    inlines = [AllocationInline, RefundInline]
    fields = (
        "customer",
        "state",
        "amount_display",
        "method_display",
        "source",
        "provider",
        "provider_reference",
        "fee_display",
        "platform_fee_display",
        "net_display",
        "refunded_display",
        "failure_message",
        "failure_code",
        "provider_mismatch",
        "payer_email",
        "save_method",
        "consent_ip",
        "saved_method",
        "autopay_invoice",
        "note",
        "recorded_by",
        "received_at",
        "created_at",
        "refund_link",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("customer")
            .prefetch_related("allocations__invoice")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff record cash/checks from the invoice; online payments come in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # every field is the provider's record; refunds have their own form

    @admin.display(description="Invoices")
    def invoices(self, obj: Payment) -> str:
        return ", ".join(a.invoice.display_number for a in obj.allocations.all())

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return format_money(obj.amount, obj.currency)

    @admin.display(description="State", ordering="state")
    def state_display(self, obj: Payment) -> str:
        # A provider report that did not match the attempt needs a person: say so in the list.
        label = obj.get_state_display()
        return f"{label} · amount mismatch: check" if obj.provider_mismatch else label

    @admin.display(description="Method")
    def method_display(self, obj: Payment) -> str:
        return obj.method_label

    @admin.display(description="Fee")
    def fee_display(self, obj: Payment) -> str:
        return format_money(obj.fee_amount, obj.currency)

    @admin.display(description="Platform fee")
    def platform_fee_display(self, obj: Payment) -> str:
        return format_money(obj.platform_fee_amount, obj.currency)

    @admin.display(description="Net")
    def net_display(self, obj: Payment) -> str:
        return format_money(obj.net_amount, obj.currency) if obj.state == "succeeded" else "—"

    @admin.display(description="Refunded")
    def refunded_display(self, obj: Payment) -> str:
        return format_money(obj.amount_refunded, obj.currency) if obj.amount_refunded else ""

    @admin.display(description="Refund")
    def refund_link(self, obj: Payment) -> str:
        if refund_available(obj) <= 0:
            return "Nothing left to refund."
        url = reverse("admin:payments_payment_refund", args=[obj.pk])
        return format_html('<a class="button" href="{}">Refund…</a>', url)

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<int:payment_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            )
        ]
        return extra + super().get_urls()

    def refund_view(self, request: HttpRequest, payment_id: int) -> HttpResponse:
        if not staff_may_somewhere(user=request.user, action=StaffAction.SEE_MONEY):
            raise PermissionDenied
        payment = get_object_or_404(self.get_queryset(request), pk=payment_id)
        # Judged by the role at the payment's own company, not at any other.
        if not staff_may(user=request.user, company=payment.company_id, action=StaffAction.REFUND):
            raise PermissionDenied
        available = refund_available(payment)
        locale = payment.company.locale
        form = RefundForm(
            request.POST or None,
            initial={
                "amount": format_amount_input(available, payment.currency, locale),
                "reason": "",
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                amount = parse_amount(
                    form.cleaned_data["amount"], currency=payment.currency, locale=locale
                )
                refund = refund_create(
                    company=payment.company,
                    payment=payment,
                    amount=amount,
                    refund_application_fee=form.cleaned_data["refund_application_fee"],
                    actor=staff_actor(request),
                    reason=form.cleaned_data["reason"],
                )
            except AmountError as exc:
                form.add_error("amount", str(exc))
            except DomainError as exc:
                form.add_error("amount" if exc.field == "amount" else None, exc.message)
            else:
                messages.success(
                    request,
                    f"Refund of {format_money(refund.amount, payment.currency)}: "
                    f"{refund.get_state_display().lower()}.",
                )
                return redirect("admin:payments_payment_change", payment.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund payment #{payment.pk}",
            "payment": payment,
            "form": form,
            "available": format_money(available, payment.currency),
            "amount": format_money(payment.amount, payment.currency),
            "platform_fee": format_money(payment.platform_fee_amount, payment.currency),
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return render(request, "admin/payments/payment/refund.html", context, status=status)


class ReadOnlyTenantAdmin(MoneyPermissions, TenantAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(ReadOnlyTenantAdmin):
    list_display = (
        "created_at",
        "payment",
        "amount",
        "state",
        "refund_application_fee",
        "provider_reference",
        "created_by",
    )
    list_filter = ("state", "refund_application_fee")


@admin.register(SavedPaymentMethod)
class SavedPaymentMethodAdmin(ReadOnlyTenantAdmin):
    list_display = ("customer", "brand", "last4", "expiry", "consented_at", "removed_at")
    search_fields = ("customer__name", "last4")


@admin.register(AutopayConsent)
class AutopayConsentAdmin(ReadOnlyTenantAdmin):
    list_display = ("customer", "saved_method", "consented_at", "consent_ip", "revoked_at")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyTenantAdmin):
    list_display = ("received_at", "provider", "event_type", "event_id", "handled_at", "outcome")
    list_filter = ("provider", "event_type")
    search_fields = ("event_id",)


@admin.register(WebhookRejection)
class WebhookRejectionAdmin(admin.ModelAdmin):
    """Refused webhooks carry no trusted company: superusers only."""

    list_display = ("received_at", "provider", "reason", "ip_address")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
