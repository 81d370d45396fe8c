"""Portal payment pages: checkout, the confirmation step, the receipt.

Thin: every rule lives in payments/checkout.py; these only read the request, call one
service and render. The browser never sends an amount we trust: only invoice ids, an optional
smaller amount (checked against the live balance) and a provider payment-method reference.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.access.portal_sessions import PortalIdentity, client_ip
from doorstep.adoption.models import Channel
from doorstep.billing.pdf_render import pdf_response
from doorstep.core.errors import DomainError, NotFound
from doorstep.core.money import (
    AmountError,
    amount_example,
    amount_marks,
    format_amount_input,
    format_money,
    minor_exponent,
    parse_amount,
)
from doorstep.payments import methods as saved
from doorstep.payments.ach_mandate import ach_mandate_accept, mandate_text
from doorstep.payments.checkout import (
    checkout_refused,
    invoices_payable,
    parse_invoice_ids,
    partial_allowed,
    payment_attempt_create,
    payment_cancel,
    payment_charge,
    payment_confirm,
)
from doorstep.payments.models import Payment, PaymentMethod, PaymentState
from doorstep.payments.notify import receipt_emailed
from doorstep.payments.providers.base import (
    ProviderError,
    connected_account,
    provider_for,
    provider_named,
)
from doorstep.payments.receipt_pdf import receipt_pdf_bytes, receipt_pdf_filename
from doorstep.payments.selectors import payment_for_customer
from doorstep.tenancy.models import Company

from .error_pages import portal_error
from .gate import portal_page
from .pages import portal_actor, portal_render

METHOD_REF = re.compile(r"^pm_[A-Za-z0-9_]{3,96}$")


class _Refused(Exception):
    """A refused checkout that has been audited: answered with the 404 page, not raised
    out of the view (see `_refused_page`)."""

    def __init__(self, error: NotFound) -> None:
        super().__init__(error.message)
        self.error = error


def _refused_page(request: HttpRequest, error: NotFound) -> HttpResponse:
    """The portal's 404 page for a refused checkout, *returned* rather than raised.

    The refusal was audited (`checkout_refused`) in the portal gate's tenant transaction
    (docs/adr/0003). A NotFound raised out of the view would roll that transaction back, and
    with it the `payment.refused` row, so on PostgreSQL with tenant transactions on the
    refusal left no trace (under autocommit, SQLite or the owner, it was kept). Answering
    with the same page the error middleware would render lets the transaction commit with
    the audit; the refused service's own writes were already undone by its own atomic block."""
    return portal_error(request, status=error.status_code, message=error.message)


def _scoped_ids(request: HttpRequest, identity: PortalIdentity, values: list[str]) -> list[int]:
    """Invoice ids from the query/form, limited to what this session may see; `_Refused`
    (audited) otherwise."""
    ids = parse_invoice_ids(values)
    if not all(identity.may_see_invoice(i) for i in ids):
        checkout_refused(
            company=identity.company,
            customer=identity.customer,
            actor=portal_actor(request, identity),
            reason=f"Invoice-link session tried to pay invoices {ids}",
        )
        raise _Refused(NotFound("That invoice was not found."))
    return ids


def _checkout_url(company: Company, ids: list[int]) -> str:
    query = "&".join(f"invoice={i}" for i in ids)
    return f"{reverse('payments:checkout', args=[company.slug])}?{query}"


