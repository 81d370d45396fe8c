"""/api/v1/customers: customers with their contacts and locations; upsert by external_id."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import transaction
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.customers import services
from doorstep.customers.models import Contact, Customer, CustomerKind, Location
from doorstep.integrations.models import ApiScope

from .base import ApiView
from .expand import expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, ExternalIdField, object_name
from .pagination import cursor_page, list_body
from .records import external_id_keep, record_or_404, upsert_by_external_id
from .records import valid_input as _valid
from .schema import list_doc, read_doc, write_doc

EXTERNAL_ID = serializers.CharField(
    max_length=100,
    required=False,
    allow_blank=False,
    help_text="Your own id for this record: sending it again updates instead of duplicating.",
)


class ContactOut(ApiModelSerializer):
    object = object_name("contact")

    class Meta:
        model = Contact
        fields = ["object", "id", "name", "email", "phone", "is_primary"]


class LocationOut(ApiModelSerializer):
    object = object_name("location")

    class Meta:
        model = Location
        fields = [
            "object",
            "id",
            "label",
            "street",
            "city",
            "region",
            "postal_code",
            "access_notes",
        ]


class CustomerOut(ApiModelSerializer):
    """A customer as the API and webhook snapshots show it."""

    prefetch: ClassVar[list[str]] = ["contacts", "locations"]
    object = object_name("customer")
    external_id = ExternalIdField()
    contacts = ContactOut(many=True, read_only=True)
    locations = LocationOut(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "object",
            "id",
            "external_id",
            "kind",
            "name",
            "billing_address",
            "internal_notes",
            "contacts",
            "locations",
            "created_at",
            "updated_at",
        ]


class ContactIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(required=False, default=False)


class LocationIn(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        max_length=100, required=False, allow_blank=True, default=""
    )
    street = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    access_notes = serializers.CharField(required=False, allow_blank=True, default="")


class CustomerIn(serializers.Serializer):
    external_id = EXTERNAL_ID
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    name = serializers.CharField(max_length=200)
    billing_address = serializers.CharField(required=False, allow_blank=True)
    internal_notes = serializers.CharField(required=False, allow_blank=True)
    contacts = ContactIn(many=True, required=False, help_text="Only when creating.")
    locations = LocationIn(many=True, required=False, help_text="Only when creating.")


class CustomerPatch(serializers.Serializer):
    external_id = EXTERNAL_ID
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    name = serializers.CharField(max_length=200, required=False)
    billing_address = serializers.CharField(required=False, allow_blank=True)
    internal_notes = serializers.CharField(required=False, allow_blank=True)


def customers_of(company: Any) -> Any:
    return Customer.objects.for_company(company)


def _show(view: ApiView, customer: Customer, code: int = 200) -> Response:
    fresh = expand_prepare(customers_of(view.company), CustomerOut, set()).get(pk=customer.pk)
    return Response(
        represent(view.request, view.company, CustomerOut, [fresh], set())[0], status=code
    )


class CustomerList(ApiView):
    scopes: ClassVar[dict[str, str]] = {
        "GET": ApiScope.CUSTOMERS_READ,
        "POST": ApiScope.CUSTOMERS_WRITE,
    }

    @list_doc(CustomerOut, "List customers", operation_id="customers_list")
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, CustomerOut)
        page = cursor_page(expand_prepare(customers_of(self.company), CustomerOut, expand), request)
        return Response(
            list_body(page, represent(request, self.company, CustomerOut, page.items, expand))
        )

    @write_doc(
        CustomerOut,
        "Create a customer, or update the one with this external_id",
        request=CustomerIn,
        created=True,
        operation_id="customers_create",
    )
    def post(self, request: Request) -> Response:
        data = _valid(CustomerIn, request.data)
        external_id = data.pop("external_id", "")
        contacts = data.pop("contacts", [])
        locations = data.pop("locations", [])
        actor = self.client.actor

        def create() -> Customer:
            customer = services.customer_create_from_values(
                company=self.company, actor=actor, **data
            )
            for contact in contacts:
                services.contact_create(
                    company=self.company, customer=customer, actor=actor, **contact
                )
            for location in locations:
                services.location_create(
                    company=self.company, customer=customer, actor=actor, **location
                )
            return customer

        def update(existing: Customer) -> Customer:
            return services.customer_update_values(
                company=self.company, customer=existing, actor=actor, **data
            )

        customer, created = upsert_by_external_id(
            customers_of(self.company),
            self.company,
            "customer",
            external_id,
            create=create,
            update=update,
        )
        return _show(self, customer, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CustomerDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {
        "GET": ApiScope.CUSTOMERS_READ,
        "PATCH": ApiScope.CUSTOMERS_WRITE,
    }

    @read_doc(CustomerOut, "Get a customer", operation_id="customers_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, CustomerOut)
        customer = record_or_404(
            expand_prepare(customers_of(self.company), CustomerOut, expand), pk
        )
        return Response(represent(request, self.company, CustomerOut, [customer], expand)[0])

    @write_doc(
        CustomerOut, "Change a customer", request=CustomerPatch, operation_id="customers_update"
    )
    def patch(self, request: Request, pk: int) -> Response:
        customer = record_or_404(customers_of(self.company), pk)
        data = _valid(CustomerPatch, request.data)
        external_id = data.pop("external_id", "")
        with transaction.atomic():
            customer = services.customer_update_values(
                company=self.company, customer=customer, actor=self.client.actor, **data
            )
            external_id_keep(self.company, "customer", customer, external_id)
        return _show(self, customer)


class CustomerContacts(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.CUSTOMERS_WRITE}

    @write_doc(
        ContactOut,
        "Add a contact to a customer",
        request=ContactIn,
        created=True,
        operation_id="customers_contacts_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = record_or_404(customers_of(self.company), pk)
        contact = services.contact_create(
            company=self.company,
            customer=customer,
            actor=self.client.actor,
            **_valid(ContactIn, request.data),
        )
        return Response(ContactOut(contact).data, status=status.HTTP_201_CREATED)


class CustomerLocations(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.CUSTOMERS_WRITE}

    @write_doc(
        LocationOut,
        "Add a service location to a customer",
        request=LocationIn,
        created=True,
        operation_id="customers_locations_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = record_or_404(customers_of(self.company), pk)
        location = services.location_create(
            company=self.company,
            customer=customer,
            actor=self.client.actor,
            **_valid(LocationIn, request.data),
        )
        return Response(LocationOut(location).data, status=status.HTTP_201_CREATED)
