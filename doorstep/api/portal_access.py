"""/api/v1/customers/<id>/portal-access/...: invite a customer to the portal, or send a fresh
sign-in link, through the office's services (access.invitations)."""

from __future__ import annotations

from typing import ClassVar

from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.access.invitations import portal_account_invite, portal_account_resend_link
from doorstep.access.models import PortalAccount
from doorstep.integrations.models import ApiScope

from .base import ApiView
from .customers import customers_of
from .fields import ApiModelSerializer, object_name
from .records import record_or_404
from .schema import write_doc


class PortalAccessOut(ApiModelSerializer):
    object = object_name("portal_access")

    class Meta:
        model = PortalAccount
        fields = ["object", "customer", "email", "state", "last_sign_in_at"]


class PortalInvite(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.PORTAL_ACCESS_WRITE}

    @write_doc(
        PortalAccessOut,
        "Invite the customer to the portal (emails a link)",
        request=None,
        operation_id="portal_access_invite",
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = record_or_404(customers_of(self.company), pk)
        account = portal_account_invite(
            company=self.company, customer=customer, actor=self.client.actor
        )
        return Response(PortalAccessOut(account).data)


class PortalSendLink(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.PORTAL_ACCESS_WRITE}

    @write_doc(
        PortalAccessOut,
        "Email the customer a fresh sign-in link",
        request=None,
        operation_id="portal_access_send_link",
    )
    def post(self, request: Request, pk: int) -> Response:
        customer = record_or_404(customers_of(self.company), pk)
        account = portal_account_resend_link(
            company=self.company, customer=customer, actor=self.client.actor
        )
        return Response(PortalAccessOut(account).data)