def _render_checkout(
    request: HttpRequest,
    identity: PortalIdentity,
    ids: list[int],
    *,
    error: str = "",
    field: str = "",
    status: int = 200,
) -> HttpResponse:
    company, customer = identity.company, identity.customer
    try:
        payable = invoices_payable(company=company, customer=customer, invoice_ids=ids)
    except NotFound:
        raise
    except DomainError as exc:  # already paid, void, or a payment on its way
        return portal_render(
            request,
            identity,
            "payments/nothing_to_pay.html",
            nav="invoices",
            http_status=status or 400,
            problem=exc.message,
            # A POST refused for the same reason (a second tab paid first) says it once.
            error="" if error == exc.message else error,
        )
    currency = payable[0].invoice.currency
    total = sum(p.available for p in payable)
    single = payable[0] if len(payable) == 1 else None
    can_partial = bool(single and partial_allowed(company=company, invoice=single.invoice))
    setup = None
    setup_error = ""
    try:
        setup = provider_for(company).checkout_setup(account=connected_account(company))
    except ProviderError:
        setup_error = "Card payments are unavailable for a moment. Please try again shortly."
    settings_ = company.settings
    typed = request.POST.get("amount", "") if request.method == "POST" else ""
    decimal_mark, group_mark = amount_marks(company.locale)
    return portal_render(
        request,
        identity,
        "payments/checkout.html",
        nav="invoices",
        http_status=status,
        payable=[
            {
                "invoice": p.invoice,
                "available": format_money(p.available, currency, company.locale),
                "partly_paid": p.available < p.invoice.total,
            }
            for p in payable
        ],
        invoice_ids=ids,
        total=format_money(total, currency, company.locale),
        total_input=format_amount_input(total, currency, company.locale),
        pay_label=_pay_label(typed if can_partial else "", total, currency, company.locale),
        amount_example=amount_example(currency, company.locale),
        minor_digits=minor_exponent(currency),
        decimal_mark=decimal_mark,
        group_mark=group_mark,
        locale_tag=company.locale.replace("_", "-"),
        can_partial=can_partial,
        minimum=format_money(
            min(settings_.partial_payment_minimum, total), currency, company.locale
        ),
        amount_value=typed,
        saved_methods=saved.saved_methods_for_customer(company=company, customer=customer)
        if identity.is_full
        else [],
        can_save=identity.is_full,
        save_card_text=saved.save_card_text(company),
        ach_enabled=settings_.ach_enabled,
        mandate_text=mandate_text(company) if settings_.ach_enabled else "",
        account_holder=request.POST.get("account_holder", ""),
        mandate_agreed=request.POST.get("mandate") == "agreed",
        method_choice=request.POST.get("method_choice", ""),
        setup=setup,
        setup_error=setup_error,
        error=error,
        error_field=field,
    )


def _pay_label(typed: str, total: int, currency: str, locale: str) -> str:
    """What the Pay button says: the amount that will be charged, before anything is. The
    page's script keeps it in step as the customer types (by the same rules)."""
    if not typed.strip():
        return f"Pay {format_money(total, currency, locale)}"
    try:
        amount = parse_amount(typed, currency=currency, locale=locale)
    except AmountError:
        return "Pay"  # the error above the form says how to write the amount
    return f"Pay {format_money(amount, currency, locale)}"


