"""Office pages: the inbox (unread first), one conversation with its photos, the reply."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.messaging import selectors
from doorstep.messaging.forms import ReplyForm
from doorstep.messaging.models import Conversation, Side
from doorstep.messaging.services import conversation_mark_read, message_post
from doorstep.office.gate import Office, office_page
from doorstep.office.pages import office_render
from doorstep.tenancy.roles import StaffAction

INBOX_LIMIT = 100


@require_safe
@office_page(StaffAction.MESSAGE_CUSTOMERS)
def conversation_list(request: HttpRequest, office: Office) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = list(
        selectors.conversations_inbox(company=office.company, unread_only=unread_only)[:INBOX_LIMIT]
    )
    return office_render(
        request,
        office,
        "office/messages/list.html",
        {"rows": rows, "unread_only": unread_only, "limit": INBOX_LIMIT},
    )


def _conversation_or_404(office: Office, pk: int) -> Conversation:
    found = selectors.conversation_for_office(company=office.company, conversation_id=pk)
    if found is None:
        raise Http404("No such conversation.")
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@office_page(StaffAction.MESSAGE_CUSTOMERS)
def conversation_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponseBase:
    conversation = _conversation_or_404(office, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    company=office.company,
                    conversation_id=conversation.pk,
                    side=Side.STAFF,
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                    actor=office.actor,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                flash.success(request, f"Reply sent to {conversation.customer.name}.")
                return redirect(reverse("office:messages:detail", args=[pk]) + "#latest")
        status = 400
    else:
        # Opening the conversation is reading it: the inbox's unread count for it goes to 0.
        conversation_mark_read(company=office.company, conversation=conversation, side=Side.STAFF)
    return office_render(
        request,
        office,
        "office/messages/detail.html",
        {
            "conversation": conversation,
            "thread": selectors.messages_in(company=office.company, conversation=conversation),
            "form": form,
            "may_see_billing": office.may(StaffAction.SEE_BILLING),
        },
        status=status,
    )


@require_safe
@office_page(StaffAction.MESSAGE_CUSTOMERS)
def attachment(
    request: HttpRequest, office: Office, pk: int, attachment_id: int
) -> HttpResponseBase:
    found = selectors.attachment_for_office(
        company=office.company, conversation_id=pk, attachment_id=attachment_id
    )
    if found is None:
        raise Http404("No such photo.")
    return serve_private_file(found.file, download_name=found.download_name)
