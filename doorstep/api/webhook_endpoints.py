"""/api/v1/webhook_endpoints: the company's webhook endpoints, with the same services as the
office (integrations/webhooks/endpoints.py). The signing secret is in the answer to create and
rotate only."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.integrations.models import ApiScope, WebhookEndpoint
from doorstep.integrations.webhooks import endpoints as services
from doorstep.integrations.webhooks.event_types import EVENT_TYPES
from doorstep.integrations.webhooks.outbox import webhook_test_send

from .base import ApiView
from .fields import ApiModelSerializer, object_name
from .pagination import cursor_page, list_body
from .records import record_or_404, valid_input
from .schema import list_doc, read_doc, write_doc

EVENT_TYPE_CHOICES = sorted(EVENT_TYPES)


class WebhookEndpointOut(ApiModelSerializer):
    object = object_name("webhook_endpoint")
    event_types = serializers.SerializerMethodField()

    class Meta:
        model = WebhookEndpoint
        fields = [
            "object",
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "disabled_reason",
            "disabled_at",
            "failing_since",
            "previous_secret_expires_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(EVENT_TYPE_CHOICES)))
    def get_event_types(self, obj: WebhookEndpoint) -> list[str]:
        return list(obj.event_types)


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    secret = serializers.CharField(read_only=True, help_text="whsec_...: shown only here, once.")

    class Meta(WebhookEndpointOut.Meta):
        fields = [*WebhookEndpointOut.Meta.fields, "secret"]


class WebhookEndpointIn(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES),
        required=False,
        max_length=len(EVENT_TYPE_CHOICES),
        help_text="Empty or left out: every event type.",
    )


class WebhookEndpointPatch(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES),
        required=False,
        max_length=len(EVENT_TYPE_CHOICES),
    )
    enabled = serializers.BooleanField(required=False)


class TestEventOut(serializers.Serializer):
    id = serializers.CharField(help_text="The webhook-id of the test event (msg_...).")


def endpoints_of(company: Any) -> Any:
    return WebhookEndpoint.objects.for_company(company)


def _show(endpoint: WebhookEndpoint, code: int = 200, secret: str | None = None) -> Response:
    if secret is None:
        return Response(WebhookEndpointOut(endpoint).data, status=code)
    endpoint.secret = secret  # type: ignore[attr-defined]  # the one answer that shows it
    response = Response(WebhookEndpointWithSecretOut(endpoint).data, status=code)
    response["Cache-Control"] = "no-store"
    return response


class WebhookEndpointList(ApiView):
    scopes: ClassVar[dict[str, str]] = {
        "GET": ApiScope.WEBHOOKS_READ,
        "POST": ApiScope.WEBHOOKS_WRITE,
    }

    @list_doc(WebhookEndpointOut, "List webhook endpoints", operation_id="webhook_endpoints_list")
    def get(self, request: Request) -> Response:
        page = cursor_page(endpoints_of(self.company), request)
        return Response(list_body(page, [WebhookEndpointOut(e).data for e in page.items]))

    @write_doc(
        WebhookEndpointWithSecretOut,
        "Add a webhook endpoint (the answer has its signing secret, shown once)",
        request=WebhookEndpointIn,
        created=True,
        operation_id="webhook_endpoints_create",
    )
    def post(self, request: Request) -> Response:
        data = valid_input(WebhookEndpointIn, request.data)
        issued = services.webhook_endpoint_create(
            company=self.company,
            url=data["url"],
            description=data.get("description", ""),
            event_types=data.get("event_types", []),
            actor=self.client.actor,
        )
        return _show(issued.endpoint, status.HTTP_201_CREATED, issued.secret)


class WebhookEndpointDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {
        "GET": ApiScope.WEBHOOKS_READ,
        "PATCH": ApiScope.WEBHOOKS_WRITE,
        "DELETE": ApiScope.WEBHOOKS_WRITE,
    }

    @read_doc(WebhookEndpointOut, "Get a webhook endpoint", operation_id="webhook_endpoints_get")
    def get(self, request: Request, pk: int) -> Response:
        return _show(record_or_404(endpoints_of(self.company), pk))

    @write_doc(
        WebhookEndpointOut,
        "Change a webhook endpoint, or switch it off / on with `enabled`",
        request=WebhookEndpointPatch,
        operation_id="webhook_endpoints_update",
    )
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = record_or_404(endpoints_of(self.company), pk)
        data = valid_input(WebhookEndpointPatch, request.data)
        actor = self.client.actor
        endpoint = services.webhook_endpoint_update(
            company=self.company,
            endpoint=endpoint,
            actor=actor,
            url=data.get("url"),
            description=data.get("description"),
            event_types=data.get("event_types"),
        )
        if data.get("enabled") is False:
            endpoint = services.webhook_endpoint_disable(
                company=self.company,
                endpoint=endpoint,
                actor=actor,
                reason=f"Switched off through the API ({actor.label}).",
            )
        elif data.get("enabled") is True:
            endpoint = services.webhook_endpoint_enable(
                company=self.company, endpoint=endpoint, actor=actor
            )
        return _show(endpoint)

    @write_doc(None, "Delete a webhook endpoint", operation_id="webhook_endpoints_delete")
    def delete(self, request: Request, pk: int) -> Response:
        endpoint = record_or_404(endpoints_of(self.company), pk)
        services.webhook_endpoint_delete(
            company=self.company, endpoint=endpoint, actor=self.client.actor
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotate(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.WEBHOOKS_WRITE}

    @write_doc(
        WebhookEndpointWithSecretOut,
        "A new signing secret; the old one also signs for 24 hours",
        request=None,
        operation_id="webhook_endpoints_rotate",
    )
    def post(self, request: Request, pk: int) -> Response:
        endpoint = record_or_404(endpoints_of(self.company), pk)
        issued = services.webhook_endpoint_rotate(
            company=self.company, endpoint=endpoint, actor=self.client.actor
        )
        return _show(issued.endpoint, secret=issued.secret)


class WebhookEndpointTest(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.WEBHOOKS_WRITE}

    @write_doc(
        TestEventOut,
        "Send a webhook.test event to this endpoint",
        request=None,
        operation_id="webhook_endpoints_test",
    )
    def post(self, request: Request, pk: int) -> Response:
        endpoint = record_or_404(endpoints_of(self.company), pk)
        event = webhook_test_send(company=self.company, endpoint=endpoint, actor=self.client.actor)
        return Response({"id": event.public_id})
