"""Portal pages: the customer's conversations with the office (list, new, one thread, an
attachment)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file, serve_thumbnail
from doorstep.messaging import selectors
from doorstep.messaging.forms import ReplyForm
from doorstep.messaging.models import Side
from doorstep.messaging.services import conversation_mark_read, conversation_start, message_post

from .conversation_form import NewConversationForm
from .gate import portal_page
from .pages import portal_actor, portal_render

NAV = "messages"


@portal_page
def conversation_list(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    conversations = list(
        selectors.conversations_for_customer(company=identity.company, customer=identity.customer)
    )
    return portal_render(
        request,
        identity,
        "messaging/list.html",
        nav=NAV,
        conversations=conversations,
        unread=sum(c.customer_unread for c in conversations),
    )


@portal_page
def conversation_new(request: HttpRequest, identity: PortalIdentity) -> HttpResponseBase:
    company, customer = identity.company, identity.customer
    wanted = request.GET.get("about", "general")
    topics = selectors.topics_for_customer(
        company=company, customer=customer, wanted=request.POST.get("about", wanted)
    )
    initial = {"about": wanted}
    form = NewConversationForm(
        request.POST or None, request.FILES or None, topics=topics, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            topic, about_id = form.about_parts()
            try:
                conversation = conversation_start(
                    company=company,
                    customer=customer,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    topic=topic,
                    about_id=about_id,
                    photos=form.cleaned_data["photos"],
                    portal_account=identity.account,
                    actor=portal_actor(request, identity),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(reverse("messaging:detail", args=[company.slug, conversation.pk]))
        return portal_render(
            request, identity, "messaging/new.html", nav=NAV, http_status=400, form=form
        )
    return portal_render(request, identity, "messaging/new.html", nav=NAV, form=form)


@portal_page
def conversation_detail(
    request: HttpRequest, identity: PortalIdentity, conversation_id: int
) -> HttpResponseBase:
    company, customer = identity.company, identity.customer
    conversation = selectors.conversation_for_customer(
        company=company, customer=customer, conversation_id=conversation_id
    )
    if conversation is None:
        raise Http404("No such conversation.")
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    company=company,
                    conversation_id=conversation.pk,
                    side=Side.CUSTOMER,
                    body=form.cleaned_data["body"],
                    photos=form.cleaned_data["photos"],
                    portal_account=identity.account,
                    actor=portal_actor(request, identity),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(reverse("messaging:detail", args=[company.slug, conversation.pk]))
        status = 400
    else:
        conversation_mark_read(company=company, conversation=conversation, side=Side.CUSTOMER)
    return portal_render(
        request,
        identity,
        "messaging/detail.html",
        nav=NAV,
        http_status=status,
        conversation=conversation,
        thread=selectors.messages_in(company=company, conversation=conversation),
        form=form,
    )


def _attachment_or_404(identity: PortalIdentity, conversation_id: int, attachment_id: int) -> Any:
    """One of the customer's own attachments (the photo and its thumbnail share the check)."""
    found = selectors.attachment_for_customer(
        company=identity.company,
        customer=identity.customer,
        conversation_id=conversation_id,
        attachment_id=attachment_id,
    )
    if found is None:
        raise Http404("No such attachment.")
    return found


@portal_page
def attachment(
    request: HttpRequest, identity: PortalIdentity, conversation_id: int, attachment_id: int
) -> HttpResponseBase:
    found = _attachment_or_404(identity, conversation_id, attachment_id)
    return serve_private_file(found.file, download_name=found.download_name)


@portal_page
def attachment_thumb(
    request: HttpRequest, identity: PortalIdentity, conversation_id: int, attachment_id: int
) -> HttpResponseBase:
    found = _attachment_or_404(identity, conversation_id, attachment_id)
    response = serve_thumbnail(found)
    if response is None:
        raise Http404("This photo has no thumbnail.")
    return response