@require_http_methods(["GET", "POST"])
@portal_page(allow_invoice_link=True)
def checkout(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    try:
        ids = _scoped_ids(request, identity, source.getlist("invoice"))
        if not ids:  # "Pay selected" with nothing ticked
            return _nothing_ticked(request, identity)
        if request.method == "GET":
            return _render_checkout(request, identity, ids)
        return _checkout_submit(request, identity, ids)
    except _Refused as refused:  # audited: answer without rolling the audit back
        return _refused_page(request, refused.error)


def _nothing_ticked(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    """A plain answer and the way back; nothing is created or audited (no one tampered)."""
    company = identity.company
    if identity.is_full:
        back = reverse("portal:invoices", args=[company.slug]), "Back to your invoices"
    else:
        back = (
            reverse("portal:invoice_detail", args=[company.slug, identity.invoice_id]),
            "Back to your invoice",
        )
    return portal_render(
        request,
        identity,
        "payments/nothing_to_pay.html",
        nav="invoices",
        http_status=400,
        heading="No invoices ticked",
        problem="Tick the invoices you want to pay, then press Pay selected.",
        back_url=back[0],
        back_label=back[1],
    )


def _checkout_submit(
    request: HttpRequest, identity: PortalIdentity, ids: list[int]
) -> HttpResponse:
    company, customer = identity.company, identity.customer
    actor = portal_actor(request, identity)
    choice = request.POST.get("method_choice", "card")
    method_ref = request.POST.get("payment_method", "").strip()
    amount_text = request.POST.get("amount")
    saved_method = None
    ach_mandate = None
    customer_ref = ""
    try:
        if choice == "saved":
            if not identity.is_full:
                raise NotFound("That card was not found.")
            saved_method = saved.saved_method_get(
                company=company, customer=customer, method_id=request.POST.get("saved_method")
            )
            method_ref, customer_ref = (
                saved_method.provider_method_ref,
                saved_method.provider_customer_ref,
            )
        elif choice == "card":
            if not METHOD_REF.match(method_ref):
                raise DomainError("Enter your card details.", field="card")
        elif choice == "ach":
            # The account holder's authorisation comes before anything is debited.
            ach_mandate = ach_mandate_accept(
                company=company,
                account_holder=request.POST.get("account_holder", ""),
                agreed=request.POST.get("mandate") == "agreed",
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
            # Some providers collect the account on the next step, others on this page.
            needs_ref = provider_for(company).bank_details_on_checkout
            if (method_ref or needs_ref) and not METHOD_REF.match(method_ref):
                raise DomainError("Enter your bank account details.", field="bank")
        else:
            raise DomainError("Choose how you want to pay.", field="method")
        save = choice == "card" and identity.is_full and request.POST.get("save_card") == "on"
        payment = payment_attempt_create(
            company=company,
            customer=customer,
            invoice_ids=ids,
            amount_text=amount_text,
            method=PaymentMethod.ACH if choice == "ach" else PaymentMethod.CARD,
            actor=actor,
            payer_email=identity.account.email,
            save_method=save,
            consent_ip=client_ip(request),
            saved_method=saved_method,
            ach_mandate=ach_mandate,
            channel=Channel.PORTAL if identity.is_full else Channel.INVOICE_LINK,
        )
    except NotFound as exc:
        checkout_refused(
            company=company, customer=customer, actor=actor, reason=f"Checkout refused: {ids}"
        )
        raise _Refused(exc) from exc
    except DomainError as exc:
        checkout_refused(company=company, customer=customer, actor=actor, reason=exc.message)
        return _render_checkout(
            request, identity, ids, error=exc.message, field=exc.field or "", status=exc.status_code
        )
    try:
        if payment.save_method:
            customer_ref = saved.method_attach_for_saving(
                company=company,
                customer=customer,
                email=identity.account.email,
                method_ref=method_ref,
            )
        payment = payment_charge(
            payment=payment, method_ref=method_ref, customer_ref=customer_ref, actor=actor
        )
    except DomainError as exc:  # the card could not be saved: nothing was charged
        payment_cancel(payment=payment, actor=actor)
        return _render_checkout(request, identity, ids, error=exc.message, field="card", status=400)
    except ProviderError:
        return _render_checkout(
            request,
            identity,
            ids,
            error="We couldn't reach the payment processor, so we don't know yet whether this "
            "payment went through. We'll check in a few minutes and email you a receipt if it "
            "did. Please don't pay again until then.",
            status=503,
        )
    return _after_charge(request, identity, payment, ids)


def _after_charge(
    request: HttpRequest, identity: PortalIdentity, payment: Payment, ids: list[int]
) -> HttpResponse:
    company = payment.company
    if payment.state in (PaymentState.SUCCEEDED, PaymentState.PROCESSING):
        return redirect("payments:receipt", company.slug, payment.pk)
    if payment.state in (PaymentState.REQUIRES_ACTION, PaymentState.PENDING):
        return redirect("payments:confirm", company.slug, payment.pk)
    message = payment.failure_message or "The payment did not go through."
    return _render_checkout(
        request,
        identity,
        ids,
        error=f"{message} Nothing was charged. Try another card.",
        status=402,
    )


def _payment_of_session(identity: PortalIdentity, payment_id: int) -> Payment:
    payment = payment_for_customer(
        company=identity.company, customer=identity.customer, payment_id=payment_id
    )
    if not all(identity.may_see_invoice(a.invoice_id) for a in payment.allocations.all()):
        raise NotFound("That payment was not found.")
    return payment


@require_http_methods(["GET", "POST"])
@portal_page(allow_invoice_link=True)
def confirm(request: HttpRequest, identity: PortalIdentity, payment_id: int) -> HttpResponse:
    """The extra step a bank may ask for (3-D Secure), and Stripe's bank-account collection."""
    payment = _payment_of_session(identity, payment_id)
    ids = [a.invoice_id for a in payment.allocations.all()]
    company = payment.company
    actor = portal_actor(request, identity)
    if payment.state not in (PaymentState.PENDING, PaymentState.REQUIRES_ACTION):
        return _after_charge(request, identity, payment, ids)
    if request.method == "GET":
        return _render_confirm(request, identity, payment)
    decision = request.POST.get("decision", "")
    try:
        if decision == "cancel":
            payment_cancel(payment=payment, actor=actor)
            messages.info(request, "The payment was cancelled. Nothing was charged.")
            return HttpResponseRedirect(_checkout_url(company, ids))
        payment = payment_confirm(payment=payment, answer=decision, actor=actor)
    except ProviderError:
        messages.error(request, "We couldn't reach the payment processor. Please try again.")
        return redirect("payments:confirm", company.slug, payment.pk)
    if payment.state == PaymentState.FAILED:
        messages.error(
            request,
            f"{payment.failure_message or 'The payment did not go through.'} "
            "Nothing was charged. Try another card.",
        )
        return HttpResponseRedirect(_checkout_url(company, ids))
    return _after_charge(request, identity, payment, ids)


def _render_confirm(
    request: HttpRequest, identity: PortalIdentity, payment: Payment
) -> HttpResponse:
    company = payment.company
    step = provider_named(payment.provider).confirmation_step(
        reference=payment.provider_reference, account=connected_account(company)
    )
    return portal_render(
        request,
        identity,
        "payments/confirm.html",
        nav="invoices",
        payment=payment,
        amount=format_money(payment.amount, payment.currency, company.locale),
        step=step,
        is_ach=payment.method == PaymentMethod.ACH,
    )


@portal_page(allow_invoice_link=True)
def receipt(request: HttpRequest, identity: PortalIdentity, payment_id: int) -> HttpResponse:
    payment = _payment_of_session(identity, payment_id)
    company = payment.company
    allocations = [
        {
            "invoice": a.invoice,
            "amount": format_money(a.amount, payment.currency, company.locale),
        }
        for a in payment.allocations.all()
    ]
    return portal_render(
        request,
        identity,
        "payments/receipt.html",
        nav="invoices",
        payment=payment,
        amount=format_money(payment.amount, payment.currency, company.locale),
        refunded=format_money(payment.amount_refunded, payment.currency, company.locale)
        if payment.amount_refunded
        else "",
        allocations=allocations,
        receipt_emailed=receipt_emailed(payment),
        retry_url=_checkout_url(company, [a.invoice_id for a in payment.allocations.all()]),
    )


@require_safe
@portal_page(allow_invoice_link=True)
def receipt_pdf(request: HttpRequest, identity: PortalIdentity, payment_id: int) -> HttpResponse:
    """The receipt as a PDF (payments/receipt_pdf.py): the receipt page's own isolation;
    a payment that has not gone through has none (404 with the reason)."""
    payment = _payment_of_session(identity, payment_id)
    return pdf_response(
        receipt_pdf_bytes(company=identity.company, payment=payment),
        filename=receipt_pdf_filename(payment),
        inline=request.GET.get("view") == "1",
    )
