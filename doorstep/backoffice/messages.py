"""Back office: the office's inbox. Staff read a conversation and answer it in one page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.customers.models import Customer
from doorstep.messaging.forms import ReplyForm
from doorstep.messaging.models import Conversation, MessageAttachment, Side
from doorstep.messaging.selectors import messages_in
from doorstep.messaging.services import conversation_mark_read, conversation_start, message_post
from doorstep.tenancy.roles import StaffAction

from .tenant_admin import TenantAdmin, staff_actor, staff_companies


class StartForm(ReplyForm):
    """Staff write to a customer first."""

    customer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=Customer.objects.none())
    subject = forms.CharField(
        max_length=200, error_messages={"required": "Give your message a subject."}
    )

    field_order = ["customer", "subject", "body", "photos"]


class UnreadFilter(admin.SimpleListFilter):
    title = "unread"
    parameter_name = "unread"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Waiting for us")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(staff_unread__gt=0) if self.value() == "yes" else queryset


@admin.register(Conversation)
class ConversationAdmin(TenantAdmin):
    view_action = change_action = StaffAction.MESSAGE_CUSTOMERS
    list_display = ["subject", "customer", "topic", "staff_unread", "last_message_at"]
    list_filter = [UnreadFilter, "topic"]
    search_fields = ["subject", "customer__name", "messages__body"]
    list_select_related = ["customer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Staff start a conversation with a customer (the customer is told as usual)."""
        if not self.has_add_permission(request):
            raise Http404("Not allowed.")
        form = StartForm(request.POST or None, request.FILES or None)
        form.fields["customer"].queryset = Customer.objects.for_companies(  # type: ignore[attr-defined]
            staff_companies(request, self.change_action)
        )
        if request.method == "POST" and form.is_valid():
            customer = form.cleaned_data["customer"]
            try:
                conversation = conversation_start(
                    company=customer.company,
                    customer=customer,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                    side=Side.STAFF,
                    actor=staff_actor(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Sent. The customer has been told.")
                return redirect(
                    reverse("admin:messaging_conversation_change", args=[conversation.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "New conversation",
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/messaging/conversation/start.html", context, status=status
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="messaging_attachment",
            ),
            *super().get_urls(),
        ]

    def _conversation(self, request: HttpRequest, pk: Any) -> Conversation:
        found = (
            self.get_queryset(request)
            .select_related("customer", "company", "job", "invoice", "service_request")
            .filter(pk=pk)
            .first()
        )
        if found is None or not self.has_view_permission(request, found):
            raise Http404("No such conversation.")
        return found

    def attachment_view(
        self, request: HttpRequest, pk: int, attachment_id: int
    ) -> HttpResponseBase:
        conversation = self._conversation(request, pk)
        found = MessageAttachment.objects.filter(
            pk=attachment_id, message__conversation=conversation
        ).first()
        if found is None:
            raise Http404("No such attachment.")
        return serve_private_file(found.file, download_name=found.download_name)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not str(object_id).isdigit():
            raise Http404("No such conversation.")
        conversation = self._conversation(request, object_id)
        form = ReplyForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if not self.has_change_permission(request, conversation):
                raise Http404("No such conversation.")
            if form.is_valid():
                try:
                    message_post(
                        company=conversation.company,
                        conversation_id=conversation.pk,
                        side=Side.STAFF,
                        body=form.cleaned_data["body"],
                        photos=form.cleaned_data["photos"],
                        actor=staff_actor(request),
                    )
                except DomainError as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, error.message)
                else:
                    messages.success(request, "Sent. The customer has been told.")
                    return redirect(
                        reverse("admin:messaging_conversation_change", args=[conversation.pk])
                    )
            status = 400
        else:
            conversation_mark_read(
                company=conversation.company, conversation=conversation, side=Side.STAFF
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": conversation,
            "conversation": conversation,
            "thread": messages_in(company=conversation.company, conversation=conversation),
            "form": form,
            "title": conversation.subject,
        }
        return TemplateResponse(
            request, "admin/messaging/conversation/thread.html", context, status=status
        )
