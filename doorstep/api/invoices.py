"""/api/v1/invoices: invoices with their lines. Created as drafts (billing.invoices),
sent as from the office (access.invoice_sending.invoice_send: the email with its "View and
pay" link, then autopay) and voided (billing.invoices.invoice_void)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.access.invoice_sending import invoice_send
from doorstep.billing.invoices import LineInput, invoice_create, invoice_void
from doorstep.billing.models import CustomerStatus, Invoice, InvoiceKind, LineItem
from doorstep.integrations.models import ApiScope
from doorstep.jobs.models import Job

from .base import ApiView
from .customers import EXTERNAL_ID, CustomerOut, customers_of
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, ExternalIdField, object_name
from .jobs import JobOut
from .pagination import cursor_page, list_body
from .records import record_or_404, referenced, upsert_by_external_id, valid_input
from .schema import list_doc, read_doc, write_doc

CENTS = "In cents (integer minor units of the invoice's currency)."


class LineOut(ApiModelSerializer):
    object = object_name("invoice_line")

    class Meta:
        model = LineItem
        fields = [
            "object",
            "id",
            "position",
            "description",
            "quantity",
            "unit_price",
            "tax_rate",
            "amount",
            "tax_amount",
        ]


class InvoiceOut(ApiModelSerializer):
    """An invoice as the API and webhook snapshots show it. `status` is what the customer
    sees (Invoice.customer_status); `state` is draft / open / void."""

    prefetch: ClassVar[list[str]] = ["lines"]
    object = object_name("invoice")
    external_id = ExternalIdField()
    number = serializers.CharField(source="display_number", read_only=True)
    customer = Expandable(lambda: CustomerOut)
    job = Expandable(lambda: JobOut)
    status = serializers.SerializerMethodField()
    lines = LineOut(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "object",
            "id",
            "external_id",
            "number",
            "customer",
            "job",
            "kind",
            "state",
            "status",
            "currency",
            "issue_date",
            "due_date",
            "notes",
            "subtotal",
            "tax",
            "total",
            "amount_paid",
            "balance_due",
            "amount_pending",
            "lines",
            "sent_at",
            "paid_at",
            "created_at",
            "updated_at",
        ]

    def get_status(self, obj: Invoice) -> CustomerStatus:
        return obj.customer_status(self.context["today"])


class LineIn(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    unit_price = serializers.IntegerField(
        min_value=-(10**12), max_value=10**12, help_text=CENTS + " Negative for a discount."
    )
    quantity = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=Decimal("0.001"), default=Decimal("1")
    )
    tax_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        default=Decimal("0"),
        help_text="Percent, e.g. 8.875.",
    )


class InvoiceIn(serializers.Serializer):
    external_id = EXTERNAL_ID
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    job = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, default=InvoiceKind.STANDARD)
    issue_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = serializers.ListField(child=LineIn(), max_length=200, default=list)


class VoidIn(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def invoices_of(company: Any) -> Any:
    return Invoice.objects.for_company(company)


def _show(view: ApiView, invoice: Invoice, code: int = 200) -> Response:
    fresh = expand_prepare(invoices_of(view.company), InvoiceOut, set()).get(pk=invoice.pk)
    return Response(
        represent(view.request, view.company, InvoiceOut, [fresh], set())[0], status=code
    )


class InvoiceList(ApiView):
    scopes: ClassVar[dict[str, str]] = {
        "GET": ApiScope.INVOICES_READ,
        "POST": ApiScope.INVOICES_WRITE,
    }

    @list_doc(
        InvoiceOut,
        "List invoices (void ones included, with state void)",
        operation_id="invoices_list",
    )
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, InvoiceOut)
        page = cursor_page(expand_prepare(invoices_of(self.company), InvoiceOut, expand), request)
        return Response(
            list_body(page, represent(request, self.company, InvoiceOut, page.items, expand))
        )

    @write_doc(
        InvoiceOut,
        "Create a draft invoice (an existing external_id returns that invoice unchanged)",
        request=InvoiceIn,
        created=True,
        operation_id="invoices_create",
    )
    def post(self, request: Request) -> Response:
        data = valid_input(InvoiceIn, request.data)
        external_id = data.pop("external_id", "")

        def create() -> Invoice:
            customer = referenced(
                customers_of(self.company), data["customer"], field="customer", words="customer"
            )
            job = None
            if data["job"] is not None:
                job = referenced(
                    Job.objects.for_company(self.company).filter(customer=customer),
                    data["job"],
                    field="job",
                    words="job of this customer",
                )
            return invoice_create(
                company=self.company,
                customer=customer,
                job=job,
                kind=data["kind"],
                issue_date=data["issue_date"],
                due_date=data["due_date"],
                notes=data["notes"],
                actor=self.client.actor,
                lines=[LineInput(**line) for line in data["lines"]],
            )

        invoice, created = upsert_by_external_id(
            invoices_of(self.company), self.company, "invoice", external_id, create=create
        )
        return _show(self, invoice, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class InvoiceDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.INVOICES_READ}

    @read_doc(InvoiceOut, "Get an invoice", operation_id="invoices_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, InvoiceOut)
        invoice = record_or_404(expand_prepare(invoices_of(self.company), InvoiceOut, expand), pk)
        return Response(represent(request, self.company, InvoiceOut, [invoice], expand)[0])


class InvoiceSend(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.INVOICES_WRITE}

    @write_doc(
        InvoiceOut,
        "Email the invoice to its customer (a draft becomes open)",
        request=None,
        operation_id="invoices_send",
    )
    def post(self, request: Request, pk: int) -> Response:
        invoice = record_or_404(invoices_of(self.company), pk)
        invoice_send(company=self.company, invoice=invoice, actor=self.client.actor)
        return _show(self, invoice)


class InvoiceVoid(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.INVOICES_WRITE}

    @write_doc(
        InvoiceOut,
        "Void an invoice (refund its payments first)",
        request=VoidIn,
        operation_id="invoices_void",
    )
    def post(self, request: Request, pk: int) -> Response:
        invoice = record_or_404(invoices_of(self.company), pk)
        reason = valid_input(VoidIn, request.data or {})["reason"]
        invoice_void(company=self.company, invoice=invoice, actor=self.client.actor, reason=reason)
        return _show(self, invoice)
