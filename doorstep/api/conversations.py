"""/api/v1/conversations: the customers' conversations with their messages (read), and a
reply from the office (messaging.services.message_post, which tells the customer)."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.integrations.models import ApiScope
from doorstep.messaging.models import Conversation, Message, Side
from doorstep.messaging.services import message_post

from .base import ApiView
from .customers import CustomerOut
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, object_name
from .pagination import cursor_page, list_body
from .records import record_or_404, valid_input
from .schema import list_doc, read_doc, write_doc


class MessageOut(ApiModelSerializer):
    object = object_name("message")

    class Meta:
        model = Message
        fields = ["object", "id", "side", "author_label", "body", "created_at"]


class ConversationOut(ApiModelSerializer):
    prefetch: ClassVar[list[str]] = ["messages"]
    object = object_name("conversation")
    customer = Expandable(lambda: CustomerOut)
    messages = MessageOut(many=True, read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "object",
            "id",
            "customer",
            "subject",
            "topic",
            "job",
            "invoice",
            "service_request",
            "staff_unread",
            "last_message_at",
            "messages",
            "created_at",
        ]


class ReplyIn(serializers.Serializer):
    body = serializers.CharField()


def conversations_of(company: Any) -> Any:
    return Conversation.objects.for_company(company)


class ConversationList(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.MESSAGES_READ}

    @list_doc(
        ConversationOut,
        "List conversations (ordered by created_at)",
        operation_id="conversations_list",
    )
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, ConversationOut)
        queryset = expand_prepare(conversations_of(self.company), ConversationOut, expand)
        page = cursor_page(queryset, request, field="created_at")
        return Response(
            list_body(page, represent(request, self.company, ConversationOut, page.items, expand))
        )


class ConversationDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.MESSAGES_READ}

    @read_doc(
        ConversationOut, "Get a conversation with its messages", operation_id="conversations_get"
    )
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, ConversationOut)
        found = record_or_404(
            expand_prepare(conversations_of(self.company), ConversationOut, expand), pk
        )
        return Response(represent(request, self.company, ConversationOut, [found], expand)[0])


class ConversationReply(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.MESSAGES_WRITE}

    @write_doc(
        MessageOut,
        "Reply as the office",
        request=ReplyIn,
        created=True,
        operation_id="conversations_reply",
    )
    def post(self, request: Request, pk: int) -> Response:
        found = record_or_404(conversations_of(self.company), pk)
        data = valid_input(ReplyIn, request.data)
        message = message_post(
            company=self.company,
            conversation_id=found.pk,
            side=Side.STAFF,
            body=data["body"],
            actor=self.client.actor,
        )
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)
